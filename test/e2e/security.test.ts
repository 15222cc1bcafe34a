/**
 * Who may do what, through the real server in standalone mode: static tokens (`--token-auth-file`),
 * Gardener's example roles (`--authorization-policy-file=deploy/policy/gardener-roles.yaml`), the
 * SeedAuthorizer and SeedRestriction for gardenlets, and 429 under overload.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createCA } from '../../apiserver/standalone/pki.js';
import { REPO_ROOT, startInProcess, tempDir, type InProcessServer } from '../support/server.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';

const NS = 'garden-dev';
const BASE = `/apis/core.gardener.cloud/v1beta1/namespaces/${NS}`;
const TOKENS = {
  alice: 'token-alice',
  bob: 'token-bob',
  olga: 'token-olga',
  seedA: 'token-seed-a',
  seedB: 'token-seed-b',
  shootA: 'token-shoot-a',
};

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTPS request as a token user; `slowBody` trickles the body to hold the request open. */
function call(s: InProcessServer, token: string, method: string, path: string, body?: unknown, slowBodyMs = 0, extraHeaders: Record<string, string> = {}): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...extraHeaders, authorization: `Bearer ${token}` };
    if (payload !== undefined) headers['content-type'] = body instanceof Array ? 'application/json-patch+json' : 'application/json';
    const req = request(new URL(path, s.running.url), { method, ca: s.creds.ca, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers }));
    });
    req.on('error', reject);
    if (payload === undefined) req.end();
    else if (slowBodyMs === 0) req.end(payload);
    else {
      req.write(payload.slice(0, 5));
      setTimeout(() => req.end(payload.slice(5)), slowBodyMs);
    }
  });
}

