/** Shoots and Gardens end to end with the real kubectl and the upstream example manifests. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { stringify } from 'yaml';
import { exampleGarden, exampleShoot, makeShoot, workerSpec } from '../support/shoot/fixtures.js';
import { kubectl, kubectlOk } from '../support/kubectl.js';
import { startChild, tempDir, type ChildServer } from '../support/server.js';
import { projectFor } from '../support/projects.js';
import { sharedPath } from '../support/shared.js';

describe('Shoots and Gardens with kubectl', function () {
  this.timeout(120_000);
  let server: ChildServer;
  let dataDir: string;
  const run = (args: string[], input?: string) => kubectlOk(server.kubeconfig, args, input);

  before(async () => {
    dataDir = tempDir();
    server = await startChild(dataDir);
    await run(['create', '-f', '-'], JSON.stringify(projectFor('garden-dev')));
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists both groups in api-resources', async () => {
    const out = await run(['api-resources']);
    assert.match(out, /\nshoots\s+core\.gardener\.cloud\/v1beta1\s+true\s+Shoot\n/);
    assert.match(out, /\ngardens\s+grdn\s+operator\.gardener\.cloud\/v1alpha1\s+false\s+Garden\n/);
  });

  it('applies the Shoot example with its commented fields enabled, and defaults encryption', async () => {
    // The example with its placeholders filled in and its commented fields made consistent (testing.ts).
    const text = JSON.stringify(exampleShoot(true));
    assert.match(await run(['apply', '-f', '-'], text), /shoot\.core\.gardener\.cloud\/.+ created/);
    const shoots = JSON.parse(await run(['get', 'shoots', '-A', '-o', 'json']));
    assert.equal(shoots.items.length, 1);
    const shoot = shoots.items[0];
    assert.equal(shoot.metadata.generation, 1);
    const minimal = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name: 'mini', namespace: 'garden-dev' }, spec: { cloudProfileName: 'aws', region: 'eu-west-1', provider: { type: 'aws' }, kubernetes: { version: '1.32.0' } } };
    const created = JSON.parse(await run(['create', '-f', '-', '-o', 'json'], JSON.stringify(minimal)));
    assert.equal(created.spec.kubernetes.kubeAPIServer.encryptionConfig.provider.type, 'aescbc');
    assert.equal(created.spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod, '672h0m0s');
    await run(['annotate', 'shoot', 'mini', '-n', 'garden-dev', 'confirmation.gardener.cloud/deletion=true']);
    await run(['delete', 'shoot', 'mini', '-n', 'garden-dev']);
    const table = await run(['get', 'shoots', '-n', shoot.metadata.namespace]);
    assert.match(table, /^NAME\s+CLOUDPROFILE\s+PROVIDER\s+REGION\s+K8S VERSION\s+HIBERNATION\s+LAST OPERATION\s+STATUS\s+AGE/);
    // Durations are stored in Go's form ("168h" becomes "168h0m0s"), so kubectl's three-way patch for
    // the example is never empty; the server-side result is still the same object.
    const before = JSON.parse(await run(['get', 'shoot', shoot.metadata.name, '-n', shoot.metadata.namespace, '-o', 'json']));
    assert.match(await run(['apply', '-f', '-'], text), / (configured|unchanged)\n$/);
    const again = JSON.parse(await run(['get', 'shoot', shoot.metadata.name, '-n', shoot.metadata.namespace, '-o', 'json']));
    assert.deepEqual(again.spec, before.spec);
    assert.equal(again.metadata.generation, before.metadata.generation);
  });

  it('accepts operations separated by ";" and refuses those that may not run in parallel', async () => {
    const shoot = makeShoot({}, undefined, { name: 'ops', namespace: 'garden-dev' });
    await run(['create', '-f', '-'], JSON.stringify(shoot));
    await run(['annotate', 'shoot', 'ops', '-n', 'garden-dev', 'gardener.cloud/operation=rotate-ssh-keypair;rotate-observability-credentials']);
    const stored = JSON.parse(await run(['get', 'shoot', 'ops', '-n', 'garden-dev', '-o', 'json']));
    assert.equal(stored.metadata.annotations['gardener.cloud/operation'], 'rotate-ssh-keypair;rotate-observability-credentials');
    const refused = await kubectl(server.kubeconfig, ['annotate', '--overwrite', 'shoot', 'ops', '-n', 'garden-dev', 'gardener.cloud/operation=retry;rotate-ssh-keypair']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /metadata\.annotations\[gardener\.cloud\/operation\]: Forbidden: operation 'retry' is not permitted to be run in parallel with other operations/);
  });

  it('merges worker pools by name with kubectl patch (no --type) and client-side apply, keeping pools others added', async () => {
    const worker = (name: string, maximum = 2) => ({ name, machine: { type: 'm5.large', image: { name: 'gardenlinux', version: '1877.0.0' } }, minimum: 1, maximum });
    const manifest = (workers: unknown[]) => JSON.stringify({ ...makeShoot(workerSpec(workers), undefined, { name: 'pools', namespace: 'garden-dev' }) });
    await run(['apply', '-f', '-'], manifest([worker('a'), worker('b'), worker('c')]));
    // Another manager adds a pool: strategic merge patch (kubectl's default) merges it in by name.
    await run(['patch', 'shoot', 'pools', '-n', 'garden-dev', '-p', JSON.stringify({ spec: { provider: { workers: [worker('e')] } } })]);
    const names = async () => JSON.parse(await run(['get', 'shoot', 'pools', '-n', 'garden-dev', '-o', 'json'])).spec.provider.workers.map((w: { name: string; maximum: number }) => `${w.name}:${w.maximum}`);
    assert.deepEqual(await names(), ['e:2', 'a:2', 'b:2', 'c:2']);
    // The second apply changes a, removes b, adds d: a three-way strategic merge patch, which leaves e alone.
    await run(['apply', '-f', '-'], manifest([worker('a', 5), worker('c'), worker('d')]));
    assert.deepEqual(await names(), ['e:2', 'a:5', 'c:2', 'd:2']);
  });

  it('explains the encryption configuration fields', async () => {
    const out = await run(['explain', 'shoot.spec.kubernetes.kubeAPIServer.encryptionConfig']);
    assert.match(out, /KIND:\s+Shoot/);
    assert.match(out, /resources\s+<\[\]string>/);
    assert.match(out, /provider\s+<EncryptionProvider>/);
  });

  it('rejects invalid encryption configurations with the upstream messages', async () => {
    const shoot = JSON.parse(await run(['get', 'shoots', '-A', '-o', 'json'])).items[0];
    const ns = shoot.metadata.namespace;
    const name = shoot.metadata.name;
    const bad = await kubectl(server.kubeconfig, ['patch', 'shoot', name, '-n', ns, '--type', 'merge', '-p', '{"spec":{"kubernetes":{"kubeAPIServer":{"encryptionConfig":{"resources":["Secrets","secrets","*.apps"]}}}}}']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.kubernetes\.kubeAPIServer\.encryptionConfig\.resources\[0\]: Invalid value: "Secrets": resource must be lower case/);
    assert.match(bad.stderr, /spec\.kubernetes\.kubeAPIServer\.encryptionConfig\.resources\[1\]: Forbidden: "secrets" are always encrypted/);
    assert.match(bad.stderr, /resources\[2\]: Invalid value: "\*\.apps": wildcards are not supported/);
  });

  it('prints Gardener\'s warnings for deprecated Shoot settings on create and update, not for status updates', async () => {
    const warning = 'Warning: you are setting the spec.cloudProfileName field. The field is deprecated and will be forcefully set empty starting with Kubernetes 1.34. Use the new spec.cloudProfile.name field instead.';
    const legacy = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name: 'legacy', namespace: 'garden-dev' }, spec: { cloudProfileName: 'aws', region: 'eu-west-1', provider: { type: 'aws' }, kubernetes: { version: '1.33.0' } } };
    const created = await kubectl(server.kubeconfig, ['create', '-f', '-'], JSON.stringify(legacy));
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stderr.trim(), warning);
    const labelled = await kubectl(server.kubeconfig, ['label', 'shoot', 'legacy', '-n', 'garden-dev', 'a=b']);
    assert.equal(labelled.stderr.trim(), warning);
    const status = await kubectl(server.kubeconfig, ['patch', 'shoot', 'legacy', '-n', 'garden-dev', '--subresource=status', '--type', 'merge', '-p', '{"status":{"seedName":"x"}}']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.stderr, '', 'the status subresource sends no warnings');
    await run(['annotate', 'shoot', 'legacy', '-n', 'garden-dev', 'confirmation.gardener.cloud/deletion=true']);
    await run(['delete', 'shoot', 'legacy', '-n', 'garden-dev']);
  });

  it('moves status through the status subresource and gates resource changes on it', async () => {
    const shoot = JSON.parse(await run(['get', 'shoots', '-A', '-o', 'json'])).items[0];
    const ns = shoot.metadata.namespace;
    const name = shoot.metadata.name;
    const spec = shoot.spec.kubernetes.kubeAPIServer.encryptionConfig;
    const atRest = { provider: { type: spec.provider.type }, ...(spec.resources ? { resources: spec.resources } : {}) };
    const ready = { lastOperation: { type: 'Reconcile', state: 'Succeeded', progress: 100, lastUpdateTime: '2026-01-01T00:00:00Z', description: 'ok' }, credentials: { encryptionAtRest: atRest } };
    await run(['patch', 'shoot', name, '-n', ns, '--subresource=status', '--type', 'merge', '-p', JSON.stringify({ status: ready })]);
    await run(['patch', 'shoot', name, '-n', ns, '--type', 'merge', '-p', '{"spec":{"kubernetes":{"kubeAPIServer":{"encryptionConfig":{"resources":["configmaps"]}}}}}']);
    const blocked = await kubectl(server.kubeconfig, ['patch', 'shoot', name, '-n', ns, '--type', 'merge', '-p', '{"spec":{"kubernetes":{"kubeAPIServer":{"encryptionConfig":{"resources":["configmaps","statefulsets.apps"]}}}}}']);
    assert.notEqual(blocked.code, 0);
    assert.match(blocked.stderr, /resources cannot be changed because a previous encryption configuration change is currently being rolled out/);
    await run(['patch', 'shoot', name, '-n', ns, '--subresource=status', '--type', 'merge', '-p', '{"status":{"credentials":{"encryptionAtRest":{"resources":["configmaps"]}}}}']);
    await run(['patch', 'shoot', name, '-n', ns, '--type', 'merge', '-p', '{"spec":{"kubernetes":{"kubeAPIServer":{"encryptionConfig":{"resources":["configmaps","statefulsets.apps"]}}}}}']);
    const ignored = JSON.parse(await run(['patch', 'shoot', name, '-n', ns, '--type', 'merge', '-p', '{"status":{"seedName":"nope"}}', '-o', 'json']));
    assert.notEqual(ignored.status.seedName, 'nope', 'the main resource ignores status changes');
    // Gardener's Shoot store declares no reset fields: status written through the resource is still
    // owned, and conflicts with its owner through the status subresource, as upstream.
    const applied = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name, namespace: ns }, status: { lastOperation: { description: 'mine' } } };
    const conflict = await kubectl(server.kubeconfig, ['apply', '--server-side', '--field-manager=other', '-f', '-'], JSON.stringify(applied));
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /conflict with "kubectl-patch" with subresource "status" using core\.gardener\.cloud\/v1beta1: \.status\.lastOperation\.description/);
  });

  it('deletes a Shoot only with the confirmation annotation', async () => {
    const shoot = JSON.parse(await run(['get', 'shoots', '-A', '-o', 'json'])).items[0];
    const ns = shoot.metadata.namespace;
    const name = shoot.metadata.name;
    const refused = await kubectl(server.kubeconfig, ['delete', 'shoot', name, '-n', ns]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /must have a "confirmation\.gardener\.cloud\/deletion" annotation to delete/);
    await run(['annotate', 'shoot', name, '-n', ns, 'confirmation.gardener.cloud/deletion=true']);
    await run(['delete', 'shoot', name, '-n', ns, '--wait=false']);
  });

  it('validates upstream\'s Garden manifest with OpenAPI v2 in protobuf and applies what it serves', async () => {
    // The file also holds core/v1 Secrets, which kubectl does not find in /openapi/v3: it validates
    // them against /openapi/v2 in protobuf, then applies each object; Secrets are not served here.
    const file = sharedPath('examples', 'gardener', 'operator', '20-garden.yaml');
    const r = await kubectl(server.kubeconfig, ['apply', '-f', file]);
    assert.doesNotMatch(r.stderr, /content type|error validating/, r.stderr);
    assert.match(r.stdout, /^garden\.operator\.gardener\.cloud\/local created$/m);
    assert.match(r.stderr, /no matches for kind "Secret" in version "v1"/);
    await run(['annotate', 'garden', 'local', 'confirmation.gardener.cloud/deletion=true']);
    await run(['delete', 'garden', 'local']);
  });

  it('applies, explains and deletes the Garden example', async () => {
    assert.match(await run(['apply', '-f', '-'], stringify(exampleGarden())), /garden\.operator\.gardener\.cloud\/.+ created/);
    const garden = JSON.parse(await run(['get', 'gardens', '-o', 'json'])).items[0];
    const vc = garden.spec.virtualCluster;
    assert.equal(vc.gardener.gardenerAPIServer.encryptionConfig.provider.type, vc.kubernetes.kubeAPIServer.encryptionConfig.provider.type);
    assert.match(await run(['explain', 'garden.spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig']), /KIND:\s+Garden/);
    const bad = await kubectl(server.kubeconfig, ['patch', 'garden', garden.metadata.name, '--type', 'merge', '-p', '{"spec":{"virtualCluster":{"gardener":{"gardenerAPIServer":{"encryptionConfig":{"resources":["internalsecrets.core.gardener.cloud"]}}}}}}']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /"internalsecrets\.core\.gardener\.cloud" are always encrypted/);
    const unconfirmed = await kubectl(server.kubeconfig, ['delete', 'garden', garden.metadata.name]);
    // Refusals of gardener-operator's validating webhook, as kube-apiserver reports them.
    const webhook = 'admission webhook "garden-validation.operator.gardener.cloud" denied the request: ';
    assert.match(bad.stderr, /^The Garden "[^"]+" is invalid: /m, 'kubectl words Invalid errors from their causes, prefix or not');
    assert.equal(unconfirmed.stderr.trim(), `Error from server (Forbidden): ${webhook}must have a "confirmation.gardener.cloud/deletion" annotation to delete`);
    const second = await kubectl(server.kubeconfig, ['create', '-f', '-'], stringify({ ...exampleGarden(), metadata: { name: 'second' } }));
    const onlyOne = `Error from server (BadRequest): error when creating "STDIN": ${webhook}there can be only one operator.gardener.cloud/v1alpha1.Garden resource in the system at a time`;
    assert.equal(second.stderr.trim(), onlyOne);
    // The webhook looks for other Gardens before it validates the object.
    const invalidSecond = exampleGarden();
    const apiServer = (invalidSecond.spec as { virtualCluster: { gardener: { gardenerAPIServer: Record<string, unknown> } } }).virtualCluster.gardener.gardenerAPIServer;
    apiServer.encryptionConfig = { resources: ['Configmaps'] };
    const secondInvalid = await kubectl(server.kubeconfig, ['create', '-f', '-'], stringify({ ...invalidSecond, metadata: { name: 'second' } }));
    assert.equal(secondInvalid.stderr.trim(), onlyOne);
    await run(['annotate', 'garden', garden.metadata.name, 'confirmation.gardener.cloud/deletion=true']);
    await run(['delete', 'garden', garden.metadata.name]);
  });

  it('treats the Garden as kube-apiserver treats the custom resource: CRD and webhook defaults, schema constraints', async () => {
    await run(['create', '-f', '-'], stringify(exampleGarden()));
    const garden = JSON.parse(await run(['get', 'garden', 'local', '-o', 'json']));
    const vc = garden.spec.virtualCluster;
    // The CRD's defaults, and the example's `gardenerDiscoveryServer: null` dropped (not nullable).
    assert.deepEqual(vc.gardener.gardenerDashboard, { enableTokenLogin: true, logLevel: 'info' });
    assert.equal('gardenerDiscoveryServer' in vc.gardener, false);
    // gardener-operator's defaulting webhook.
    assert.deepEqual(garden.spec.runtimeCluster.networking.ipFamilies, ['IPv4']);
    const { encryptionConfig: _e, ...kubeAPIServer } = vc.kubernetes.kubeAPIServer;
    assert.deepEqual(kubeAPIServer, { eventTTL: '1h0m0s', logging: { verbosity: 2 }, requests: { maxMutatingInflight: 200, maxNonMutatingInflight: 400 } });
    assert.deepEqual(vc.kubernetes.kubeControllerManager, { certificateSigningDuration: '48h' });

    const patch = {
      spec: {
        runtimeCluster: { ingress: { controller: { kind: 'traefik' } }, networking: { pods: [] } },
        virtualCluster: { maintenance: { timeWindow: { begin: '25' } }, gardener: { clusterIdentity: 'other', gardenerAPIServer: { goAwayChance: 0.5 } } },
      },
    };
    const bad = await kubectl(server.kubeconfig, ['patch', 'garden', 'local', '--type', 'merge', '-p', JSON.stringify(patch)]);
    assert.equal(
      bad.stderr.trim(),
      [
        'The Garden "local" is invalid: ',
        '* spec.runtimeCluster.ingress.controller.kind: Unsupported value: "traefik": supported values: "nginx"',
        '* spec.runtimeCluster.networking.pods: Invalid value: 0: spec.runtimeCluster.networking.pods in body should have at least 1 items',
        '* spec.virtualCluster.gardener.clusterIdentity: Invalid value: "string": Value is immutable',
        '* spec.virtualCluster.gardener.gardenerAPIServer.goAwayChance: Invalid value: 0.5: spec.virtualCluster.gardener.gardenerAPIServer.goAwayChance in body should be less than or equal to 0.02',
        "* spec.virtualCluster.maintenance.timeWindow.begin: Invalid value: \"25\": spec.virtualCluster.maintenance.timeWindow.begin in body should match '([0-1][0-9]|2[0-3])[0-5][0-9][0-5][0-9]([+](0[0-9]|1[0-4])|[-](0[0-9]|1[0-2]))00'",
      ].join('\n'),
    );
    // gardener-operator's defaulting webhook decodes the Garden before kube-apiserver checks the schema.
    const ttl = { spec: { virtualCluster: { kubernetes: { kubeAPIServer: { eventTTL: 'abc' } } } } };
    const undecodable = await kubectl(server.kubeconfig, ['patch', 'garden', 'local', '--type', 'merge', '-p', JSON.stringify(ttl)]);
    assert.equal(undecodable.stderr.trim(), 'Error from server: admission webhook "garden-defaulting.operator.gardener.cloud" denied the request: time: invalid duration "abc"');
    const expiration = { spec: { virtualCluster: { gardener: { gardenerAPIServer: { shootAdminKubeconfigMaxExpiration: '90m' } } } } };
    const normalized = JSON.parse(await run(['patch', 'garden', 'local', '--type', 'merge', '-o', 'json', '-p', JSON.stringify(expiration)]));
    assert.equal(normalized.spec.virtualCluster.gardener.gardenerAPIServer.shootAdminKubeconfigMaxExpiration, '1h30m0s');
    await run(['patch', 'garden', 'local', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/virtualCluster/gardener/gardenerAPIServer/shootAdminKubeconfigMaxExpiration"}]']);
    const noDNS = await kubectl(server.kubeconfig, ['patch', 'garden', 'local', '--type', 'merge', '-p', '{"spec":{"virtualCluster":{"dns":null}}}']);
    assert.equal(noDNS.stderr.trim(), 'The Garden "local" is invalid: spec.virtualCluster.dns: Required value');
    const status = await kubectl(server.kubeconfig, ['patch', 'garden', 'local', '--subresource=status', '--type', 'merge', '-p', '{"status":{"credentials":{"encryptionAtRest":{"provider":{}}}}}']);
    assert.equal(status.stderr.trim(), 'The Garden "local" is invalid: status.credentials.encryptionAtRest.provider.type: Required value');
    const after = JSON.parse(await run(['get', 'garden', 'local', '-o', 'json']));
    assert.equal(after.metadata.generation, garden.metadata.generation + 2, 'only the two good patches were written');
    // A custom resource's integer field takes any integral JSON number (Python's json writes 200.0).
    const body = JSON.stringify(after).replace('"maxMutatingInflight":200', '"maxMutatingInflight":150.0');
    assert.ok(body.includes('150.0'));
    await run(['replace', '--raw', '/apis/operator.gardener.cloud/v1alpha1/gardens/local', '-f', '-'], body);
    const replaced = JSON.parse(await run(['get', 'garden', 'local', '-o', 'json']));
    assert.equal(replaced.spec.virtualCluster.kubernetes.kubeAPIServer.requests.maxMutatingInflight, 150);
    await run(['annotate', 'garden', 'local', 'confirmation.gardener.cloud/deletion=true']);
    await run(['delete', 'garden', 'local']);
  });
});
