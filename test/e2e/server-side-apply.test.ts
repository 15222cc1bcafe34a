/**
 * Server-side apply end to end with the real kubectl against the real server process: create and
 * re-apply, a second manager's conflict and `--force-conflicts`, removal of fields a manager stops
 * applying, server-side dry run, managedFields of other writers, and the migration from client-side
 * apply (kubectl's JSON patch on metadata.managedFields); and the wire format of an apply PATCH.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import supertest from 'supertest';
import type { KubeObject, ManagedFieldsEntry } from '../../apimachinery/types.js';
import { kubectl, kubectlOk } from '../support/kubectl.js';
import { adminCredentials, startChild, tempDir, type ChildServer } from '../support/server.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: unknown) => Buffer.from(String(s), 'base64').toString();

function manifest(name: string, data: Record<string, string>, labels: Record<string, string> = {}): string {
  const dataLines = Object.entries(data).map(([k, v]) => `  ${k}: ${b64(v)}`);
  const labelLines = Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`);
  return [
    'apiVersion: core.gardener.cloud/v1beta1',
    'kind: InternalSecret',
    'metadata:',
    `  name: ${name}`,
    '  namespace: default',
    ...(labelLines.length > 0 ? ['  labels:', ...labelLines] : []),
    'type: Opaque',
    ...(dataLines.length > 0 ? ['data:', ...dataLines] : []),
    '',
  ].join('\n');
}

/** The server shared by the tests below. */
const env = { server: undefined as ChildServer | undefined, dataDir: '', kc: '' };

function srv(): ChildServer {
  if (env.server === undefined) throw new Error('server not started');
  return env.server;
}

const run = (args: string[], input?: string) => kubectlOk(env.kc, args, input);
const get = async (name: string): Promise<KubeObject> => JSON.parse(await run(['get', 'ins', name, '-n', 'default', '-o', 'json', '--show-managed-fields'])) as KubeObject;
const entry = (o: KubeObject, manager: string, operation = 'Apply'): ManagedFieldsEntry | undefined =>
  o.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);

/** Creates with --server-side, then applies the same manifest again without a write. */
async function createsAndReapplies(): Promise<void> {
  const m = manifest('ssa', { a: 'A', k: 'v1' }, { team: 'one' });
  assert.match(await run(['apply', '--server-side', '-f', '-'], m), /^internalsecret\.core\.gardener\.cloud\/ssa serverside-applied\n/);
  const created = await get('ssa');
  assert.equal(unb64((created.data as Record<string, string>).k), 'v1');
  assert.deepEqual(created.metadata.managedFields?.map((e) => `${e.manager}/${e.operation}`), ['kubectl/Apply']);
  assert.deepEqual(entry(created, 'kubectl')?.fieldsV1, {
    'f:data': { 'f:a': {}, 'f:k': {} },
    'f:metadata': { 'f:labels': { 'f:team': {} } },
    'f:type': {},
  });
  assert.equal(entry(created, 'kubectl')?.apiVersion, 'core.gardener.cloud/v1beta1');
  assert.match(entry(created, 'kubectl')?.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  assert.match(await run(['apply', '--server-side', '-f', '-'], m), /ssa serverside-applied/);
  const again = await get('ssa');
  assert.equal(again.metadata.resourceVersion, created.metadata.resourceVersion);
  assert.deepEqual(again.metadata.managedFields, created.metadata.managedFields);
}

/** Refuses a second manager’s change of a field the first owns, with kube-apiserver’s conflict text. */
async function conflictsWithSecondManager(): Promise<void> {
  const r = await kubectl(env.kc, ['apply', '--server-side', '--field-manager=other', '-f', '-'], manifest('ssa', { k: 'v2' }));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.k/);
  assert.match(r.stderr, /--force-conflicts/);
  assert.equal(unb64(((await get('ssa')).data as Record<string, string>).k), 'v1');
}

