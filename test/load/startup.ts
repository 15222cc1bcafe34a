/**
 * Start-up as a kubelet sees it: time from spawning the server to its port accepting connections,
 * to the server being in place ("serving on" printed), and to `/readyz` passing; plus what `/readyz`
 * says while the caches load.
 */
import { connect } from 'node:net';
import { request } from 'node:https';
import { freePort } from '../support/etcd.js';
import { type LoadEnv, type LoadServer, startLoadServer } from './fixture.js';

/** Start-up times in ms since the spawn, and the first failing `/readyz?verbose` answer seen. */
export interface StartupTimes {
  portMs: number;
  servingMs: number;
  readyMs: number;
  notReady: string | undefined;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function readyz(url: string, ca: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request(new URL('/readyz?verbose', url), { ca, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a load server and times its start-up (bounded by `timeoutMs`). */
export async function timedStart(env: LoadEnv, args: string[], dataDir?: string, timeoutMs = 180_000): Promise<{ server: LoadServer; times: StartupTimes }> {
  const port = await freePort();
  const t0 = performance.now();
  let portMs = Number.NaN;
  let stopPolling = false;
  const polling = (async () => {
    while (!stopPolling && performance.now() - t0 < timeoutMs) {
      if (await canConnect(port)) {
        portMs = performance.now() - t0;
        return;
      }
      await sleep(5);
    }
  })();
  let server: LoadServer;
  try {
    server = await startLoadServer(env, [...args, `--secure-port=${port}`], dataDir);
  } finally {
    stopPolling = true;
  }
  const servingMs = performance.now() - t0;
  await polling;
  let notReady: string | undefined;
  for (;;) {
    const r = await readyz(server.url, server.creds.ca);
    if (r.status === 200) break;
    notReady ??= r.status === 0 ? undefined : r.text;
    if (performance.now() - t0 > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms:\n${r.text}`);
    await sleep(20);
  }
  return { server, times: { portMs, servingMs, readyMs: performance.now() - t0, notReady } };
}
