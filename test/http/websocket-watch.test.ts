/**
 * Watches over WebSocket, as kube-apiserver serves them and browser-side clients (and the Gardener
 * dashboard's earlier kube-client, `WatchBuilder.js`: `new WebSocket(url, { origin, key, cert, ca })`)
 * open them: one message per event, the handshake checked as Go's x/net/websocket checks it, and other
 * requests asking for an upgrade served as plain requests.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import type WebSocket from 'ws';
import { readWatchFrames } from '../../apimachinery/protobuf/index.js';
import { createCA, createLeaf } from '../../apiserver/standalone/pki.js';
import { WatchCache } from '../../storage/cacher/cache.js';
import { startGardenStandIn, type GardenStandIn } from '../support/garden-standin.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';
import { until } from '../support/wait.js';
import { openSocketWatch, type RefusedUpgrade } from '../support/websocket.js';

const BASE = '/apis/core.gardener.cloud/v1beta1';
const ns = (n: string) => `${BASE}/namespaces/${n}/internalsecrets`;

/**
 * Counts the watchers registered with the InternalSecrets watch cache, from when `install` is called
 * (before the server starts) until `restore`: what a watch that was never ended leaves behind.
 */
function internalSecretWatchers() {
  const caches = new Set<WatchCache>();
  const proto = WatchCache.prototype as unknown as { attach(w: unknown): void };
  const { attach } = proto;
  const prefixOf = (c: WatchCache) => (c as unknown as { cfg: { prefix: string } }).cfg.prefix;
  return {
    install() {
      proto.attach = function (this: WatchCache, w: unknown) {
        if (prefixOf(this).includes('internalsecrets')) caches.add(this);
        return attach.call(this, w);
      };
    },
    restore() {
      proto.attach = attach;
    },
    count: () => [...caches].reduce((n, c) => n + c.stats().watchers, 0),
  };
}

