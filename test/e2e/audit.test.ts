/**
 * The audit log of the real server (`--audit-log-path`, `--audit-policy-file`) under a policy that asks
 * for RequestResponse on everything: every request gets its events with the right user, verb, object
 * reference and code, and after a run that writes, reads, lists and watches InternalSecrets and issues
 * admin and viewer kubeconfigs the log holds no secret bytes at all.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type supertest from 'supertest';
import { parse } from 'yaml';
import { testCA, testClientCert } from '../support/authn/pki.js';
import type { AuditEvent } from '../../apiserver/audit/types.js';
import { buildCommand } from '../../apiserver/options.js';
import { createCA } from '../../apiserver/standalone/pki.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';

const NS = 'garden-dev';
const SHOOT = 'my-shoot';
const BASE = `/apis/core.gardener.cloud/v1beta1/namespaces/${NS}`;
const POLICY = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: RequestResponse\n';

type Who = 'admin' | 'proxy' | 'badToken';

/** What one request should have left in the log. */
interface Expected {
  id: string;
  verb: string;
  code: number;
  user: string | undefined;
  stages: string[];
  ref?: { resource: string; name?: string; subresource?: string };
  level: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The base64 body lines of a PEM block (what would leak if a key were logged decoded). */
function pemBodyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
}

function readLog(path: string): { text: string; events: AuditEvent[] } {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const events = text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditEvent);
  return { text, events };
}

