/**
 * gardenctl and gardenlogin against standalone mode, replayed request by request (clients.md §1–§2;
 * gardenctl-v2 a53fded7 and gardenlogin 2d284588 cannot be installed here). A project member targets a
 * shoot the way `gardenctl target --garden G --project P --shoot S` does (sequence A), `gardenctl target
 * shoot S` with a seed or only a garden in the target (B) and `gardenctl kubeconfig` (D): every request
 * with the headers gardenctl sends (protobuf for Gardener kinds, aggregated discovery from each fresh
 * client), every check gardenctl makes of the answers (UUIDs, ambiguity by item count and
 * remainingItemCount, the CA ConfigMap), ending with the shoot kubeconfig gardenctl writes. That
 * kubeconfig then runs real kubectl through the gardenlogin replay (test/support/gardenlogin.ts) as its
 * credential plugin, against a stand-in of the shoot's kube-apiserver (test/support/shoot/standin.ts)
 * that trusts the shoot's client CA.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createCA } from '../../apiserver/standalone/pki.js';
import { makeShoot } from '../support/shoot/fixtures.js';
import { credentialsFromKubeconfig, getClientCertificate, requestBody, writePluginWrapper, type ExecInfo } from '../support/gardenlogin.js';
import { kubectl } from '../support/kubectl.js';
import { binary, decodePb, PROTOBUF_ACCEPT } from '../support/protobuf.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';
import { startShootStandIn, type ShootStandIn } from '../support/shoot/standin.js';

const TOKENS = { alice: 'alice-token', bob: 'bob-token' } as const;
type Who = keyof typeof TOKENS;
const IDENTITY = 'local-garden';
const CORE = '/apis/core.gardener.cloud/v1beta1';
const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NS = 'garden-dev';
const SHOOT = 'web';

type Json = Record<string, any>;

/** The requests of one gardenctl command, as `METHOD path?query` lines. */
class Gardenctl {
  readonly sent: string[] = [];

  constructor(
    private readonly s: InProcessServer,
    private readonly who: Who | 'operator',
  ) {}

  private req(path: string, accept: string) {
    this.sent.push(`GET ${path}`);
    const t = this.who === 'operator' ? this.s.request('get', path) : this.s.request('get', path, true).set('Authorization', `Bearer ${TOKENS[this.who]}`);
    return t.set('Accept', accept).set('User-Agent', 'gardenctl/v0.0.0 (linux/amd64) kubernetes/$Format');
  }

  /** A fresh controller-runtime client's first request: aggregated discovery, then the kind must be found. */
  async discovery(): Promise<void> {
    const api = await this.req('/api', AGGREGATED_ACCEPT);
    assert.equal(api.status, 200);
    assert.match(api.headers['content-type'] ?? '', /as=APIGroupDiscoveryList/);
    const apis = await this.req('/apis', AGGREGATED_ACCEPT);
    assert.equal(apis.status, 200);
    const core = (apis.body.items as Json[]).find((g) => g.metadata.name === 'core.gardener.cloud');
    const resources = (core?.versions as Json[] | undefined)?.find((v) => v.version === 'v1beta1')?.resources as Json[] | undefined;
    for (const kind of ['Project', 'Shoot']) assert.ok(resources?.some((r) => r.responseKind.kind === kind), `no match for kind ${kind}`);
  }

  /** A GET or LIST of a Gardener kind: protobuf Accept, decoded by the response's Content-Type. */
  async gardener(path: string): Promise<{ status: number; value: Json }> {
    const res = await binary(this.req(path, PROTOBUF_ACCEPT));
    const type = res.headers['content-type'] ?? '';
    if (type === 'application/vnd.kubernetes.protobuf') return { status: res.status, value: decodePb(res.body as Buffer).value };
    return { status: res.status, value: JSON.parse((res.body as Buffer).toString()) as Json };
  }

  /** A core/v1 GET (JSON: core/v1 is not in Gardener's protobuf scheme). */
  async core(path: string): Promise<{ status: number; value: Json }> {
    const res = await this.req(path, 'application/json, */*');
    return { status: res.status, value: res.body as Json };
  }