/** Takes the field over with --force-conflicts and shows both managers. */
async function forcesConflicts(): Promise<void> {
  const out = await run(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], manifest('ssa', { k: 'v2' }));
  assert.match(out, /ssa serverside-applied/);
  const obj = await get('ssa');
  const data = obj.data as Record<string, string>;
  assert.equal(unb64(data.k), 'v2');
  assert.equal(unb64(data.a), 'A');
  assert.deepEqual(entry(obj, 'kubectl')?.fieldsV1, { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:team': {} } }, 'f:type': {} });
  assert.deepEqual(entry(obj, 'other')?.fieldsV1, { 'f:data': { 'f:k': {} }, 'f:type': {} });

  const yaml = await run(['get', 'ins', 'ssa', '-n', 'default', '-o', 'yaml', '--show-managed-fields']);
  assert.match(yaml, /managedFields:\n/);
  assert.match(yaml, /- apiVersion: core\.gardener\.cloud\/v1beta1\n\s+fieldsType: FieldsV1\n\s+fieldsV1:\n/);
  assert.match(yaml, /\n\s+manager: kubectl\n\s+operation: Apply\n/);
  assert.match(yaml, /\n\s+manager: other\n\s+operation: Apply\n/);
  assert.doesNotMatch(await run(['get', 'ins', 'ssa', '-n', 'default', '-o', 'yaml']), /managedFields/);
}

/** Removes what a manager stops applying, keeping what another manager owns. */
async function removesOmittedFields(): Promise<void> {
  await run(['apply', '--server-side', '-f', '-'], manifest('ssa', { k: 'v2' }));
  const obj = await get('ssa');
  assert.deepEqual(Object.keys(obj.data as object), ['k']);
  assert.equal(obj.metadata.labels, undefined);
  assert.deepEqual(entry(obj, 'kubectl')?.fieldsV1, { 'f:data': { 'f:k': {} }, 'f:type': {} });
}

/** Changes nothing on a server-side dry run. */
async function dryRunChangesNothing(): Promise<void> {
  const before = await get('ssa');
  const args = ['apply', '--server-side', '--dry-run=server', '--field-manager=other', '--force-conflicts', '-f', '-'];
  const out = await run(args, manifest('ssa', { k: 'v3' }));
  assert.match(out, /ssa serverside-applied \(server dry run\)/);
  const after = await get('ssa');
  assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  assert.equal(unb64((after.data as Record<string, string>).k), 'v2');
}

/** Records other writers as Update managers. */
async function recordsUpdateManagers(): Promise<void> {
  await run(['label', 'ins', 'ssa', '-n', 'default', 'tier=gold']);
  const obj = await get('ssa');
  const label = entry(obj, 'kubectl-label', 'Update');
  assert.deepEqual(label?.fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:tier': {} } } });
  assert.equal(label?.apiVersion, 'core.gardener.cloud/v1beta1');
  const r = await kubectl(env.kc, ['apply', '--server-side', '-f', '-'], manifest('ssa', { k: 'v2' }, { tier: 'silver' }));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl-label" using core\.gardener\.cloud\/v1beta1: \.metadata\.labels\.tier/);
}

/** Migrates an object from client-side apply to server-side apply. */
async function migratesFromClientSideApply(): Promise<void> {
  assert.match(await run(['apply', '-f', '-'], manifest('csa', { k: 'v1', x: 'X' })), /internalsecret\.core\.gardener\.cloud\/csa created/);
  const csa = await get('csa');
  assert.ok(entry(csa, 'kubectl-client-side-apply', 'Update'), JSON.stringify(csa.metadata.managedFields));

  const out = await run(['apply', '--server-side', '-f', '-'], manifest('csa', { k: 'v2' }));
  assert.match(out, /csa serverside-applied/);
  const obj = await get('csa');
  const data = obj.data as Record<string, string>;
  assert.equal(unb64(data.k), 'v2');
  assert.equal(data.x, undefined, 'the field kubectl applied client-side and no longer applies is gone');
  assert.equal(entry(obj, 'kubectl-client-side-apply', 'Update'), undefined, JSON.stringify(obj.metadata.managedFields));
  assert.deepEqual(entry(obj, 'kubectl')?.fieldsV1, { 'f:data': { 'f:k': {} }, 'f:type': {} });
  const lastApplied = obj.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '';
  assert.match(lastApplied, new RegExp(b64('v2')));
  assert.match(await run(['apply', '--server-side', '-f', '-'], manifest('csa', { k: 'v2' })), /csa serverside-applied/);
}

/** Speaks the apply PATCH wire format: 201 on create, 409 Status with causes, 422 and 415. */
async function speaksWireFormat(): Promise<void> {
  const creds = adminCredentials(env.dataDir);
  const path = '/apis/core.gardener.cloud/v1beta1/namespaces/default/internalsecrets/wire';
  const patch = (query: string, type: string, body: string) =>
    supertest(srv().url).patch(`${path}${query}`).ca(creds.ca).cert(creds.cert).key(creds.key).set('Content-Type', type).send(body);
  const yaml = (v: string) => `apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\nmetadata:\n  name: wire\ndata:\n  k: ${b64(v)}\n`;
  const created = await patch('?fieldManager=one', 'application/apply-patch+yaml', yaml('1')).expect(201);
  assert.equal(created.body.metadata.managedFields[0].manager, 'one');
  await patch('?fieldManager=one', 'application/apply-patch+yaml', yaml('1')).expect(200);
  const conflict = await patch('?fieldManager=two', 'application/apply-patch+yaml', yaml('2')).expect(409);
  assert.deepEqual(conflict.body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Apply failed with 1 conflict: conflict with "one": .data.k',
    reason: 'Conflict',
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "one"', field: '.data.k' }] },
    code: 409,
  });
  await patch('?fieldManager=two&force=true', 'application/apply-patch+yaml', yaml('2')).expect(200);
  const noManager = await patch('', 'application/apply-patch+yaml', yaml('3')).expect(422);
  assert.equal(noManager.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const forced = await patch('?force=true', 'application/merge-patch+json', '{}').expect(422);
  assert.equal(forced.body.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  const kindless = await patch('?fieldManager=one', 'application/apply-patch+yaml', 'metadata:\n  name: wire\n').expect(400);
  assert.equal(kindless.body.message, 'invalid object type: /, Kind=');
  const unknown = await patch('', 'application/json', '{}').expect(415);
  assert.match(unknown.body.message, /accepted media types include: .*application\/strategic-merge-patch\+json, application\/apply-patch\+yaml/);
  // A uid names an object that existed: applying it where none exists creates nothing.
  const gone = `${path.replace(/\/wire$/, '')}/gone`;
  const withUid = await supertest(srv().url)
    .patch(`${gone}?fieldManager=one`)
    .ca(creds.ca)
    .cert(creds.cert)
    .key(creds.key)
    .set('Content-Type', 'application/apply-patch+yaml')
    .send('apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\nmetadata:\n  name: gone\n  uid: 0b4f5c3e-7a1d-4e2b-9c8f-1a2b3c4d5e6f\n')
    .expect(409);
  assert.equal(
    withUid.body.message,
    'Operation cannot be fulfilled on internalsecrets.core.gardener.cloud "gone": uid mismatch: the provided object specified uid 0b4f5c3e-7a1d-4e2b-9c8f-1a2b3c4d5e6f, and no existing object was found',
  );
  await supertest(srv().url).get(gone).ca(creds.ca).cert(creds.cert).key(creds.key).expect(404);
  // Field managers: any printable characters (Go's unicode.IsPrint); an empty one is unset.
  const nonAscii = await patch(`?fieldManager=${encodeURIComponent('日本')}&force=true`, 'application/apply-patch+yaml', yaml('4')).expect(200);
  assert.ok(nonAscii.body.metadata.managedFields.some((e: { manager?: string }) => e.manager === '日本'));
  const control = await patch('?fieldManager=a%0Ab', 'application/apply-patch+yaml', yaml('4')).expect(422);
  assert.equal(control.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\nb": invalid character U+000A (at position 1)');
  const empty = await patch('?fieldManager=', 'application/merge-patch+json', '{"metadata":{"labels":{"x":"y"}}}').set('User-Agent', 'curl/8.5.0').expect(200);
  assert.ok(empty.body.metadata.managedFields.every((e: { manager?: string }) => typeof e.manager === 'string' && e.manager !== ''));
  assert.ok(empty.body.metadata.managedFields.some((e: { manager?: string; operation?: string }) => e.manager === 'curl' && e.operation === 'Update'));
}

describe('server-side apply with kubectl (standalone server process)', function () {
  this.timeout(120_000);

  before(async () => {
    env.dataDir = tempDir();
    env.server = await startChild(env.dataDir);
    env.kc = env.server.kubeconfig;
  });

  after(async () => {
    await env.server?.stop();
    rmSync(env.dataDir, { recursive: true, force: true });
  });

  it('creates with --server-side, then applies the same manifest again without a write', createsAndReapplies);
  it('refuses a second manager’s change of a field the first owns, with kube-apiserver’s conflict text', conflictsWithSecondManager);
  it('takes the field over with --force-conflicts and shows both managers', forcesConflicts);
  it('removes what a manager stops applying, keeping what another manager owns', removesOmittedFields);
  it('changes nothing on a server-side dry run', dryRunChangesNothing);
  it('records other writers as Update managers', recordsUpdateManagers);
  it('migrates an object from client-side apply to server-side apply', migratesFromClientSideApply);
  it('speaks the apply PATCH wire format: 201 on create, 409 Status with causes, 422 and 415', speaksWireFormat);
});
