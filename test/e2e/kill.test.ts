/**
 * Durability: the server process is killed with SIGKILL in the middle of a burst of concurrent writes;
 * after a restart every write that was acknowledged (201) is there.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { adminClient } from '../support/client.js';
import { adminCredentials, startChild, tempDir } from '../support/server.js';

const NS = 'burst';

describe('SIGKILL during a write burst', function () {
  this.timeout(120_000);

  it('loses no acknowledged write', async () => {
    const dataDir = tempDir();
    let server = await startChild(dataDir);
    const client = adminClient(server.url, adminCredentials(dataDir));
    const acknowledged: string[] = [];
    let stopped = false;
    let seq = 0;
    const writer = async () => {
      while (!stopped) {
        const name = `s-${seq++}`;
        try {
          const r = await client.send('POST', `/apis/core.gardener.cloud/v1beta1/namespaces/${NS}/internalsecrets`, {
            metadata: { name },
            data: { v: Buffer.from(name).toString('base64') },
          });
          if (r.status === 201) acknowledged.push(name);
        } catch {
          return; // connection reset by the kill
        }
      }
    };
    const writers = Array.from({ length: 16 }, writer);
    await new Promise((r) => setTimeout(r, 1500));
    await server.kill();
    stopped = true;
    await Promise.all(writers);
    client.close();
    assert.ok(acknowledged.length > 50, `only ${acknowledged.length} writes were acknowledged before the kill`);

    server = await startChild(dataDir);
    const after = adminClient(server.url, adminCredentials(dataDir));
    const list = await after.send('GET', `/apis/core.gardener.cloud/v1beta1/namespaces/${NS}/internalsecrets`);
    after.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    assert.equal(list.status, 200);
    const stored = new Set((list.body as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name));
    const lost = acknowledged.filter((n) => !stored.has(n));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged writes were lost`);
  });
});
