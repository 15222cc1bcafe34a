import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCompactor } from '../compactor.js';
import { runStorageConformance } from '../../test/support/conformance/suite.js';
import { text, utf8 } from '../../test/support/conformance/util.js';
import { ExpiredError, UnreachableError } from '../errors.js';
import { prefixEnd } from '../keys.js';
import { openSqliteBackend } from './backend.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'garden-sqlite-'));
  dirs.push(dir);
  return join(dir, 'test.db');
}
after(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

runStorageConformance('sqlite (file)', async () => {
  const backend = openSqliteBackend(tempFile());
  return { backend, cleanup: () => backend.close() };
});

runStorageConformance('sqlite (:memory:)', async () => {
  const backend = openSqliteBackend(':memory:');
  return { backend, cleanup: () => backend.close() };
});

describe('sqlite backend', () => {
  it('keeps data, revisions and compaction across close and reopen', async () => {
    const file = tempFile();
    const first = openSqliteBackend(file);
    const created = await first.create('/r/a', utf8('v1'));
    assert.ok(created.succeeded);
    await first.update('/r/a', utf8('v2'), created.revision);
    const del = await first.create('/r/b', utf8('b'));
    await first.delete('/r/b', del.revision);
    const last = await first.currentRevision();
    await first.compact(last);
    await first.close();

    const second = openSqliteBackend(file);
    assert.equal(await second.currentRevision(), last, 'the revision survives even when its tombstone was compacted');
    assert.equal(await second.compactedRevision(), last);
    assert.equal(text((await second.get('/r/a')).kv?.value ?? utf8('')), 'v2');
    await assert.rejects(second.get('/r/a', created.revision), ExpiredError);
    const next = await second.create('/r/c', utf8('c'));
    assert.equal(next.revision, last + 1);
    await second.close();
  });

  it('commits writes queued before close and refuses later calls', async () => {
    const backend = openSqliteBackend(':memory:');
    const pending = backend.create('/r/a', utf8('x'));
    await backend.close();
    assert.equal((await pending).succeeded, true);
    await assert.rejects(backend.get('/r/a'), UnreachableError);
    await assert.rejects(backend.create('/r/b', utf8('y')), UnreachableError);
  });

  it('compacts periodically, keeping the configured history', async () => {
    const backend = openSqliteBackend(':memory:');
    const errors: unknown[] = [];
    const compactor = startCompactor(backend, { intervalMs: 20, retainRevisions: 3, onError: (e) => errors.push(e) });
    try {
      let rev = (await backend.create('/r/k', utf8('0'))).revision;
      for (let i = 1; i < 10; i++) rev = (await backend.update('/r/k', utf8(String(i)), rev)).revision;
      assert.equal(await compactor.runOnce(), rev - 3);
      assert.equal(await backend.compactedRevision(), rev - 3);
      assert.equal(await compactor.runOnce(), 0, 'nothing new to compact');
      const range = await backend.range('/r/', prefixEnd('/r/'), { revision: rev - 3 });
      assert.equal(text(range.kvs[0]?.value ?? utf8('')), '6');
      await assert.rejects(backend.get('/r/k', rev - 4), ExpiredError);
      rev = (await backend.update('/r/k', utf8('x'), rev)).revision;
      const deadline = Date.now() + 2000;
      while ((await backend.compactedRevision()) !== rev - 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await backend.compactedRevision(), rev - 3, 'the timer compacts');
      assert.deepEqual(errors, []);
    } finally {
      compactor.stop();
      await backend.close();
    }
  });
});