  /** gardenctl's validateObjectMetadata: every object it resolves has a UUID. */
  static checkUid(obj: Json): void {
    assert.match(obj.metadata?.uid ?? '', UUID, `${obj.metadata?.name} has no UUID`);
  }

  /** `GetProject`. */
  async project(name: string): Promise<Json> {
    await this.discovery();
    const { status, value } = await this.gardener(`${PROJECTS_PATH}/${name}`);
    assert.equal(status, 200);
    Gardenctl.checkUid(value);
    return value;
  }

  /** `FindShoot`: a list of at most two; more than one, or remainingItemCount > 0, is ambiguous. */
  async findShoot(namespace: string | undefined, fieldSelector: string): Promise<Json> {
    const base = namespace === undefined ? `${CORE}/shoots` : `${CORE}/namespaces/${namespace}/shoots`;
    const { status, value } = await this.gardener(`${base}?fieldSelector=${encodeURIComponent(fieldSelector)}&limit=2`);
    assert.equal(status, 200, JSON.stringify(value));
    const items = (value.items ?? []) as Json[]; // an empty repeated field decodes to nothing, a nil slice in Go
    items.forEach(Gardenctl.checkUid);
    if (items.length === 0) throw new Error('no shoot found');
    if (items.length > 1 || Number(value.metadata?.remainingItemCount ?? 0) > 0) throw new Error('ambiguous shoot');
    return items[0]!;
  }

  /** `completeTargetFromShoot`: the project of a namespace. */
  async projectOfNamespace(namespace: string): Promise<Json> {
    const { status, value } = await this.gardener(`${PROJECTS_PATH}?fieldSelector=${encodeURIComponent(`spec.namespace=${namespace}`)}&limit=1`);
    assert.equal(status, 200);
    const items = value.items as Json[];
    assert.equal(items.length, 1);
    Gardenctl.checkUid(items[0]!);
    return items[0]!;
  }

  /** `GetShootClientConfig`: the shoot and its CA ConfigMap (neither checked for a UUID). */
  async shootClientConfig(namespace: string, name: string): Promise<Json> {
    const shoot = await this.gardener(`${CORE}/namespaces/${namespace}/shoots/${name}`);
    assert.equal(shoot.status, 200);
    const cm = await this.core(`/api/v1/namespaces/${namespace}/configmaps/${name}.ca-cluster`);
    assert.equal(cm.status, 200);
    const ca = cm.value.data?.['ca.crt'] as string | undefined;
    assert.ok(ca !== undefined && ca !== '', 'ca.crt must not be empty');
    return shootKubeconfig(shoot.value, ca);
  }
}

/** The kubeconfig gardenctl writes for a shoot (shoot_client.go, clients.md §1.3). */
function shootKubeconfig(shoot: Json, caCrt: string): Json {
  const ns = shoot.metadata.namespace as string;
  const name = shoot.metadata.name as string;
  const [major, minor] = String(shoot.spec.kubernetes.version).split('.').map(Number);
  assert.ok(major !== undefined && minor !== undefined && (major > 1 || minor >= 20), 'not legacy mode');
  const kept = (shoot.status?.advertisedAddresses as { name: string; url: string }[]).filter((a) => ['external', 'internal', 'unmanaged'].includes(a.name));
  assert.ok(kept.length > 0, 'the shoot has no advertised address');
  const user = `${ns}--${name}`;
  const clusters = kept.map((a) => ({
    name: `${ns}--${name}-${a.name}`,
    cluster: {
      server: `https://${new URL(a.url).host}`,
      'certificate-authority-data': Buffer.from(caCrt).toString('base64'),
      extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { shootRef: { namespace: ns, name }, gardenClusterIdentity: IDENTITY } }],
    },
  }));
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters,
    contexts: clusters.map((c) => ({ name: c.name, context: { cluster: c.name, user, namespace: 'default' } })),
    'current-context': clusters[0]!.name,
    users: [
      {
        name: user,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'kubectl-gardenlogin',
            args: ['get-client-certificate'],
            provideClusterInfo: true,
            interactiveMode: 'IfAvailable',
          },
        },
      },
    ],
  };
}

