import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect, type Socket } from 'node:net';
import { HANDSHAKES_PER_TURN } from './handshake-pacer.js';
import { ACCEPT_COPIES, openListener, type Listener } from './listener.js';
import { createCA, createLeaf } from './standalone/pki.js';
import { until } from '../test/support/wait.js';

/** The accept queue length of the IPv4 socket listening on `port` (rx_queue of /proc/net/tcp). */
function acceptQueue(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1]?.endsWith(`:${hexPort}`) === true && f[3] === '0A') return Number.parseInt(f[4]?.split(':')[1] ?? '0', 16);
  }
  return -1;
}

/** Blocks the thread (so no connection is accepted) until `n` connections wait in the accept queue. */
function waitQueued(port: number, n: number): void {
  const deadline = Date.now() + 20_000;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (acceptQueue(port) < n) {
    if (Date.now() > deadline) throw new Error(`only ${acceptQueue(port)} of ${n} connections queued`);
    Atomics.wait(sleeper, 0, 0, 5);
  }
}

/** Event-loop turns (check phases) taken until `n` connections have reached `listener`'s server. */
interface Accepted {
  turns: number;
  fromCopies: number;
  /** Server sides of the connections the server's own handle accepted. */
  own: Socket[];
}

function turnsToAccept(listener: Listener, n: number, clients: Socket[]): Promise<Accepted> {
  return new Promise((resolve) => {
    let accepted = 0;
    let fromCopies = 0;
    let turns = 0;
    const own: Socket[] = [];
    const onConnection = (socket: Socket): void => {
      accepted++;
      // A connection taken by a copy keeps the copy's net.Server as its own.
      if ((socket as unknown as { server: unknown }).server !== listener.server) fromCopies++;
      else own.push(socket);
    };
    listener.server.on('connection', onConnection);
    for (let i = 0; i < n; i++) clients.push(connect(listener.port, '127.0.0.1').on('error', () => {}));
    // Node calls connect(2) on the next tick.
    process.nextTick(() => {
      waitQueued(listener.port, n);
      setImmediate(turn);
    });
    const turn = (): void => {
      turns++;
      if (accepted >= n) {
        listener.server.off('connection', onConnection);
        resolve({ turns, fromCopies, own });
      } else setImmediate(turn);
    };
  });
}

describe('listener accept copies', () => {
  const ca = createCA('accept-copies-test-ca');
  const serving = createLeaf(ca, { commonName: 'localhost', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const tls = { ...serving, clientCA: ca.cert };
  const clients: Socket[] = [];
  const listeners: Listener[] = [];

  async function open(copies?: number): Promise<Listener> {
    const l = await openListener(tls, '127.0.0.1', 0, copies);
    listeners.push(l);
    return l;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all(listeners.splice(0).map((l) => new Promise<void>((resolve) => l.server.close(() => resolve()))));
  });

  it(`accepts up to ${ACCEPT_COPIES + 1} connections per event-loop turn instead of one`, async () => {
    const n = 96;
    const single = await open(0);
    assert.equal(await single.acceptCopies, 0);
    const alone = await turnsToAccept(single, n, clients);
    // libuv takes one connection per listening handle per turn: the behaviour the copies work around.
    assert.ok(alone.turns >= n, `one handle accepted ${n} connections in ${alone.turns} turns`);
    assert.equal(alone.fromCopies, 0);

    const copied = await open();
    assert.equal(await copied.acceptCopies, ACCEPT_COPIES);
    const many = await turnsToAccept(copied, n, clients);
    assert.ok(many.turns <= Math.ceil(n / (ACCEPT_COPIES + 1)) + 2, `${ACCEPT_COPIES + 1} handles accepted ${n} connections in ${many.turns} turns`);
    assert.ok(many.fromCopies >= n - Math.ceil(n / (ACCEPT_COPIES + 1)), `${many.fromCopies} of ${n} accepted by copies`);
  });

  it(`serves HTTPS on connections accepted by copies, starting at most ${HANDSHAKES_PER_TURN} handshakes per turn`, async () => {
    const l = await open();
    l.serve((_req, res) => res.end('served'), tls);
    await l.acceptCopies;
    let fromCopies = 0;
    let mostWaiting = 0;
    l.server.on('connection', (socket: Socket) => {
      if ((socket as unknown as { server: unknown }).server !== l.server) fromCopies++;
      mostWaiting = Math.max(mostWaiting, l.handshakesWaiting);
    });
    const texts = Array.from({ length: 48 }, () => fetchText(l.port, ca.cert));
    await new Promise<void>((resolve) => process.nextTick(() => resolve(waitQueued(l.port, texts.length))));
    assert.deepEqual(new Set(await Promise.all(texts)), new Set(['served']));
    assert.ok(fromCopies >= 24, `${fromCopies} of 48 connections accepted by copies`);
    // The 48 are accepted in one turn; the handshakes beyond the turn's share wait for later turns.
    assert.ok(mostWaiting > HANDSHAKES_PER_TURN, `at most ${mostWaiting} connections waited for their handshake`);
    assert.equal(l.handshakesWaiting, 0);
  });

  it('close stops every copy accepting and waits for the connections they took', async () => {
    const l = await open();
    await l.acceptCopies;
    const { fromCopies, own } = await turnsToAccept(l, 32, clients);
    assert.ok(fromCopies > 0);
    // Only connections taken by copies remain: the server's own close callback would run at once.
    for (const socket of own) socket.destroy();
    let closed = false;
    l.server.close(() => (closed = true));
    listeners.splice(listeners.indexOf(l), 1);
    const refused = await connectOutcome(l.port);
    assert.equal(refused, 'ECONNREFUSED', 'no handle of the socket is left listening');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(closed, false, 'the close callback waits for open connections');
    for (const c of clients.splice(0)) c.destroy();
    await until(() => closed, 'the close callback', 20_000);
  });

  it('closing before the copies arrive closes them as they come', async () => {
    const l = await openListener(tls, '127.0.0.1', 0);
    await new Promise<void>((resolve) => l.server.close(() => resolve()));
    assert.equal(await l.acceptCopies, 0);
    const refused = await connectOutcome(l.port);
    assert.equal(refused, 'ECONNREFUSED');
  });
});

/** `connected`, or the error code of a TCP connection attempt to `port`. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    connect(port, '127.0.0.1')
      .on('connect', function (this: Socket) {
        this.destroy();
        resolve('connected');
      })
      .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
  });
}

/** GETs `/`; the connection is opened before this returns. */
function fetchText(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', ca, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}
