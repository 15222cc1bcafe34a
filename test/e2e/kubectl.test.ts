/**
 * End to end with the real kubectl against the real server process: everything a user does with
 * InternalSecrets in standalone mode, including restarts and a SIGKILL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, kubectlOk } from '../support/kubectl.js';
import { startChild, tempDir, type ChildServer } from '../support/server.js';
import { sharedPath } from '../support/shared.js';

const EXAMPLE = sharedPath('examples', 'gardener', '11-internal-secret.yaml');

function manifest(name: string, ns: string, data: Record<string, string>, extra = ''): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: ${Buffer.from(v).toString('base64')}`);
  return `apiVersion: core.gardener.cloud/v1beta1
kind: InternalSecret
metadata:
  name: ${name}
  namespace: ${ns}
type: Opaque
data:
${lines.join('\n')}
${extra}`;
}

describe('kubectl end to end (standalone server process)', function () {
  this.timeout(120_000);
  let server: ChildServer;
  let dataDir: string;
  let kc: string;
  const run = (args: string[], input?: string) => kubectlOk(kc, args, input);

  before(async () => {
    dataDir = tempDir();
    server = await startChild(dataDir);
    kc = server.kubeconfig;
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists internalsecrets in api-resources', async () => {
    const out = await run(['api-resources', '--api-group=core.gardener.cloud']);
    const line = out.split('\n').find((l) => l.startsWith('internalsecrets'));
    assert.ok(line, out);
    assert.match(line, /^internalsecrets\s+ins\s+core\.gardener\.cloud\/v1beta1\s+true\s+InternalSecret/);
  });

  it('creates the upstream example and never returns stringData', async () => {
    const example = readFileSync(EXAMPLE, 'utf8');
    await run(['create', '-f', '-'], example);
    const obj = JSON.parse(await run(['get', 'ins', 'example', '-n', 'default', '-o', 'json']));
    assert.equal(obj.kind, 'InternalSecret');
    assert.equal(obj.type, 'Opaque');
    assert.equal(obj.stringData, undefined);
    assert.equal(Buffer.from(obj.data.example, 'base64').toString(), 'secret');
    assert.equal(obj.data.password, 'Zm9v');
    assert.ok(obj.metadata.uid);
    assert.ok(obj.metadata.resourceVersion);
    assert.ok(obj.metadata.creationTimestamp);
  });

  it('prints the table, yaml, json and across namespaces', async () => {
    await run(['create', '-f', '-'], manifest('other', 'team-b', { a: '1', b: '2' }));
    const table = await run(['get', 'internalsecrets', '-n', 'default']);
    assert.match(table, /^NAME\s+TYPE\s+DATA\s+AGE\n/);
    assert.match(table, /\nexample\s+Opaque\s+2\s+\d+s\n/);
    const all = await run(['get', 'ins', '-A']);
    assert.match(all, /^NAMESPACE\s+NAME\s+TYPE\s+DATA\s+AGE\n/);
    assert.match(all, /\ndefault\s+example\s+Opaque\s+2\s/);
    assert.match(all, /\nteam-b\s+other\s+Opaque\s+2\s/);
    const yaml = await run(['get', 'ins', 'other', '-n', 'team-b', '-o', 'yaml']);
    assert.match(yaml, /^apiVersion: core\.gardener\.cloud\/v1beta1\n/);
    assert.match(yaml, /\nkind: InternalSecret\n/);
    const list = JSON.parse(await run(['get', 'ins', '-A', '-o', 'json']));
    assert.equal(list.items.length, 2);
  });

  it('applies twice, the second time with a change', async () => {
    const first = manifest('applied', 'default', { k: 'v1' });
    assert.match(await run(['apply', '-f', '-'], first), /internalsecret\.core\.gardener\.cloud\/applied created/);
    const second = manifest('applied', 'default', { k: 'v2', extra: 'x' });
    assert.match(await run(['apply', '-f', '-'], second), /internalsecret\.core\.gardener\.cloud\/applied configured/);
    const obj = JSON.parse(await run(['get', 'ins', 'applied', '-o', 'json']));
    assert.equal(Buffer.from(obj.data.k, 'base64').toString(), 'v2');
    assert.equal(Buffer.from(obj.data.extra, 'base64').toString(), 'x');
    assert.ok(obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    assert.match(await run(['apply', '-f', '-'], second), /unchanged/);
  });

  it('patches with merge, json and (without --type) strategic merge patches', async () => {
    await run(['patch', 'ins', 'applied', '--type', 'merge', '-p', '{"metadata":{"labels":{"team":"a"}}}']);
    await run(['patch', 'ins', 'applied', '--type', 'json', '-p', '[{"op":"add","path":"/data/j","value":"ag=="}]']);
    const obj = JSON.parse(await run(['get', 'ins', 'applied', '-o', 'json']));
    assert.equal(obj.metadata.labels.team, 'a');
    assert.equal(obj.data.j, 'ag==');
    await run(['patch', 'ins', 'applied', '-p', '{"metadata":{"labels":{"x":"y"},"finalizers":["a"]}}']);
    await run(['patch', 'ins', 'applied', '-p', '{"metadata":{"finalizers":["b"]}}']);
    const merged = JSON.parse(await run(['get', 'ins', 'applied', '-o', 'json']));
    assert.deepEqual(merged.metadata.labels, { team: 'a', x: 'y' });
    assert.deepEqual(merged.metadata.finalizers, ['b', 'a'], 'finalizers merge as a set, the patch items first');
    await run(['patch', 'ins', 'applied', '-p', '{"metadata":{"$deleteFromPrimitiveList/finalizers":["a","b"]}}']);
    assert.equal(JSON.parse(await run(['get', 'ins', 'applied', '-o', 'json'])).metadata.finalizers, undefined);
  });

  it('replaces and rejects invalid objects with the validation message', async () => {
    const obj = JSON.parse(await run(['get', 'ins', 'applied', '-o', 'json']));
    obj.data = { only: Buffer.from('one').toString('base64') };
    await run(['replace', '-f', '-'], JSON.stringify(obj));
    const after = JSON.parse(await run(['get', 'ins', 'applied', '-o', 'json']));
    assert.deepEqual(Object.keys(after.data), ['only']);
    const bad = await kubectl(kc, ['create', '-f', '-'], manifest('bad', 'default', { 'not a key': 'x' }));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The InternalSecret "bad" is invalid: data\[not a key\]: Invalid value: "not a key": a valid config key must consist of alphanumeric characters/);
  });

  it('explains the kind down to leaf fields', async () => {
    const top = await run(['explain', 'internalsecrets']);
    assert.match(top, /KIND:\s+InternalSecret/);
    assert.match(top, /GROUP:\s+core\.gardener\.cloud\n/);
    assert.match(top, /VERSION:\s+v1beta1\n/);
    assert.match(top, /stringData\s+<map\[string\]string>/);
    const leaf = await run(['explain', 'ins.metadata.labels']);
    assert.match(leaf, /FIELD:\s+labels <map\[string\]string>/);
  });

  it('streams changes to kubectl get -w', async () => {
    const watcher = spawn('kubectl', ['--kubeconfig', kc, '--cache-dir', join(dataDir, 'kube-cache'), 'get', 'ins', '-n', 'watched', '-w', '--output-watch-events']);
    let out = '';
    watcher.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const waitFor = async (re: RegExp) => {
      const deadline = Date.now() + 20_000;
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await new Promise((r) => setTimeout(r, 1000));
      await run(['create', '-f', '-'], manifest('w1', 'watched', { a: '1' }));
      await waitFor(/ADDED\s+w1\s+Opaque\s+1/);
      await run(['patch', 'ins', 'w1', '-n', 'watched', '--type', 'merge', '-p', '{"data":{"b":"Yg=="}}']);
      await waitFor(/MODIFIED\s+w1\s+Opaque\s+2/);
      await run(['delete', 'ins', 'w1', '-n', 'watched']);
      await waitFor(/DELETED\s+w1\s+Opaque\s+2/);
    } finally {
      watcher.kill();
    }
  });

  it('reports a missing object by its resource, and a missing namespace as kubectl does against kube-apiserver', async () => {
    // kubectl asks /api/v1/namespaces/<ns> after a 404 and prefers that answer when the namespace is missing.
    await run(['apply', '-f', '-'], 'apiVersion: core.gardener.cloud/v1beta1\nkind: Project\nmetadata: {name: notfound}\nspec: {namespace: garden-notfound}\n');
    const shoot = await kubectl(kc, ['get', 'shoot', 'x', '-n', 'garden-notfound']);
    assert.equal(shoot.stderr.trim(), 'Error from server (NotFound): shoots.core.gardener.cloud "x" not found');
    const secret = await kubectl(kc, ['delete', 'internalsecret', 'x', '-n', 'garden-notfound']);
    assert.equal(secret.stderr.trim(), 'Error from server (NotFound): internalsecrets.core.gardener.cloud "x" not found');
    const noNamespace = await kubectl(kc, ['get', 'shoot', 'x', '-n', 'garden-nonesuch']);
    assert.equal(noNamespace.stderr.trim(), 'Error from server (NotFound): namespaces "garden-nonesuch" not found');
  });

  it('deletes', async () => {
    assert.match(await run(['delete', 'ins', 'applied']), /internalsecret\.core\.gardener\.cloud "applied" deleted/);
    const gone = await kubectl(kc, ['get', 'ins', 'applied']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /internalsecrets\.core\.gardener\.cloud "applied" not found/);
  });

  it('keeps objects across a restart and across SIGKILL', async () => {
    await server.stop();
    server = await startChild(dataDir);
    kc = server.kubeconfig;
    assert.match(await run(['get', 'ins', 'example', '-n', 'default']), /example\s+Opaque\s+2/);
    await run(['create', '-f', '-'], manifest('before-kill', 'default', { a: '1' }));
    await server.kill();
    server = await startChild(dataDir);
    kc = server.kubeconfig;
    assert.match(await run(['get', 'ins', 'before-kill']), /before-kill\s+Opaque\s+1/);
    assert.match(await run(['get', 'ins', 'other', '-n', 'team-b']), /other\s+Opaque\s+2/);
  });

  it('writes a kubeconfig that points at the serving address', () => {
    const text = readFileSync(kc, 'utf8');
    assert.ok(text.includes(server.url), text);
  });
});
