/**
 * SIGTERM under load: /readyz fails at once, requests keep being served during the shutdown delay,
 * watches (HTTP and WebSocket) end cleanly, the process exits 0, and no acknowledged write is lost. `npm start` passes
 * SIGTERM (npm forwards it) and Ctrl-C (SIGINT to the terminal's process group) on to the server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { adminClient } from '../support/client.js';
import { adminCredentials, REPO_ROOT, startChild, tempDir } from '../support/server.js';
import { until } from '../support/wait.js';
import { openWatch } from '../support/watch.js';
import { openSocketWatch } from '../support/websocket.js';

const COLL = '/apis/core.gardener.cloud/v1beta1/namespaces/term/internalsecrets';

describe('SIGTERM under load', function () {
  this.timeout(120_000);

  it('drains gracefully and keeps every acknowledged write', async () => {
    const dataDir = tempDir();
    let server = await startChild(dataDir, ['--shutdown-delay-duration=2s']);
    const creds = adminCredentials(dataDir);
    const client = adminClient(server.url, creds);
    const watch = await openWatch(server.url, `${COLL}?watch=1`, creds);
    const socketWatch = await openSocketWatch(server.url, `${COLL}?watch=1`, creds);
    const acknowledged: string[] = [];
    let stop = false;
    let seq = 0;
    const writer = async () => {
      while (!stop) {
        const name = `t-${seq++}`;
        try {
          const r = await client.send('POST', COLL, { metadata: { name } });
          if (r.status === 201) acknowledged.push(name);
        } catch {
          return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    await new Promise((r) => setTimeout(r, 500));
    const exit = new Promise<number | null>((r) => server.proc.once('exit', (code) => r(code)));
    server.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const ready = await client.send('GET', '/readyz');
    assert.equal(ready.status, 500, 'readyz fails during the shutdown delay');
    const during = acknowledged.length;
    await new Promise((r) => setTimeout(r, 800));
    assert.ok(acknowledged.length > during, 'writes are still served during the shutdown delay');
    await watch.ended;
    assert.equal(await socketWatch.closed, 1000, 'a watch over WebSocket ends with a normal close');
    stop = true;
    await Promise.all(writers);
    client.close();
    assert.equal(await exit, 0);

    server = await startChild(dataDir);
    const after = adminClient(server.url, adminCredentials(dataDir));
    const list = await after.send('GET', COLL);
    after.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    const stored = new Set((list.body as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name));
    assert.deepEqual(acknowledged.filter((n) => !stored.has(n)), []);
    assert.ok(watch.events.length > 0);
    assert.ok(socketWatch.messages.length > 0);
  });

  /** Whether any process of the process group `pgid` is still running. */
  const groupAlive = (pgid: number): boolean => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('shuts down once when the signal comes again at once (npm forwards Ctrl-C to the group it is in)', async () => {
    const dataDir = tempDir();
    const server = await startChild(dataDir, ['--shutdown-delay-duration=1s']);
    try {
      const exited = new Promise<[number | null, string | null]>((resolve) => server.proc.once('exit', (code, signal) => resolve([code, signal])));
      // Two different signals at once (the kernel merges repeats of one pending signal): the second is
      // the same request to stop, not a second one.
      server.proc.kill('SIGINT');
      server.proc.kill('SIGTERM');
      assert.deepEqual(await exited, [0, null], 'a graceful exit, not the default action of a repeated signal');
      assert.equal(server.output().match(/"msg":"shutting down"/g)?.length, 1);
    } finally {
      await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits at once on a second signal while it drains, as kube-apiserver does, even with a connection that never sent a request', async () => {
    const dataDir = tempDir();
    const server = await startChild(dataDir, ['--shutdown-delay-duration=120s']);
    const idle = connect({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    idle.on('error', () => undefined);
    try {
      const exited = new Promise<[number | null, string | null]>((resolve) => server.proc.once('exit', (code, signal) => resolve([code, signal])));
      server.proc.kill('SIGTERM');
      await until(() => server.output().includes('"msg":"shutting down"'), 'the shutdown to begin', 30_000);
      // Well past the window in which a repeat counts as the same signal.
      await new Promise((r) => setTimeout(r, 1500));
      server.proc.kill('SIGTERM');
      assert.deepEqual(await exited, [1, null]);
      assert.match(server.output(), /"msg":"second signal, exiting now"/);
    } finally {
      idle.destroy();
      await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  for (const [how, signal, target] of [
    ['SIGTERM to npm', 'SIGTERM', 'npm'],
    ['Ctrl-C (SIGINT to the process group)', 'SIGINT', 'group'],
  ] as const) {
    it(`stops the server started with npm start on ${how}`, async () => {
      const dataDir = tempDir();
      // Its own process group, as a terminal gives a foreground job.
      const npm = spawn('npm', ['start', '--', '--secure-port=0', `--data-dir=${dataDir}`], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const pgid = npm.pid ?? 0;
      let out = '';
      npm.stdout?.on('data', (b: Buffer) => (out += b.toString()));
      npm.stderr?.on('data', (b: Buffer) => (out += b.toString()));
      // Closed once npm has exited and every writer of its output pipes (the server too) is gone and
      // all their output has been read.
      const closed = new Promise<void>((resolve) => npm.once('close', () => resolve()));
      try {
        await until(() => out.includes('serving on https://'), 'the server to serve', 60_000);
        process.kill(target === 'npm' ? pgid : -pgid, signal);
        await until(() => !groupAlive(pgid), 'npm and the server to exit', 60_000);
        await closed;
        assert.match(out, new RegExp(`"msg":"shutting down","signal":"${signal}"`));
      } finally {
        if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
