import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterCADirectorySource, parseManifests } from './cluster-ca-dir.js';
import { statusErrorOf, until } from '../../test/support/wait.js';

const PEM_A = '-----BEGIN CERTIFICATE-----\nQUFB\n-----END CERTIFICATE-----\n';
const PEM_B = '-----BEGIN CERTIFICATE-----\nQkJC\n-----END CERTIFICATE-----\n';

function configMap(ns: string, shoot: string, pem: string | undefined): string {
  const data = pem === undefined ? '' : `data:\n  ca.crt: |\n${pem.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}\n`;
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${shoot}.ca-cluster\n  namespace: ${ns}\n${data}`;
}

describe('apiserver/standalone cluster CA directory', () => {
  let dir: string;
  let errors: string[];
  let source: ClusterCADirectorySource;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cluster-ca-'));
    errors = [];
  });
  afterEach(() => {
    source?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(opts: { pollIntervalMs?: number; watch?: boolean } = { pollIntervalMs: 0, watch: false }): ClusterCADirectorySource {
    source = new ClusterCADirectorySource(dir, { ...opts, onError: (e) => errors.push(e.message) });
    return source;
  }

  it('reads ConfigMaps from YAML (multi-document), JSON and lists', async () => {
    writeFileSync(join(dir, 'a.yaml'), `${configMap('garden-dev', 'one', PEM_A)}---\n${configMap('garden-dev', 'two', PEM_B)}---\n`);
    writeFileSync(
      join(dir, 'b.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'three.ca-cluster', namespace: 'garden-x' }, data: { 'ca.crt': PEM_B } }] }),
    );
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    mkdirSync(join(dir, 'sub.yaml'));
    const s = open();
    assert.equal(await s.get('garden-dev', 'one'), PEM_A);
    assert.equal(await s.get('garden-dev', 'two'), PEM_B);
    assert.equal(await s.get('garden-x', 'three'), PEM_B);
    assert.deepEqual(errors, []);
  });

  it('falls back to the legacy Secret only without a ConfigMap, and maps errors as the spec says', async () => {
    writeFileSync(
      join(dir, 'secrets.yaml'),
      [
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: legacy.ca-cluster\n  namespace: ns\ndata:\n  ca.crt: ${Buffer.from(PEM_A).toString('base64')}\n`,
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain.ca-cluster\n  namespace: ns\nstringData:\n  ca.crt: "${PEM_B.replace(/\n/g, '\\n')}"\n`,
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: both.ca-cluster\n  namespace: ns\ndata:\n  ca.crt: ${Buffer.from(PEM_A).toString('base64')}\n`,
        configMap('ns', 'both', PEM_B),
        configMap('ns', 'empty', undefined),
      ].join('---\n'),
    );
    const s = open();
    assert.equal(await s.get('ns', 'legacy'), PEM_A);
    assert.equal(await s.get('ns', 'plain'), PEM_B);
    assert.equal(await s.get('ns', 'both'), PEM_B);
    assert.equal(await s.get('ns', 'empty'), '');
    assert.equal(await statusErrorOf(s.get('ns', 'missing')), '500 Internal error occurred: could not get cluster CA secret: secret "missing.ca-cluster" not found');
  });

  it('re-reads changed, added and removed files on poll and keeps the last good content of a broken file', async () => {
    const file = join(dir, 'ca.yaml');
    writeFileSync(file, configMap('ns', 's', PEM_A));
    const s = open({ pollIntervalMs: 20, watch: false });
    assert.equal(await s.get('ns', 's'), PEM_A);

    writeFileSync(file, configMap('ns', 's', PEM_B));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await until(async () => (await s.get('ns', 's')) === PEM_B, 'the change');

    writeFileSync(file, 'apiVersion: v1\nkind: [unclosed\n');
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    await until(async () => errors.length > 0, 'the parse error');
    assert.equal(await s.get('ns', 's'), PEM_B);
    assert.match(errors[0] ?? '', /ca\.yaml: /);

    writeFileSync(join(dir, 'more.yml'), configMap('ns', 'other', PEM_A));
    await until(async () => (await statusErrorOf(s.get('ns', 'other'))) === 'no error', 'the new file');
    unlinkSync(file);
    await until(async () => (await statusErrorOf(s.get('ns', 's'))).includes('not found'), 'the removal');
  });

  it('notices changes through fs.watch and follows symlinks (mounted ConfigMap volumes)', async () => {
    const data = join(dir, '..data');
    mkdirSync(data);
    writeFileSync(join(data, 'ca.yaml'), configMap('ns', 's', PEM_A));
    symlinkSync(join('..data', 'ca.yaml'), join(dir, 'ca.yaml'));
    const s = open({ pollIntervalMs: 0, watch: true });
    assert.equal(await s.get('ns', 's'), PEM_A);
    writeFileSync(join(dir, 'new.yaml'), configMap('ns', 'n', PEM_B));
    await until(async () => (await statusErrorOf(s.get('ns', 'n'))) === 'no error', 'the watched change');
  });

  it('reports a file that is no YAML by line, without quoting it (a Secret may hold a key)', () => {
    const errors: string[] = [];
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s.ca-cluster, namespace: ns}\nstringData: {ca.key: LEAKMARK-secret-key-text: bad}\n';
    assert.throws(() => parseManifests(secret, (m) => errors.push(m)), (e: unknown) => e instanceof Error && /^line 4: /.test(e.message) && !e.message.includes('LEAKMARK'));
  });

  it('reports objects without namespace and a missing directory', async () => {
    assert.deepEqual(parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x.ca-cluster\n', (m) => errors.push(m)), { configMaps: [], configMapMeta: [], secrets: [] });
    assert.deepEqual(errors, ['ConfigMap "x.ca-cluster" has no namespace; ignored']);
    rmSync(dir, { recursive: true });
    const s = open();
    assert.match(await statusErrorOf(s.get('ns', 's')), /could not get cluster CA secret: secret "s.ca-cluster" not found/);
    assert.match(errors[1] ?? '', /^reading .*ENOENT/);
  });
});