describe('watches over WebSocket', function () {
  let s: InProcessServer;
  let url: URL;
  const admin = () => ({ ca: s.creds.ca, cert: s.creds.cert, key: s.creds.key });

  /** Opens a watch as the dashboard's kube-client does; rejects with the status of a refused upgrade. */
  const open = (path: string, options: WebSocket.ClientOptions = {}, protocols?: string[]) => openSocketWatch(s.running.url, path, s.creds, options, protocols);

  /** Sends `request` on a raw TLS connection as the admin and reads everything until the server closes. */
  function raw(request: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(url.port), ...admin(), servername: 'localhost' }, () => socket.write(request));
      let got = '';
      socket.on('data', (c: Buffer) => (got += c.toString('latin1')));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
      socket.setTimeout(20_000, () => socket.destroy(new Error(`no close; got ${JSON.stringify(got)}`)));
    });
  }

  const upgradeHeaders = (extra: string) =>
    `Host: 127.0.0.1:${url.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;

  let dir: string;
  const watchers = internalSecretWatchers();
  before(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'tokens.csv'), 'token-alice,alice,u1,system:masters\n');
    watchers.install();
    s = await startInProcess([`--token-auth-file=${join(dir, 'tokens.csv')}`]);
    url = new URL(s.running.url);
  });
  after(async () => {
    watchers.restore();
    await s.stop();
  });

  it('sends each event as one text message, the JSON line with its newline, and no subprotocol unless asked', async () => {
    const w = await open(`${ns('ws')}?watch=true&fieldSelector=metadata.name%3Da`);
    assert.equal(w.ws.protocol, '');
    await s.request('post', ns('ws')).send({ metadata: { name: 'b' } }).expect(201);
    await s.request('post', ns('ws')).send({ metadata: { name: 'a' }, data: { k: 'dg==' } }).expect(201);
    await s.request('delete', `${ns('ws')}/a`).expect(200);
    const added = await w.next();
    const deleted = await w.next();
    assert.equal(added.binary, false);
    const text = added.data.toString();
    assert.ok(text.endsWith('}\n'), text);
    const ev = JSON.parse(text);
    assert.equal(ev.type, 'ADDED');
    assert.equal(ev.object.kind, 'InternalSecret');
    assert.equal(ev.object.metadata.name, 'a');
    assert.equal(JSON.parse(deleted.data.toString()).type, 'DELETED');
    w.ws.close();
    assert.equal(await w.closed, 1005);
  });

  it('sends protobuf events as binary messages without the length prefix of the HTTP stream', async () => {
    const w = await open(`${ns('proto')}?watch=1`, { headers: { Accept: 'application/vnd.kubernetes.protobuf;stream=watch' } });
    await s.request('post', ns('proto')).send({ metadata: { name: 'p' } }).expect(201);
    const m = await w.next();
    assert.equal(m.binary, true);
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(m.data.length);
    const { events, rest } = readWatchFrames(Buffer.concat([prefix, m.data]));
    assert.equal(rest.length, 0);
    assert.equal(events[0]?.type, 'ADDED');
    assert.equal(Buffer.from(events[0]!.object.subarray(0, 4)).toString('latin1'), 'k8s\0');
    w.ws.terminate();
  });

  it('echoes the one subprotocol asked for, and takes a bearer token from its subprotocol', async () => {
    const w = await open(`${ns('proto')}?watch=1&resourceVersion=0`, {}, ['base64.binary.k8s.io']);
    assert.equal(w.ws.protocol, 'base64.binary.k8s.io');
    assert.equal(JSON.parse((await w.next()).data.toString()).object.metadata.name, 'p');
    w.ws.terminate();
    const token = Buffer.from('token-alice').toString('base64url');
    const t = await open(`${ns('proto')}?watch=1&resourceVersion=0`, { cert: undefined, key: undefined }, [`base64url.bearer.authorization.k8s.io.${token}`, 'base64.binary.k8s.io']);
    assert.equal(t.ws.protocol, 'base64.binary.k8s.io', 'the token subprotocol is consumed by authentication');
    assert.equal(JSON.parse((await t.next()).data.toString()).object.metadata.name, 'p');
    t.ws.terminate();
    const bad = Buffer.from('token-mallory').toString('base64url');
    await assert.rejects(open(`${ns('proto')}?watch=1`, { cert: undefined, key: undefined }, [`base64url.bearer.authorization.k8s.io.${bad}`, 'x']), { status: 401 });
  });

  it('ends at timeoutSeconds with close code 1000', async () => {
    const w = await open(`${ns('ws')}?watch=true&timeoutSeconds=1`);
    assert.equal(await w.closed, 1000);
  });

  it('refuses handshakes as x/net/websocket does', async () => {
    const path = `${ns('ws')}?watch=true`;
    assert.equal(await raw(`GET ${path} HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Version: 13\r\n')}`), 'HTTP/1.1 403 Forbidden\r\n\r\n', 'no Origin');
    assert.equal(await raw(`GET ${path} HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Version: 13\r\nOrigin: null\r\n')}`), 'HTTP/1.1 403 Forbidden\r\n\r\n', 'an Origin that is no URL');
    assert.equal(
      await raw(`GET ${path} HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Version: 13\r\nOrigin: https://a\r\nSec-WebSocket-Protocol: a, b\r\n')}`),
      'HTTP/1.1 400 Bad Request\r\n\r\n',
      'two subprotocols',
    );
    assert.equal(
      await raw(`GET ${path} HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Version: 8\r\nOrigin: https://a\r\n')}`),
      'HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 13\r\n\r\nmissing or bad WebSocket Version',
    );
    const noKey = `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nOrigin: https://a\r\n\r\n`;
    assert.equal(await raw(noKey), 'HTTP/1.1 400 Bad Request\r\n\r\nmismatch challenge/response');
    const accepted = await raw(`GET ${path}&timeoutSeconds=1 HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Version: 13\r\nOrigin: https://a\r\n')}`);
    assert.match(accepted, /^HTTP\/1\.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n\r\n/);
    assert.ok(accepted.endsWith('\x88\x02\x03\xe8'), 'a close frame with code 1000 ends it');
  });

  it('answers errors before the watch starts as HTTP, closing the connection', async () => {
    for (const query of ['fieldSelector=spec.x%3Dy', 'resourceVersion=abc', 'sendInitialEvents=true']) {
      const path = `${ns('ws')}?watch=true&${query}`;
      const plain = await s.request('get', path).expect((res) => assert.ok(res.status >= 400, `${res.status}`));
      await assert.rejects(open(path), (e: RefusedUpgrade) => {
        assert.equal(e.status, plain.status, query);
        assert.equal(e.headers.connection, 'close');
        assert.deepEqual(JSON.parse(e.body), plain.body);
        return true;
      });
    }
  });

  it('serves other requests asking for an upgrade as plain requests, and refuses those with a body', async () => {
    const list = await raw(`GET ${ns('ws')} HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Version: 13\r\nOrigin: https://a\r\n')}`);
    assert.match(list, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(list, /\r\nConnection: close\r\n/i);
    assert.match(list, /"kind":"InternalSecretList"/);
    const body = '{"metadata":{"name":"sneaky"}}';
    const post = await raw(`POST ${ns('ws')} HTTP/1.1\r\n${upgradeHeaders(`Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`)}${body}`);
    assert.match(post, /^HTTP\/1\.1 400 Bad Request\r\n/);
    await s.request('get', `${ns('ws')}/sneaky`).expect(404);
  });

  it('answers upgrade requests on connections where TLS reported an error (a client certificate that failed verification)', async () => {
    const caName = /CN=([^\n,]+)/.exec(new X509Certificate(s.creds.ca).subject)?.[1] ?? '';
    const ca = createCA(caName);
    const lookAlike = createLeaf(ca, { commonName: 'system:admin', organizations: ['system:masters'], usage: 'client' });
    // Resolves with the answer once complete (by its Content-Length), or with what came when the connection closed.
    const ask = (creds: { cert: string; key: string }) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: Number(url.port), ca: s.creds.ca, ...creds, servername: 'localhost' }, () =>
          socket.write(`GET ${ns('ws')} HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Version: 13\r\nOrigin: https://a\r\n')}`),
        );
        let text = '';
        socket.on('data', (c: Buffer) => {
          text += c.toString('latin1');
          const end = text.indexOf('\r\n\r\n');
          const length = /\r\ncontent-length: (\d+)\r\n/i.exec(text)?.[1];
          if (end >= 0 && length !== undefined && text.length >= end + 4 + Number(length)) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => ask(i % 2 === 0 ? lookAlike : s.creds)));
      answers.forEach((got, i) => assert.match(got, i % 2 === 0 ? /^HTTP\/1\.1 401 Unauthorized\r\n/ : /^HTTP\/1\.1 200 OK\r\n/, `round ${round}, request ${i}`));
    }
  });

  it('answers an upgrade request pipelined behind another request after that one', async () => {
    const got = await raw(`GET /version HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Version: 13\r\n')}`);
    const statusLines = got.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? [];
    assert.deepEqual(statusLines, ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK'], got);
    await s.request('get', '/healthz').expect(200);
  });

  it('releases the watch when the client goes away', async () => {
    // The server's own watch of InternalSecrets (the client CA cache) is there once it is set up.
    await until(() => watchers.count() >= 1, "the server's own watch of InternalSecrets", 10_000);
    const own = watchers.count();
    const w = await open(`${ns('ws')}?watch=true`);
    await until(() => watchers.count() === own + 1, 'the watch of the request', 10_000);
    w.ws.terminate();
    await until(() => watchers.count() === own, 'the watch of the request to be released', 10_000);
    // As kube-apiserver's metrics count a hijacked connection: no status was written.
    const counted = (await s.request('get', '/metrics').expect(200)).text.split('\n');
    assert.ok(counted.some((l) => l.startsWith('apiserver_request_total{') && l.includes('verb="WATCH"') && l.includes('resource="internalsecrets"') && l.includes('code="0"')));
    assert.ok(!counted.some((l) => l.includes('code="101"')));
  });
});

