import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeConfigFile } from './kubeclient.js';

describe('kubeconfig files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeclient-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports YAML errors by line and reason, never with the text around them', () => {
    const file = join(dir, 'broken.kubeconfig');
    const token = 'LEAKMARKkubeconfigTOKEN123456abcdefgh';
    writeFileSync(file, `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: ${token}: x\n    client-key-data: c2VjcmV0\n`);
    assert.throws(
      () => loadKubeConfigFile(file),
      (e: unknown) => e instanceof Error && e.message.startsWith(`error loading kubeconfig ${file}: yaml: line 6: `) && !e.message.includes('LEAKMARK') && !e.message.includes('c2VjcmV0'),
    );
  });

  it('reads a valid one', () => {
    const file = join(dir, 'ok.kubeconfig');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
    assert.equal(loadKubeConfigFile(file).getCurrentCluster()?.server, 'https://127.0.0.1:1');
  });
});
