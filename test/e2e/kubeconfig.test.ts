/**
 * shoots/adminkubeconfig and shoots/viewerkubeconfig through the real server process and kubectl:
 * gardenlet's `<shoot>.ca-client` InternalSecret signs the certificate, the issued kubeconfig points at
 * the shoot's advertised address, and kubectl authenticates there as `gardener.cloud:admin:<user>`.
 * The shoot's kube-apiserver cannot run here: test/support/shoot/standin.ts stands in for it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { createCA } from '../../apiserver/standalone/pki.js';
import { requestAdminKubeconfig, requestViewerKubeconfig } from '../../client/index.js';
import { adminClient } from '../support/client.js';
import { kubectl, kubectlOk } from '../support/kubectl.js';
import { adminCredentials, startChild, tempDir, type ChildServer } from '../support/server.js';
import { projectFor } from '../support/projects.js';
import { startShootStandIn, type ShootStandIn } from '../support/shoot/standin.js';

const NS = 'garden-dev';
const SHOOT = 'my-shoot';
const SHOOT_PATH = `/apis/core.gardener.cloud/v1beta1/namespaces/${NS}/shoots`;

describe('shoot kubeconfig subresources end to end', function () {
  this.timeout(120_000);
  const clusterCA = createCA('ca');
  const clientCA = createCA('ca-client');
  let dataDir: string;
  let server: ChildServer;
  let shootAPI: ShootStandIn;
  let client: ReturnType<typeof adminClient>;
  const run = (args: string[], input?: string) => kubectlOk(server.kubeconfig, args, input);

  before(async () => {
    dataDir = tempDir();
    const caDir = join(dataDir, 'cluster-ca');
    mkdirSync(caDir, { recursive: true });
    writeFileSync(join(caDir, 'ca-cluster.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${SHOOT}.ca-cluster\n  namespace: ${NS}\ndata:\n  ca.crt: |\n${clusterCA.cert.replace(/^/gm, '    ')}\n`);
    shootAPI = await startShootStandIn(clusterCA, clientCA);
    server = await startChild(dataDir, ['--shoot-admin-kubeconfig-max-expiration=2h']);
    client = adminClient(server.url, adminCredentials(dataDir));
    const shoot = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name: SHOOT, namespace: NS }, spec: { cloudProfileName: 'aws', region: 'eu-west-1', provider: { type: 'aws' }, kubernetes: { version: '1.32.0' }, seedName: 'seed-a' } };
    await run(['create', '-f', '-'], JSON.stringify(projectFor(NS)));
    await run(['create', '-f', '-'], JSON.stringify(shoot));
    const addresses = [
      { name: 'external', url: `https://127.0.0.1:${shootAPI.port}` },
      { name: 'service-account-issuer', url: 'https://issuer.example.com' },
      { name: 'internal', url: `https://localhost:${shootAPI.port}/ignored/path` },
    ];
    await run(['patch', 'shoot', SHOOT, '-n', NS, '--subresource=status', '--type', 'merge', '-p', JSON.stringify({ status: { advertisedAddresses: addresses } })]);
    const caSecret = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: `${SHOOT}.ca-client`, namespace: NS, labels: { 'gardener.cloud/role': 'ca-client' } }, type: 'Opaque', data: { 'ca.crt': Buffer.from(clientCA.cert).toString('base64'), 'ca.key': Buffer.from(clientCA.key).toString('base64') } };
    await run(['create', '-f', '-'], JSON.stringify(caSecret));
  });

  after(async () => {
    client?.close();
    await server?.stop();
    await shootAPI?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists both subresources in discovery with their request kinds', async () => {
    const list = JSON.parse(await run(['get', '--raw', '/apis/core.gardener.cloud/v1beta1']));
    const admin = list.resources.find((r: { name: string }) => r.name === 'shoots/adminkubeconfig');
    assert.deepEqual([admin.group, admin.version, admin.kind, admin.verbs], ['authentication.gardener.cloud', 'v1alpha1', 'AdminKubeconfigRequest', ['create']]);
    assert.ok(list.resources.find((r: { name: string }) => r.name === 'shoots/viewerkubeconfig'));
  });

  it('issues an admin kubeconfig with the documented kubectl flow, and kubectl authenticates with it', async () => {
    const body = join(dataDir, 'request.json');
    writeFileSync(body, JSON.stringify({ spec: { expirationSeconds: 600 } }));
    const response = JSON.parse(await run(['create', '--raw', `${SHOOT_PATH}/${SHOOT}/adminkubeconfig`, '-f', body]));
    assert.equal(response.kind, 'AdminKubeconfigRequest');
    assert.equal(response.spec.expirationSeconds, 600);
    const expiresIn = Date.parse(response.status.expirationTimestamp) - Date.now();
    assert.ok(expiresIn > 590_000 && expiresIn <= 600_000, `expires in ${expiresIn} ms`);
    const text = Buffer.from(response.status.kubeconfig, 'base64').toString();
    const config = parse(text);
    assert.deepEqual(config.clusters.map((c: { name: string }) => c.name), [`${NS}--${SHOOT}-external`, `${NS}--${SHOOT}-internal`]);
    assert.equal(config.clusters[1].cluster.server, `https://localhost:${shootAPI.port}`);
    assert.equal(config['current-context'], `${NS}--${SHOOT}-external`);
    assert.equal(config.users.length, 1);
    const file = join(dataDir, 'issued.kubeconfig');
    writeFileSync(file, text);
    const who = JSON.parse((await kubectlOk(file, ['auth', 'whoami', '-o', 'json'])));
    assert.equal(who.status.userInfo.username, 'gardener.cloud:admin:garden-admin');
    assert.deepEqual(who.status.userInfo.groups, ['gardener.cloud:system:admins']);
  });

  it('issues viewer kubeconfigs and caps the expiry at the server maximum', async () => {
    const viewer = await client.send('POST', `${SHOOT_PATH}/${SHOOT}/viewerkubeconfig`, { apiVersion: 'authentication.gardener.cloud/v1alpha1', kind: 'ViewerKubeconfigRequest', spec: {} });
    assert.equal(viewer.status, 201);
    const v = viewer.body as { spec: { expirationSeconds: number }; status: { kubeconfig: string } };
    assert.equal(v.spec.expirationSeconds, 3600, 'defaults to one hour');
    const file = join(dataDir, 'viewer.kubeconfig');
    writeFileSync(file, Buffer.from(v.status.kubeconfig, 'base64'));
    const who = JSON.parse(await kubectlOk(file, ['auth', 'whoami', '-o', 'json']));
    assert.equal(who.status.userInfo.username, 'gardener.cloud:viewer:garden-admin');
    const capped = await client.send('POST', `${SHOOT_PATH}/${SHOOT}/adminkubeconfig`, { spec: { expirationSeconds: 86400 } });
    assert.equal(capped.status, 201);
    assert.equal((capped.body as { spec: { expirationSeconds: number } }).spec.expirationSeconds, 7200);
  });

  it('answers every failure with the upstream status and message', async () => {
    const tooShort = await client.send('POST', `${SHOOT_PATH}/${SHOOT}/adminkubeconfig`, { spec: { expirationSeconds: 599 } });
    assert.equal(tooShort.status, 422);
    assert.match((tooShort.body as { message: string }).message, /AdminKubeconfigRequest\.authentication\.gardener\.cloud "" is invalid: spec\.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes/);
    const missing = await client.send('POST', `${SHOOT_PATH}/nope/adminkubeconfig`, { spec: {} });
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { message: string }).message, 'shoots.core.gardener.cloud "nope" not found');
    await run(['create', '-f', '-'], JSON.stringify({ apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name: 'bare', namespace: NS }, spec: { cloudProfileName: 'aws', region: 'eu-west-1', provider: { type: 'aws' }, kubernetes: { version: '1.32.0' } } }));
    const noAddress = await client.send('POST', `${SHOOT_PATH}/bare/adminkubeconfig`, { spec: {} });
    assert.equal(noAddress.status, 422);
    assert.match((noAddress.body as { message: string }).message, /no suitable advertised address for kube-apiserver found in \.status\.advertisedAddresses/);
    await run(['patch', 'shoot', 'bare', '-n', NS, '--subresource=status', '--type', 'merge', '-p', `{"status":{"advertisedAddresses":[{"name":"external","url":"https://127.0.0.1:${shootAPI.port}"}]}}`]);
    const noCA = await client.send('POST', `${SHOOT_PATH}/bare/adminkubeconfig`, { spec: {} });
    assert.equal(noCA.status, 500);
    assert.match((noCA.body as { message: string }).message, /could not get client CA secret/);
    const getIt = await kubectl(server.kubeconfig, ['get', '--raw', `${SHOOT_PATH}/${SHOOT}/adminkubeconfig`]);
    assert.notEqual(getIt.code, 0, 'only create is served');
  });

  it('serves the typed client', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    const admin = await requestAdminKubeconfig(kc, NS, SHOOT, { expirationSeconds: 900 });
    assert.equal(admin.expirationSeconds, 900);
    assert.equal(admin.kubeconfig.getCurrentContext(), `${NS}--${SHOOT}-external`);
    assert.ok(admin.expirationTimestamp.getTime() > Date.now());
    const viewer = await requestViewerKubeconfig(kc, NS, SHOOT);
    assert.equal(viewer.kubeconfig.getCurrentUser()?.name, `${NS}--${SHOOT}-external`);
  });
});