/** A GET as a token user whose body is read as text (a watch's event lines). */
function fetchText(s: InProcessServer, token: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.running.url), { ca: s.creds.ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

function certSubject(kubeconfigB64: string): { cn: string; o: string } {
  const config = parse(Buffer.from(kubeconfigB64, 'base64').toString());
  const pem = Buffer.from(config.users[0].user['client-certificate-data'], 'base64').toString();
  const subject = new X509Certificate(pem).subject;
  return { cn: /CN=(.*)/.exec(subject)?.[1] ?? '', o: /O=(.*)/.exec(subject)?.[1] ?? '' };
}

function shoot(name: string, seedName?: string) {
  return { metadata: { name, namespace: NS }, spec: { cloudProfileName: 'aws', region: 'eu-west-1', provider: { type: 'aws' }, kubernetes: { version: '1.32.0' }, seedName } };
}

describe('authentication, authorization and admission (standalone)', function () {
  this.timeout(120_000);
  let s: InProcessServer;
  let dir: string;

  before(async () => {
    dir = tempDir();
    const tokens = join(dir, 'tokens.csv');
    writeFileSync(
      tokens,
      [
        `${TOKENS.alice},alice,u1`,
        `${TOKENS.bob},bob,u2`,
        `${TOKENS.olga},olga,u3`,
        `${TOKENS.seedA},gardener.cloud:system:seed:seed-a,u4,"gardener.cloud:system:seeds"`,
        `${TOKENS.seedB},gardener.cloud:system:seed:seed-b,u5,"gardener.cloud:system:seeds"`,
        `${TOKENS.shootA},gardener.cloud:system:shoot:${NS}:shoot-a,u6,"gardener.cloud:system:shoots"`,
      ].join('\n'),
    );
    const caDir = join(dir, 'cluster-ca');
    mkdirSync(caDir);
    writeFileSync(join(caDir, 'ca.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shoot-a.ca-cluster', namespace: NS }, data: { 'ca.crt': createCA('ca').cert } }));
    s = await startInProcess([
      `--token-auth-file=${tokens}`,
      `--authorization-policy-file=${join(REPO_ROOT, 'deploy/policy/gardener-roles.yaml')}`,
      `--cluster-ca-dir=${caDir}`,
      '--max-mutating-requests-inflight=1',
    ]);
    await s.request('post', PROJECTS_PATH).send(projectFor(NS)).expect(201);
    for (const [name, seed] of [['shoot-a', 'seed-a'], ['shoot-b', 'seed-b']] as const) {
      await s.request('post', `${BASE}/shoots`).send(shoot(name, seed)).expect(201);
      await s.request('patch', `${BASE}/shoots/${name}/status`).set('Content-Type', 'application/merge-patch+json').send({ status: { advertisedAddresses: [{ name: 'external', url: `https://api.${name}.example.com` }] } }).expect(200);
    }
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects unknown tokens with 401', async () => {
    const r = await call(s, 'nope', 'GET', `${BASE}/shoots`);
    assert.equal(r.status, 401);
    assert.equal(r.body.message, 'Unauthorized');
  });

  it('lets a gardenlet create only the ca-client of its own seed\'s shoots', async () => {
    const ca = createCA('ca-client');
    const data = { 'ca.crt': Buffer.from(ca.cert).toString('base64'), 'ca.key': Buffer.from(ca.key).toString('base64') };
    const own = await call(s, TOKENS.seedA, 'POST', `${BASE}/internalsecrets`, { metadata: { name: 'shoot-a.ca-client' }, data });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    const other = await call(s, TOKENS.seedA, 'POST', `${BASE}/internalsecrets`, { metadata: { name: 'shoot-b.ca-client' }, data });
    assert.equal(other.status, 403);
    assert.equal(other.body.message, 'admission webhook "seed-restriction.gardener.cloud" denied the request: object does not belong to seed "seed-a"');
    assert.deepEqual([other.body.status, other.body.reason, other.body.details], ['Failure', undefined, undefined], 'a webhook refusal carries no reason');
    const arbitrary = await call(s, TOKENS.seedA, 'POST', `${BASE}/internalsecrets`, { metadata: { name: 'whatever' } });
    assert.equal(arbitrary.status, 403);
    await s.request('post', `${BASE}/internalsecrets`).send({ metadata: { name: 'shoot-b.ca-client' }, data }).expect(201);
  });

  it('scopes gardenlets to their own seed\'s ca-client for get, list, watch, update and delete', async () => {
    assert.equal((await call(s, TOKENS.seedA, 'GET', `${BASE}/internalsecrets/shoot-a.ca-client`)).status, 200);
    for (const [verb, path] of [
      ['GET', `${BASE}/internalsecrets/shoot-b.ca-client`],
      ['GET', `${BASE}/internalsecrets?fieldSelector=metadata.name%3Dshoot-b.ca-client`],
      ['GET', `${BASE}/internalsecrets?watch=1&fieldSelector=metadata.name%3Dshoot-b.ca-client`],
      ['GET', `${BASE}/internalsecrets`],
      ['DELETE', `${BASE}/internalsecrets/shoot-b.ca-client`],
    ] as const) {
      const r = await call(s, TOKENS.seedA, verb, path);
      assert.equal(r.status, 403, `${verb} ${path}: ${JSON.stringify(r.body)}`);
    }
    const patch = await call(s, TOKENS.seedA, 'PATCH', `${BASE}/internalsecrets/shoot-b.ca-client`, [{ op: 'add', path: '/metadata/labels', value: { x: 'y' } }]);
    assert.equal(patch.status, 403);
    const listOwn = await call(s, TOKENS.seedA, 'GET', `${BASE}/internalsecrets?fieldSelector=metadata.name%3Dshoot-a.ca-client`);
    assert.equal(listOwn.status, 200);
    assert.equal((listOwn.body.items as unknown[]).length, 1);
    assert.equal((await call(s, TOKENS.seedB, 'GET', `${BASE}/internalsecrets/shoot-b.ca-client`)).status, 200);
    // Not a ca-client: no gardenlet may delete it (Gardener's graph may hold it for a CredentialsBinding).
    await s.request('post', `${BASE}/internalsecrets`).send({ metadata: { name: 'provider-creds' } }).expect(201);
    assert.equal((await call(s, TOKENS.seedA, 'DELETE', `${BASE}/internalsecrets/provider-creds`)).status, 403);
    await s.request('get', `${BASE}/internalsecrets/provider-creds`).expect(200);
  });

  it('applies the label selector it authorized, however many parameters come before it', async () => {
    const padding = Array.from({ length: 1000 }, (_, i) => `a${String(i).padStart(3, '0')}=`).join('&');
    const path = `/apis/core.gardener.cloud/v1beta1/shoots?${padding}&labelSelector=name.seed.gardener.cloud%2Fseed-b%3Dtrue`;
    const r = await call(s, TOKENS.seedB, 'GET', path);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual((r.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name), ['shoot-b'], "only the seed's own Shoots");
  });

  it('serves a watch of one object by path that object only, as authorized, and refuses a selector naming another', async () => {
    const watchPath = (name: string, query = '') => `/apis/core.gardener.cloud/v1beta1/watch/namespaces/${NS}/internalsecrets/${name}?timeoutSeconds=1${query}`;
    const names = (text: string) => text.trim().split('\n').map((line) => (JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name);
    const own = await fetchText(s, TOKENS.seedA, watchPath('shoot-a.ca-client'));
    assert.equal(own.status, 200);
    assert.deepEqual(names(own.text), ['shoot-a.ca-client']);
    const mismatched = await call(s, TOKENS.seedA, 'GET', watchPath('shoot-a.ca-client', '&fieldSelector=metadata.name%3Dshoot-b.ca-client'));
    assert.equal(mismatched.status, 400);
    assert.equal(mismatched.body.message, "fieldSelector metadata.name doesn't match requested name");
    assert.equal((await call(s, TOKENS.seedA, 'GET', watchPath('shoot-b.ca-client'))).status, 403);
    const admin = await fetchText(s, TOKENS.olga, watchPath('shoot-b.ca-client', '&fieldSelector=metadata.name%3Dshoot-b.ca-client'));
    assert.deepEqual(names(admin.text), ['shoot-b.ca-client']);
  });

  it("scopes a self-hosted shoot's gardenlet to its own Shoot and ca-client", async () => {
    const own = await call(s, TOKENS.shootA, 'GET', `${BASE}/internalsecrets/shoot-a.ca-client`);
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal((await call(s, TOKENS.shootA, 'GET', `${BASE}/shoots/shoot-a`)).status, 200);
    for (const path of [`${BASE}/internalsecrets/shoot-b.ca-client`, `${BASE}/shoots/shoot-b`, `${BASE}/internalsecrets`]) {
      assert.equal((await call(s, TOKENS.shootA, 'GET', path)).status, 403, path);
    }
    const victim = await call(s, TOKENS.shootA, 'POST', `${BASE}/internalsecrets`, { metadata: { name: 'victim.ca-client' } });
    assert.equal(victim.status, 403);
    assert.equal(victim.body.message, `admission webhook "shoot-restriction.gardener.cloud" denied the request: object does not belong to shoot ${NS}/shoot-a`);
    assert.equal((await call(s, TOKENS.shootA, 'POST', `${BASE}/internalsecrets`, { metadata: { name: 'shoot-a.ca-client' } })).status, 409, 'its own passes admission');
  });

  it('impersonates only for who may impersonate, and then authorizes as the impersonated user', async () => {
    const as = (headers: Record<string, string>, path: string) => s.request('get', path).set(headers);
    const refused = await call(s, TOKENS.alice, 'GET', `${BASE}/shoots`, undefined, 0, { 'Impersonate-User': 'olga' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'users "olga" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    // The admin (system:masters) may impersonate; as alice it cannot read InternalSecrets but reads shoots.
    const asAlice = await as({ 'Impersonate-User': 'alice' }, `${BASE}/internalsecrets`).expect(403);
    assert.match(asAlice.body.message, /User "alice" cannot list resource "internalsecrets"/);
    await as({ 'Impersonate-User': 'alice' }, `${BASE}/shoots`).expect(200);
    const asGroup = await as({ 'Impersonate-User': 'someone', 'Impersonate-Group': 'system:masters' }, `${BASE}/internalsecrets`).expect(200);
    assert.ok(Array.isArray(asGroup.body.items));
    const noUser = await as({ 'Impersonate-Group': 'system:masters' }, `${BASE}/internalsecrets`).expect(400);
    assert.match(noUser.body.message, /without impersonating a user/);
    // Extra keys are plain keys, whatever their name; an empty UID is no UID.
    const extraKey = await call(s, TOKENS.alice, 'GET', `${BASE}/shoots`, undefined, 0, { 'Impersonate-User': 'olga', 'Impersonate-Extra-constructor': 'x' });
    assert.equal(extraKey.status, 403, JSON.stringify(extraKey.body));
    await as({ 'Impersonate-User': 'alice', 'Impersonate-Extra-__proto__': 'x', 'Impersonate-Extra-constructor': 'y' }, `${BASE}/shoots`).expect(200);
    await as({ 'Impersonate-User': 'alice', 'Impersonate-Uid': '' }, `${BASE}/shoots`).expect(200);
    // A service account user name with an invalid namespace or name is an ordinary user name.
    const odd = await call(s, TOKENS.alice, 'GET', `${BASE}/shoots`, undefined, 0, { 'Impersonate-User': 'system:serviceaccount:Foo:Bar' });
    assert.equal(odd.body.message, 'users "system:serviceaccount:Foo:Bar" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    const sa = await call(s, TOKENS.alice, 'GET', `${BASE}/shoots`, undefined, 0, { 'Impersonate-User': 'system:serviceaccount:foo:bar' });
    assert.match(String(sa.body.message), /^serviceaccounts "bar" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "foo"/);
  });

  it('keeps InternalSecrets away from project members, who still get admin kubeconfigs', async () => {
    const read = await call(s, TOKENS.alice, 'GET', `${BASE}/internalsecrets`);
    assert.equal(read.status, 403);
    assert.equal(read.body.message, 'internalsecrets.core.gardener.cloud is forbidden: User "alice" cannot list resource "internalsecrets" in API group "core.gardener.cloud" in the namespace "garden-dev"');
    assert.equal((await call(s, TOKENS.alice, 'GET', `${BASE}/shoots`)).status, 200);
    const admin = await call(s, TOKENS.alice, 'POST', `${BASE}/shoots/shoot-a/adminkubeconfig`, { spec: { expirationSeconds: 600 } });
    assert.equal(admin.status, 201, JSON.stringify(admin.body));
    assert.deepEqual(certSubject((admin.body.status as { kubeconfig: string }).kubeconfig), { cn: 'gardener.cloud:admin:alice', o: 'gardener.cloud:project:admins' });
  });

  it('gives project viewers only viewer kubeconfigs and read access', async () => {
    const admin = await call(s, TOKENS.bob, 'POST', `${BASE}/shoots/shoot-a/adminkubeconfig`, { spec: {} });
    assert.equal(admin.status, 403);
    assert.match(String(admin.body.message), /User "bob" cannot create resource "shoots\/adminkubeconfig" in API group "core.gardener.cloud"/);
    const viewer = await call(s, TOKENS.bob, 'POST', `${BASE}/shoots/shoot-a/viewerkubeconfig`, { spec: {} });
    assert.equal(viewer.status, 201);
    assert.deepEqual(certSubject((viewer.body.status as { kubeconfig: string }).kubeconfig), { cn: 'gardener.cloud:viewer:bob', o: 'gardener.cloud:project:viewers' });
    assert.equal((await call(s, TOKENS.bob, 'GET', `${BASE}/shoots/shoot-a`)).status, 200);
    assert.equal((await call(s, TOKENS.bob, 'POST', `${BASE}/shoots`, shoot('shoot-c', 'seed-a'))).status, 403);
    assert.equal((await call(s, TOKENS.bob, 'GET', `${BASE}/internalsecrets/shoot-a.ca-client`)).status, 403);
  });

  it('lets operator admins read InternalSecrets', async () => {
    const r = await call(s, TOKENS.olga, 'GET', `${BASE}/internalsecrets/shoot-a.ca-client`);
    assert.equal(r.status, 200);
  });

  it('answers 429 with Retry-After beyond the in-flight limit', async () => {
    // Project members create unscheduled Shoots (setting spec.seedName takes shoots/binding).
    const slow = call(s, TOKENS.alice, 'POST', `${BASE}/shoots`, shoot('slow'), 1500);
    await new Promise((r) => setTimeout(r, 300));
    const refused = await call(s, TOKENS.alice, 'POST', `${BASE}/shoots`, shoot('fast'));
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.body.reason, 'TooManyRequests');
    assert.equal(refused.body.message, 'Too many requests, please try again later.');
    assert.deepEqual(refused.body.details, { retryAfterSeconds: 1 });
    assert.equal((await slow).status, 201);
  });
});
