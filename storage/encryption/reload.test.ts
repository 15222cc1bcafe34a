import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptionConfigError, loadEncryptionConfigFile } from './config.js';
import type { EncryptionConfig } from './config.js';
import { DynamicEncryptionConfig, startEncryptionConfigReload, watchEncryptionConfigFile } from './reload.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const K1 = Buffer.alloc(32, 1).toString('base64');
const K2 = Buffer.alloc(32, 2).toString('base64');

function yamlWithKeys(...keys: Array<[string, string]>): string {
  const list = keys.map(([name, secret]) => `      - name: ${name}\n        secret: ${secret}\n`).join('');
  return (
    'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n' +
    `- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n${list}  - identity: {}\n`
  );
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Replaces `path`'s content in one step (a sibling renamed over it, as kubelet updates a mounted
 * Secret): a poll running meanwhile reads the old content or the new, never a half-written file.
 */
async function replaceFile(path: string, content: string): Promise<void> {
  await writeFile(`${path}.new`, content);
  await rename(`${path}.new`, path);
}

describe('encryption config reload', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enc-reload-'));
    file = join(dir, 'enc.yaml');
    await writeFile(file, yamlWithKeys(['k1', K1]));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('switches a store-held transformer to a changed valid file (timer-driven)', async () => {
    const dynamic = new DynamicEncryptionConfig(await loadEncryptionConfigFile(file));
    const t = dynamic.transformerFor('secrets'); // obtained once, as a store would
    const old = await t.toStorage(utf8('v'), '/registry/secrets/a/b');
    assert.ok(text(old).startsWith('k8s:enc:aescbc:v1:k1:'));
    const reloaded: EncryptionConfig[] = [];
    const errors: unknown[] = [];
    const w = startEncryptionConfigReload(file, dynamic, {
      intervalMs: 20,
      onReload: (c) => reloaded.push(c),
      onError: (e) => errors.push(e),
    });
    try {
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(reloaded.length, 0, 'unchanged content must not reload');
      await replaceFile(file, yamlWithKeys(['k2', K2], ['k1', K1]));
      await waitFor(() => reloaded.length === 1);
      assert.deepEqual(errors, []);
      assert.equal(dynamic.generation, 1);
      assert.equal(dynamic.describe()[0]?.writeKey, 'k2');
      assert.ok(text(await t.toStorage(utf8('v'), '/registry/secrets/a/b')).startsWith('k8s:enc:aescbc:v1:k2:'));
      assert.deepEqual(await t.fromStorage(old, '/registry/secrets/a/b'), { data: utf8('v'), stale: true });
    } finally {
      w.stop();
    }
  });

  it('keeps the old config on an invalid file, reports once, recovers later', async () => {
    const initial = await loadEncryptionConfigFile(file);
    const changes: EncryptionConfig[] = [];
    const errors: unknown[] = [];
    const w = watchEncryptionConfigFile(file, (c) => changes.push(c), (e) => errors.push(e), 3_600_000, {
      initialHash: initial.contentHash,
    });
    try {
      await writeFile(file, yamlWithKeys(['k1', 'c2hvcnQ=']));
      await w.poll();
      await w.poll();
      assert.equal(changes.length, 0);
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof EncryptionConfigError);
      assert.match(errors[0].errors[0] ?? '', /aescbc\.keys\[0\]\.secret: secret is not of the expected length, got 5/u);

      await unlink(file);
      await w.poll();
      assert.equal(errors.length, 2);
      assert.match(String(errors[1]), /error reading encryption provider configuration file/u);

      await writeFile(file, yamlWithKeys(['k2', K2]));
      await w.poll();
      assert.equal(changes.length, 1);
      assert.equal(changes[0]?.describe()[0]?.writeKey, 'k2');
    } finally {
      w.stop();
    }
  });

  it('without an initial hash, the first poll only records the baseline', async () => {
    const changes: EncryptionConfig[] = [];
    const w = watchEncryptionConfigFile(file, (c) => changes.push(c), () => undefined, 3_600_000);
    try {
      await w.poll();
      assert.equal(changes.length, 0);
      await writeFile(file, yamlWithKeys(['k2', K2]));
      await w.poll();
      assert.equal(changes.length, 1);
    } finally {
      w.stop();
    }
  });
});