describe('watches over WebSocket behind a slow authorizer (the garden cluster, here a stand-in speaking its API)', function () {
  let garden: GardenStandIn;
  let s: InProcessServer;
  let dir: string;
  const watchers = internalSecretWatchers();

  before(async () => {
    garden = await startGardenStandIn();
    dir = tempDir();
    writeFileSync(join(dir, 'tokens.csv'), 'token-bob,bob,u2\n');
    // Every authorization takes half a second: the client goes away meanwhile.
    garden.authorize = () => ({ allowed: true });
    garden.fault = (req) => (req.path.endsWith('subjectaccessreviews') ? { delayMs: 500 } : undefined);
    const kubeconfig = garden.writeKubeconfig(join(dir, 'garden.kubeconfig'));
    watchers.install();
    s = await startInProcess([`--authorization-kubeconfig=${kubeconfig}`, '--authentication-skip-lookup', `--token-auth-file=${join(dir, 'tokens.csv')}`], join(dir, 'data'));
  });
  after(async () => {
    watchers.restore();
    await s?.stop();
    await garden?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends a watch whose client left before it was authorized', async () => {
    const url = new URL(s.running.url);
    // The server's own watch of InternalSecrets (the client CA cache), once it is set up.
    await until(() => watchers.count() >= 1, "the server's own watch of InternalSecrets", 10_000);
    const own = watchers.count();
    // One namespace each: the authorizer's answers are cached per request attributes.
    const request = (i: number) =>
      `GET /apis/core.gardener.cloud/v1beta1/namespaces/x${i}/internalsecrets?watch=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer token-bob\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: https://a\r\n\r\n`;
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        new Promise<void>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port: Number(url.port), ca: s.creds.ca, servername: 'localhost' }, () => socket.write(request(i), () => socket.destroy()));
          socket.on('error', () => {});
          socket.on('close', () => resolve());
        }),
      ),
    );
    // Each request is authorized after its client left; its watch is set up, then must end.
    await until(() => garden.count('subjectaccessreviews') >= 5, 'the requests to be authorized', 10_000);
    await until(() => watchers.count() === own, 'the watches of the requests to be released', 10_000);
  });
});