describe('gardenctl and gardenlogin against standalone mode (replayed)', function () {
  this.timeout(180_000);
  const clusterCA = createCA('ca');
  const clientCA = createCA('ca-client');
  let dir: string;
  let s: InProcessServer;
  let shootAPI: ShootStandIn;

  before(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'tokens.csv'), Object.entries(TOKENS).map(([name, token], i) => `${token},${name},u${i}`).join('\n'));
    const caDir = join(dir, 'cluster-ca');
    mkdirSync(caDir);
    for (const ns of [NS, 'garden-ops']) {
      writeFileSync(join(caDir, `${ns}.json`), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${SHOOT}.ca-cluster`, namespace: ns }, data: { 'ca.crt': clusterCA.cert } }));
    }
    shootAPI = await startShootStandIn(clusterCA, clientCA);
    s = await startInProcess([`--token-auth-file=${join(dir, 'tokens.csv')}`, `--cluster-ca-dir=${caDir}`]);
    const members = [
      { kind: 'User', name: 'alice', role: 'admin' },
      { kind: 'User', name: 'bob', role: 'viewer' },
    ];
    await s.request('post', PROJECTS_PATH).send(projectFor(NS, { members })).expect(201);
    await s.request('post', PROJECTS_PATH).send(projectFor('garden-ops')).expect(201);
    // Names before the target's, so that a filtered page must be filled past the first items.
    for (let i = 0; i < 12; i++) await s.request('post', `${CORE}/namespaces/${NS}/shoots`).send(makeShoot({ seedName: 'seed-a' }, undefined, { name: `app-${i}`, namespace: NS })).expect(201);
    await s.request('post', `${CORE}/namespaces/${NS}/shoots`).send(makeShoot({ seedName: 'seed-a' }, undefined, { name: SHOOT, namespace: NS })).expect(201);
    await s.request('post', `${CORE}/namespaces/garden-ops/shoots`).send(makeShoot({ seedName: 'seed-b' }, undefined, { name: SHOOT, namespace: 'garden-ops' })).expect(201);
    const advertisedAddresses = [
      { name: 'external', url: `https://127.0.0.1:${shootAPI.port}` },
      { name: 'wildcard-tls-seed-bound', url: 'https://api.wildcard.example.com' },
      { name: 'internal', url: `https://localhost:${shootAPI.port}/ignored` },
      { name: 'service-account-issuer', url: 'https://issuer.example.com' },
    ];
    await s
      .request('patch', `${CORE}/namespaces/${NS}/shoots/${SHOOT}/status`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ status: { advertisedAddresses } })
      .expect(200);
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const caClient = { metadata: { name: `${SHOOT}.ca-client`, namespace: NS }, type: 'Opaque', data: { 'ca.crt': b64(clientCA.cert), 'ca.key': b64(clientCA.key) } };
    await s.request('post', `${CORE}/namespaces/${NS}/internalsecrets`).send(caClient).expect(201);

    // What a user of gardenlogin configures: a garden kubeconfig per identity in ~/.garden/gardenlogin.yaml.
    for (const who of Object.keys(TOKENS) as Who[]) {
      const home = join(dir, `home-${who}`);
      mkdirSync(join(home, '.garden'), { recursive: true });
      const gardenKubeconfig = join(home, 'garden.kubeconfig');
      writeFileSync(
        gardenKubeconfig,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'garden', cluster: { server: s.running.url, 'certificate-authority-data': b64(s.creds.ca) } }],
          users: [{ name: who, user: { token: TOKENS[who] } }],
          contexts: [{ name: 'garden', context: { cluster: 'garden', user: who } }],
          'current-context': 'garden',
        }),
      );
      writeFileSync(join(home, '.garden', 'gardenlogin.yaml'), stringify({ gardens: [{ identity: IDENTITY, kubeconfig: gardenKubeconfig }] }));
    }
    writePluginWrapper(dir);
  });

  after(async () => {
    await s?.stop();
    await shootAPI?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const D = ['GET /api', 'GET /apis'];

  it('A: target --garden G --project P --shoot S, as a project member', async () => {
    const g = new Gardenctl(s, 'alice');
    const project = await g.project('dev');
    assert.equal(project.spec.namespace, NS);
    const shoot = await g.findShoot(project.spec.namespace, `metadata.name=${SHOOT}`);
    assert.equal(shoot.metadata.name, SHOOT);
    const ns = (await g.project('dev')).spec.namespace as string;
    const kubeconfig = await g.shootClientConfig(ns, SHOOT);
    await g.project('dev'); // EffectiveAccessLevel
    assert.deepEqual(g.sent, [
      ...D,
      `GET ${PROJECTS_PATH}/dev`,
      `GET ${CORE}/namespaces/${NS}/shoots?fieldSelector=metadata.name%3D${SHOOT}&limit=2`,
      ...D,
      `GET ${PROJECTS_PATH}/dev`,
      `GET ${CORE}/namespaces/${NS}/shoots/${SHOOT}`,
      `GET /api/v1/namespaces/${NS}/configmaps/${SHOOT}.ca-cluster`,
      ...D,
      `GET ${PROJECTS_PATH}/dev`,
    ]);
    assert.deepEqual(
      kubeconfig.clusters.map((c: Json) => [c.name, c.cluster.server]),
      [
        [`${NS}--${SHOOT}-external`, `https://127.0.0.1:${shootAPI.port}`],
        [`${NS}--${SHOOT}-internal`, `https://localhost:${shootAPI.port}`],
      ],
    );
  });

  it('B: target shoot S with a seed or only a garden in the target (cluster-wide rights), and the ambiguity', async () => {
    const member = new Gardenctl(s, 'alice');
    const denied = await member.gardener(`${CORE}/shoots?fieldSelector=${encodeURIComponent(`metadata.name=${SHOOT},spec.seedName=seed-a`)}&limit=2`);
    assert.equal(denied.status, 403, 'a project member cannot list shoots cluster-wide, as in Gardener');

    const g = new Gardenctl(s, 'operator');
    const bySeed = await g.findShoot(undefined, `metadata.name=${SHOOT},spec.seedName=seed-a`);
    assert.equal(bySeed.metadata.namespace, NS);
    const project = await g.projectOfNamespace(NS);
    assert.equal(project.metadata.name, 'dev');
    await assert.rejects(g.findShoot(undefined, `metadata.name=${SHOOT}`), /ambiguous shoot/, 'two shoots of that name in the garden');
    const unique = await g.findShoot(undefined, 'metadata.name=app-11');
    assert.equal(unique.metadata.namespace, NS);
    assert.deepEqual((await g.projectOfNamespace('garden-ops')).metadata.name, 'ops');
    await assert.rejects(g.findShoot(undefined, 'metadata.name=nothing'), /no shoot found/);
  });

  it('reports no remainingItemCount for a filtered list, and fills its pages', async () => {
    const g = new Gardenctl(s, 'operator');
    // As kube-apiserver: with a selector there is no remainingItemCount (a continue token may follow).
    const one = await g.gardener(`${CORE}/shoots?fieldSelector=${encodeURIComponent('metadata.name=app-3')}&limit=1`);
    assert.deepEqual([one.value.items.length, one.value.metadata.remainingItemCount], [1, undefined]);
    const page = await g.gardener(`${CORE}/namespaces/${NS}/shoots?fieldSelector=${encodeURIComponent('spec.seedName=seed-a')}&limit=5`);
    assert.equal(page.value.items.length, 5, 'a full page');
  });

  it('D: gardenctl kubeconfig with a project in the target, without a shoot LIST', async () => {
    const g = new Gardenctl(s, 'bob');
    const ns = (await g.project('dev')).spec.namespace as string;
    const kubeconfig = await g.shootClientConfig(ns, SHOOT);
    await g.project('dev');
    assert.deepEqual(g.sent, [...D, `GET ${PROJECTS_PATH}/dev`, `GET ${CORE}/namespaces/${NS}/shoots/${SHOOT}`, `GET /api/v1/namespaces/${NS}/configmaps/${SHOOT}.ca-cluster`, ...D, `GET ${PROJECTS_PATH}/dev`]);
    assert.equal(kubeconfig['current-context'], `${NS}--${SHOOT}-external`);
  });

  const execInfo = (server: string): ExecInfo => ({
    apiVersion: 'client.authentication.k8s.io/v1',
    spec: { cluster: { server, config: { shootRef: { namespace: NS, name: SHOOT }, gardenClusterIdentity: IDENTITY } } },
  });

  it('gardenlogin admin, viewer and auto: the requests, and the checks of what comes back', async () => {
    const server = `https://127.0.0.1:${shootAPI.port}`;
    const home = (who: Who) => join(dir, `home-${who}`);
    const base = `${CORE}/namespaces/${NS}/shoots/${SHOOT}`;

    const admin = await getClientCertificate(execInfo(server), { home: home('alice'), accessLevel: 'admin' });
    assert.deepEqual(
      admin.sent.map((r) => [r.path, r.body, r.status]),
      [[`${base}/adminkubeconfig`, requestBody('AdminKubeconfigRequest', 900), 201]],
    );
    const expires = Date.parse(admin.credential.status.expirationTimestamp) - Date.now();
    assert.ok(expires > 850_000 && expires <= 900_000, `expires in ${expires} ms`);

    const viewer = await getClientCertificate(execInfo(server), { home: home('alice'), accessLevel: 'viewer' });
    assert.deepEqual(viewer.sent.map((r) => [r.path, r.status]), [[`${base}/viewerkubeconfig`, 201]]);

    const auto = await getClientCertificate(execInfo(server), { home: home('bob') });
    assert.deepEqual(
      auto.sent.map((r) => [r.path, r.body, r.status]),
      [
        [`${base}/adminkubeconfig`, requestBody('AdminKubeconfigRequest', 900), 403],
        [`${base}/viewerkubeconfig`, requestBody('ViewerKubeconfigRequest', 900), 201],
      ],
    );
    await assert.rejects(getClientCertificate(execInfo(server), { home: home('bob'), accessLevel: 'admin' }), /failed with 403/, 'no fallback outside auto');

    // The exact server match: the internal address as gardenctl writes it, and a near miss.
    await getClientCertificate(execInfo(`https://localhost:${shootAPI.port}`), { home: home('alice') });
    await assert.rejects(getClientCertificate(execInfo(`${server}/`), { home: home('alice') }), /no cluster with server/);
  });

  it('rejects keys gardenlogin would reject (the rules themselves)', () => {
    const kubeconfig = (key: string) =>
      stringify({
        clusters: [{ name: 'c', cluster: { server: 'https://x' } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
        users: [{ name: 'u', user: { 'client-certificate-data': Buffer.from(clusterCA.cert).toString('base64'), 'client-key-data': Buffer.from(key).toString('base64') } }],
      });
    const ec = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n';
    assert.throws(() => credentialsFromKubeconfig(kubeconfig(ec), 'https://x'), /want RSA PRIVATE KEY/);
    assert.throws(() => credentialsFromKubeconfig(kubeconfig(clusterCA.key + clusterCA.key), 'https://x'), /exactly one PEM block/);
  });

  it('kubectl auth can-i against the garden (a protobuf SelfSubjectAccessReview)', async () => {
    const canI = (who: Who) => kubectl(join(dir, `home-${who}`, 'garden.kubeconfig'), ['auth', 'can-i', 'create', 'shoots', '--subresource=adminkubeconfig', '-n', NS]);
    const alice = await canI('alice');
    assert.deepEqual([alice.code, alice.stdout.trim()], [0, 'yes'], alice.stderr);
    const bob = await canI('bob');
    assert.deepEqual([bob.code, bob.stdout.trim()], [1, 'no'], bob.stderr);
  });

  it('kubectl with the kubeconfig gardenctl writes reaches the shoot through the gardenlogin plugin', async () => {
    const run = async (who: Who) => {
      const g = new Gardenctl(s, who);
      const file = join(dir, `shoot-${who}.kubeconfig`);
      writeFileSync(file, stringify(await g.shootClientConfig(NS, SHOOT)));
      const env = { ...process.env, HOME: join(dir, `home-${who}`), PATH: `${dir}:${process.env.PATH ?? ''}` };
      const r = await kubectl(file, ['auth', 'whoami', '-o', 'json'], undefined, join(dir, `cache-${who}`), env);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).status.userInfo as { username: string; groups: string[] };
    };
    assert.deepEqual(await run('alice'), { username: 'gardener.cloud:admin:alice', groups: ['gardener.cloud:project:admins'] });
    const viewer = await run('bob');
    assert.equal(viewer.username, 'gardener.cloud:viewer:bob');
  });
});
