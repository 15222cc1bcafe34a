/**
 * Malformed bytes after requests on one connection: the requests read before them are answered first,
 * then the parser error, then the connection closes (as Go's server does). Node's default would
 * answer 400 in place of the pending request and drop it.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { answerBeforeClientErrors } from './client-errors.js';

/** Sends `bytes` on one connection in one write; resolves with everything received until the server closes. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const c = connect(port, '127.0.0.1', () => c.write(bytes));
    c.on('data', (b: Buffer) => (got += b.toString('latin1')));
    c.on('close', () => resolve(got));
    c.on('error', reject);
  });
}

/** Status lines of the responses in `text`, in order. */
const statusLines = (text: string): string[] => [...text.matchAll(/HTTP\/1\.1 \d{3} [^\r]*/g)].map((m) => m[0]);

describe('client errors after requests', function () {
  let server: Server;
  let port: number;
  before(async function () {
    // Answers after a delay, as a handler waiting for storage does.
    server = createServer((req, res) => {
      setTimeout(() => res.end(`served ${req.url ?? ''}`), 30);
    });
    answerBeforeClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async function () {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers a request read before malformed bytes, then 400, then closes', async function () {
    const got = await exchange(port, 'GET /first HTTP/1.1\r\nHost: x\r\n\r\nNOT HTTP AT ALL\r\n\r\n');
    assert.deepEqual(statusLines(got), ['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']);
    assert.match(got, /served \/first/);
  });

  it('answers pipelined requests in order before a header overflow (431)', async function () {
    const huge = `X-Big: ${'a'.repeat(20_000)}\r\n`;
    const got = await exchange(port, `GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n${huge}\r\n`);
    assert.deepEqual(statusLines(got), ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 431 Request Header Fields Too Large']);
    assert.ok(got.indexOf('served /a') < got.indexOf('served /b'));
  });

  it('answers malformed bytes on a connection that owes nothing at once', async function () {
    const got = await exchange(port, 'BROKEN\x00REQUEST\r\n\r\n');
    assert.deepEqual(statusLines(got), ['HTTP/1.1 400 Bad Request']);
  });
});