describe('audit log end to end', function () {
  this.timeout(120_000);
  const marker = `marker-${randomBytes(12).toString('hex')}`;
  const clusterCA = createCA('ca');
  const clientCA = createCA('ca-client');
  const frontProxyCA = testCA('front-proxy-ca');
  const frontProxy = testClientCert(frontProxyCA, { commonName: 'front-proxy-client' });
  let s: InProcessServer;
  let stopped = false;
  let auditDir: string;
  let logPath: string;
  const expected: Expected[] = [];
  const secrets: string[] = [];
  let seq = 0;
  /** The request sent with an escaped path, and its target as sent. */
  let escaped = { id: '', uri: '' };
  /** A list of Shoots (audited with its response) and the items it answered. */
  let listed: { id: string; items: unknown[] } = { id: '', items: [] };

  /** Sends a request with a fresh Audit-ID and records what the log must show for it. */
  async function call(who: Who, method: 'get' | 'post' | 'put' | 'patch', path: string, want: Omit<Expected, 'id' | 'user' | 'stages'> & { stages?: string[] }, body?: unknown, contentType = 'application/json'): Promise<supertest.Response> {
    const id = `e2e-${++seq}`;
    let t = s.request(method, path, who !== 'admin').set('Audit-ID', id);
    if (who === 'proxy') t = t.cert(frontProxy.cert).key(frontProxy.key).set('X-Remote-User', 'alice').set('X-Remote-Group', 'system:masters');
    if (who === 'badToken') t = t.set('Authorization', 'Bearer not-a-token');
    if (path.includes('watch=1')) t = t.buffer(true).parse((res, cb) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => cb(null, text));
    });
    const res = await (body === undefined ? t : t.set('Content-Type', contentType).send(typeof body === 'string' ? body : JSON.stringify(body)));
    assert.equal(res.status, want.code, `${method} ${path}: ${res.text}`);
    assert.equal(res.headers['audit-id'], id);
    const user = { admin: 'garden-admin', proxy: 'alice', badToken: undefined }[who];
    expected.push({ ...want, id, user, stages: want.stages ?? ['RequestReceived', 'ResponseComplete'] });
    return res;
  }

  before(async () => {
    // An unknown flag would make commander exit the whole test process: fail this suite instead.
    const flags = new Set(buildCommand().options.map((o) => o.long));
    assert.ok(['--audit-log-path', '--audit-policy-file', '--audit-log-maxsize', '--audit-log-maxbackup'].every((f) => flags.has(f)), 'the --audit-* flags are not wired into apiserver/options.ts yet');
    const dataDir = tempDir();
    auditDir = tempDir('garden-apiserver-audit-');
    logPath = join(auditDir, 'log', 'audit.log');
    mkdirSync(join(dataDir, 'cluster-ca'), { recursive: true });
    writeFileSync(join(dataDir, 'cluster-ca', 'ca.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${SHOOT}.ca-cluster`, namespace: NS }, data: { 'ca.crt': clusterCA.cert } }));
    writeFileSync(join(auditDir, 'policy.yaml'), POLICY);
    writeFileSync(join(auditDir, 'front-proxy-ca.crt'), frontProxyCA.cert);
    writeFileSync(join(auditDir, 'tokens.csv'), 'some-token,bob,u1\n');
    s = await startInProcess(
      [
        `--audit-log-path=${logPath}`,
        `--audit-policy-file=${join(auditDir, 'policy.yaml')}`,
        '--audit-log-maxsize=10',
        '--audit-log-maxbackup=2',
        `--requestheader-client-ca-file=${join(auditDir, 'front-proxy-ca.crt')}`,
        `--token-auth-file=${join(auditDir, 'tokens.csv')}`,
      ],
      dataDir,
    );
    await s.request('post', PROJECTS_PATH).send(projectFor(NS)).expect(201);
    secrets.push(marker, b64(marker), ...pemBodyLines(clientCA.key), b64(clientCA.key));
  });

  after(async () => {
    if (!stopped) await s?.stop();
    if (auditDir !== undefined) rmSync(auditDir, { recursive: true, force: true });
  });

  /** Creates the Shoot, the ca-client and a marked InternalSecret; reads, updates, patches, lists and watches. */
  async function secretsScenario(): Promise<void> {
    const shoot = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name: SHOOT, namespace: NS }, spec: { cloudProfileName: 'aws', region: 'eu-west-1', provider: { type: 'aws' }, kubernetes: { version: '1.32.0' }, seedName: 'seed-a' } };
    await call('admin', 'post', `${BASE}/shoots`, { verb: 'create', code: 201, ref: { resource: 'shoots' }, level: 'RequestResponse' }, shoot);
    const shoots = await call('admin', 'get', `${BASE}/shoots`, { verb: 'list', code: 200, ref: { resource: 'shoots' }, level: 'RequestResponse' });
    listed = { id: `e2e-${seq}`, items: shoots.body.items };
    const addresses = { status: { advertisedAddresses: [{ name: 'external', url: 'https://api.my-shoot.example.com' }] } };
    await call('admin', 'patch', `${BASE}/shoots/${SHOOT}/status`, { verb: 'patch', code: 200, ref: { resource: 'shoots', name: SHOOT, subresource: 'status' }, level: 'RequestResponse' }, addresses, 'application/merge-patch+json');
    const secret = { resource: 'internalsecrets' };
    const marked = { resource: 'internalsecrets', name: 'marked' };
    const ca = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: `${SHOOT}.ca-client`, namespace: NS }, data: { 'ca.crt': b64(clientCA.cert), 'ca.key': b64(clientCA.key) } };
    await call('admin', 'post', `${BASE}/internalsecrets`, { verb: 'create', code: 201, ref: secret, level: 'Metadata' }, ca);
    const body = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: 'marked', namespace: NS }, data: { token: b64(marker) }, stringData: { plain: marker } };
    const created = await call('admin', 'post', `${BASE}/internalsecrets`, { verb: 'create', code: 201, ref: secret, level: 'Metadata' }, body);
    assert.equal(created.body.data.plain, b64(marker), 'the marker went through');
    const got = await call('admin', 'get', `${BASE}/internalsecrets/marked`, { verb: 'get', code: 200, ref: marked, level: 'Metadata' });
    await call('admin', 'put', `${BASE}/internalsecrets/marked`, { verb: 'update', code: 200, ref: marked, level: 'Metadata' }, { ...got.body, data: { ...got.body.data, again: b64(`${marker}-2`) }, stringData: { more: marker } });
    await call('admin', 'patch', `${BASE}/internalsecrets/marked`, { verb: 'patch', code: 200, ref: marked, level: 'Metadata' }, { stringData: { patched: marker } }, 'application/merge-patch+json');
    // A YAML syntax error on a secret's line names the line and column, not its text: neither the
    // response nor the log quotes it.
    const broken = await call('admin', 'post', `${BASE}/internalsecrets`, { verb: 'create', code: 400, ref: secret, level: 'Metadata' }, `metadata:\n  name: broken\nstringData:\n  k: ${marker}\n    - x: [\n`, 'application/yaml');
    assert.ok(!broken.text.includes(marker), 'the error message does not quote the body');
    assert.match(broken.text, /at line \d+, column \d+/);
    // Bodies sent where nothing serves them (404 after authorization) are read but never recorded, at
    // any level: as upstream, only what a handler takes up goes into an event.
    await call('admin', 'post', `${BASE}/internalsecrets;x`, { verb: 'create', code: 404, ref: { resource: 'internalsecrets;x' }, level: 'RequestResponse' }, body);
    await call('admin', 'post', `${BASE}/shootstates`, { verb: 'create', code: 404, ref: { resource: 'shootstates' }, level: 'RequestResponse' }, { ...body, kind: 'ShootState' });
    const list = await call('admin', 'get', `${BASE}/internalsecrets`, { verb: 'list', code: 200, ref: secret, level: 'Metadata' });
    assert.ok(JSON.stringify(list.body).includes(b64(marker)));
    const stages = ['RequestReceived', 'ResponseStarted', 'ResponseComplete'];
    const watch = await call('admin', 'get', `${BASE}/internalsecrets?watch=1&resourceVersion=0&timeoutSeconds=1`, { verb: 'watch', code: 200, ref: secret, level: 'Metadata', stages });
    assert.ok(String(watch.body).includes(b64(marker)), 'the watch streamed the secret');
    await call('proxy', 'get', `${BASE}/internalsecrets/marked`, { verb: 'get', code: 200, ref: marked, level: 'Metadata' });
    // A path with escapes is served as Go decodes it and audited as it was written (URL.RequestURI()).
    await call('admin', 'get', `${BASE}/internalsecrets/m%61rked?pretty=0`, { verb: 'get', code: 200, ref: marked, level: 'Metadata' });
    escaped = { id: `e2e-${seq}`, uri: `${BASE}/internalsecrets/m%61rked?pretty=0` };
    // A failed authentication is one ResponseStarted event, as upstream's WithFailedAuthenticationAudit writes it.
    await call('badToken', 'get', `${BASE}/internalsecrets`, { verb: 'list', code: 401, ref: secret, level: 'Metadata', stages: ['ResponseStarted'] });
  }

  /** Issues an admin and a viewer kubeconfig and remembers their secret parts. */
  async function kubeconfigScenario(): Promise<void> {
    for (const kind of ['adminkubeconfig', 'viewerkubeconfig'] as const) {
      const requestKind = kind === 'adminkubeconfig' ? 'AdminKubeconfigRequest' : 'ViewerKubeconfigRequest';
      const ref = { resource: 'shoots', name: SHOOT, subresource: kind };
      const res = await call('admin', 'post', `${BASE}/shoots/${SHOOT}/${kind}`, { verb: 'create', code: 201, ref, level: 'Metadata' }, { apiVersion: 'authentication.gardener.cloud/v1alpha1', kind: requestKind, spec: { expirationSeconds: 600 } });
      const kubeconfig = String(res.body.status.kubeconfig);
      const config = parse(Buffer.from(kubeconfig, 'base64').toString());
      const keyData = String(config.users[0].user['client-key-data']);
      secrets.push(kubeconfig, keyData, ...pemBodyLines(Buffer.from(keyData, 'base64').toString()));
    }
  }

  /** Each request's events: stages, level, verb, user, object reference and final code. */
  function assertEvents(events: AuditEvent[]): void {
    for (const want of expected) {
      const mine = events.filter((e) => e.auditID === want.id);
      assert.deepEqual(mine.map((e) => e.stage), want.stages, `stages of ${want.id}`);
      for (const e of mine) {
        assert.equal(e.kind, 'Event');
        assert.equal(e.apiVersion, 'audit.k8s.io/v1');
        assert.equal(e.level, want.level, `level of ${want.id}`);
        assert.equal(e.verb, want.verb, `verb of ${want.id}`);
        assert.equal(e.user.username, want.user, `user of ${want.id}`);
        assert.equal(e.objectRef?.resource, want.ref?.resource);
        assert.equal(e.objectRef?.name, want.ref?.name);
        assert.equal(e.objectRef?.subresource, want.ref?.subresource);
        assert.equal(e.objectRef?.namespace, NS);
        assert.equal(e.objectRef?.apiGroup, 'core.gardener.cloud');
        assert.ok(e.sourceIPs?.includes('127.0.0.1'));
      }
      assert.equal(mine.at(-1)?.responseStatus?.code, want.code, `code of ${want.id}`);
    }
    const proxied = events.find((e) => e.user.username === 'alice' && e.stage === 'ResponseComplete');
    assert.equal(proxied?.annotations?.['authentication.gardener.cloud/front-proxy'], 'front-proxy-client');
    assert.deepEqual(proxied?.user.groups, ['system:masters', 'system:authenticated']);
    assert.deepEqual(new Set(events.filter((e) => e.auditID === escaped.id).map((e) => e.requestURI)), new Set([escaped.uri]));
    // The list as sent: its items name no apiVersion or kind.
    const listedEvent = events.find((e) => e.auditID === listed.id && e.stage === 'ResponseComplete');
    assert.deepEqual((listedEvent?.responseObject as { items?: unknown[] } | undefined)?.items, listed.items);
    assert.equal((listed.items[0] as { kind?: string }).kind, undefined);
    const shootCreate = events.find((e) => e.auditID === 'e2e-1' && e.stage === 'ResponseComplete');
    assert.ok(shootCreate?.requestObject !== undefined && shootCreate.responseObject !== undefined, 'the policy really is RequestResponse');
  }

  it('audits a run over InternalSecrets and kubeconfigs, with no secret bytes in the log', async () => {
    await secretsScenario();
    await kubeconfigScenario();
    // Every request's final event is in the log within moments, before the server stops.
    const last = expected.at(-1)?.id;
    for (let i = 0; i < 100 && !readLog(logPath).events.some((e) => e.auditID === last && e.stage === 'ResponseComplete'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(readLog(logPath).events.some((e) => e.auditID === last), 'events are written while the server runs');
    stopped = true;
    await s.stop();
    const { text, events } = readLog(logPath);
    assertEvents(events);
    assert.ok(secrets.length > 10);
    for (const secret of secrets) assert.ok(!text.includes(secret), `the audit log contains secret bytes (${secret.slice(0, 12)}...)`);
    assert.ok(!text.includes(marker.slice(7)), 'not even the random part of the marker');
    assert.ok(!/PRIVATE KEY|client-key-data|"kubeconfig"/.test(text));
  });
});
