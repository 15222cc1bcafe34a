/**
 * SIGTERM under load: /readyz fails at once, requests keep being served during the shutdown delay,
 * watches end cleanly, the process exits 0, and no acknowledged write is lost.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { adminClient } from '../support/client.js';
import { adminCredentials, startChild, tempDir } from '../support/server.js';
import { openWatch } from '../support/watch.js';

const COLL = '/apis/core.gardener.cloud/v1beta1/namespaces/term/internalsecrets';

describe('SIGTERM under load', function () {
  this.timeout(120_000);

  it('drains gracefully and keeps every acknowledged write', async () => {
    const dataDir = tempDir();
    let server = await startChild(dataDir, ['--shutdown-delay-duration=2s']);
    const creds = adminCredentials(dataDir);
    const client = adminClient(server.url, creds);
    const watch = await openWatch(server.url, `${COLL}?watch=1`, creds);
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
  });
});
