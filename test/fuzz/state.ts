/**
 * The known state the fuzz run starts from (InternalSecrets with data, Shoots with status, a Garden,
 * and what the kubeconfig subresources need), and snapshots of everything stored, to prove afterwards
 * that no hostile request changed, added or removed anything.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCA, type CertKeyPair } from '../../apiserver/standalone/pki.js';
import { exampleGarden } from '../support/shoot/fixtures.js';
import type { adminClient } from '../support/client.js';
import { projectFor } from '../support/projects.js';

type Client = ReturnType<typeof adminClient>;

/** A served resource as the fuzzer addresses it. */
export interface FuzzResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  subresources: readonly string[];
}

/** The served resources. */
export const RESOURCES: readonly FuzzResource[] = [
  { group: 'core.gardener.cloud', version: 'v1beta1', resource: 'internalsecrets', kind: 'InternalSecret', namespaced: true, subresources: [] },
  { group: 'core.gardener.cloud', version: 'v1beta1', resource: 'shoots', kind: 'Shoot', namespaced: true, subresources: ['status', 'adminkubeconfig', 'viewerkubeconfig'] },
  { group: 'operator.gardener.cloud', version: 'v1alpha1', resource: 'gardens', kind: 'Garden', namespaced: false, subresources: ['status'] },
  { group: 'core.gardener.cloud', version: 'v1beta1', resource: 'projects', kind: 'Project', namespaced: false, subresources: ['status'] },
];

/** One stored object of the snapshot. */
export interface KnownObject {
  resource: FuzzResource;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  body: Record<string, unknown>;
}

/** Everything stored, as the admin sees it. */
export interface Snapshot {
  /** `<resource>/<namespace>/<name>` -> the object's JSON. */
  objects: Map<string, string>;
  /** List resourceVersion per resource (the storage revision; unchanged unless something was written). */
  listRVs: Map<string, string>;
  known: KnownObject[];
}

/** Namespaces the known state lives in. */
export const NAMESPACES = ['garden-fuzz-a', 'garden-fuzz-b'] as const;
/** The Shoot the kubeconfig subresources can issue for. */
export const KUBECONFIG_SHOOT = { namespace: 'garden-fuzz-a', name: 'shoot-1' } as const;

/** Collection path of a resource (all namespaces when `namespace` is undefined). */
export function collectionPath(r: FuzzResource, namespace?: string): string {
  const ns = r.namespaced && namespace !== undefined ? `/namespaces/${namespace}` : '';
  return `/apis/${r.group}/${r.version}${ns}/${r.resource}`;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * Writes the standalone cluster CA source for the kubeconfig Shoot into `dataDir` (before the server
 * starts) and returns the CAs the state needs.
 */
export function prepareDataDir(dataDir: string): { clusterCA: CertKeyPair; clientCA: CertKeyPair } {
  const clusterCA = createCA('fuzz-cluster-ca');
  const clientCA = createCA('fuzz-client-ca');
  const caDir = join(dataDir, 'cluster-ca');
  mkdirSync(caDir, { recursive: true });
  const { namespace, name } = KUBECONFIG_SHOOT;
  writeFileSync(
    join(caDir, 'ca-cluster.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}.ca-cluster\n  namespace: ${namespace}\ndata:\n  ca.crt: |\n${clusterCA.cert.replace(/^/gm, '    ')}\n`,
  );
  return { clusterCA, clientCA };
}

/** Sends a request as the admin and insists on `expected`. */
async function must(c: Client, method: string, path: string, body: unknown, expected: number, contentType?: string): Promise<Record<string, unknown>> {
  const r = await c.send(method, path, body, contentType);
  assert.equal(r.status, expected, `${method} ${path}: ${JSON.stringify(r.body)}`);
  return r.body as Record<string, unknown>;
}

/** Creates the known state through the API as the admin. */
export async function createKnownState(c: Client, clientCA: CertKeyPair): Promise<void> {
  const secrets = RESOURCES[0] as FuzzResource;
  const shoots = RESOURCES[1] as FuzzResource;
  const gardens = RESOURCES[2] as FuzzResource;
  const [nsA, nsB] = NAMESPACES;
  for (const ns of NAMESPACES) await must(c, 'POST', collectionPath(RESOURCES[3] as FuzzResource), projectFor(ns), 201);
  await must(c, 'POST', collectionPath(secrets, nsA), { metadata: { name: 'secret-1', labels: { app: 'fuzz', tier: 'a' }, annotations: { note: 'keep me' } }, type: 'Opaque', data: { username: b64('admin'), password: b64('s3cr3t') } }, 201);
  await must(c, 'POST', collectionPath(secrets, nsA), { metadata: { name: 'secret-2', labels: { app: 'fuzz' } }, stringData: { token: 'abc.def', 'config.yaml': 'a: 1\n' } }, 201);
  await must(c, 'POST', collectionPath(secrets, nsB), { metadata: { name: 'secret-3', labels: { app: 'other', 'example.com/role': 'x' } }, type: 'Opaque', data: { blob: b64('x'.repeat(4096)) }, immutable: true }, 201);
  const { namespace, name } = KUBECONFIG_SHOOT;
  await must(
    c,
    'POST',
    collectionPath(secrets, namespace),
    { metadata: { name: `${name}.ca-client`, labels: { 'gardener.cloud/role': 'ca-client' } }, type: 'Opaque', data: { 'ca.crt': b64(clientCA.cert), 'ca.key': b64(clientCA.key) } },
    201,
  );
  const spec = { cloudProfileName: 'aws', region: 'eu-west-1', provider: { type: 'aws' }, kubernetes: { version: '1.32.0' }, seedName: 'seed-a' };
  await must(c, 'POST', collectionPath(shoots, namespace), { metadata: { name, labels: { app: 'fuzz' } }, spec }, 201);
  const addresses = [{ name: 'external', url: 'https://127.0.0.1:6443' }, { name: 'internal', url: 'https://api.internal.example.com' }];
  await must(c, 'PATCH', `${collectionPath(shoots, namespace)}/${name}/status`, { status: { advertisedAddresses: addresses, technicalID: `shoot--${namespace}--${name}`, lastOperation: { type: 'Create', state: 'Succeeded', progress: 100, description: 'done', lastUpdateTime: '2025-01-01T00:00:00Z' } } }, 200, 'application/merge-patch+json');
  await must(c, 'POST', collectionPath(shoots, nsB), { metadata: { name: 'shoot-2', annotations: { 'confirmation.gardener.cloud/deletion': 'true' } }, spec: { ...spec, seedName: undefined } }, 201);
  const garden = exampleGarden();
  await must(c, 'POST', collectionPath(gardens), garden, 201);
}

/** Lists every resource cluster-wide as the admin and records each object and the list revision. */
export async function takeSnapshot(c: Client): Promise<Snapshot> {
  const objects = new Map<string, string>();
  const listRVs = new Map<string, string>();
  const known: KnownObject[] = [];
  for (const r of RESOURCES) {
    const list = await must(c, 'GET', collectionPath(r), undefined, 200);
    const meta = list.metadata as { resourceVersion?: string } | undefined;
    listRVs.set(r.resource, meta?.resourceVersion ?? '');
    for (const item of list.items as Record<string, unknown>[]) {
      const m = item.metadata as { name: string; namespace?: string; uid: string; resourceVersion: string };
      objects.set(`${r.resource}/${m.namespace ?? ''}/${m.name}`, JSON.stringify(item));
      known.push({ resource: r, namespace: m.namespace ?? '', name: m.name, uid: m.uid, resourceVersion: m.resourceVersion, body: item });
    }
  }
  return { objects, listRVs, known };
}

/**
 * Differences between two snapshots, one line each (empty: identical). `revisions: false` leaves
 * the list resourceVersions out (on etcd they move with writes outside the served resources).
 */
export function diffSnapshots(before: Snapshot, after: Snapshot, opts: { revisions?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const [key, json] of before.objects) {
    const now = after.objects.get(key);
    if (now === undefined) out.push(`removed: ${key}`);
    else if (now !== json) out.push(`changed: ${key}\n  before: ${json.slice(0, 400)}\n  after:  ${now.slice(0, 400)}`);
  }
  for (const key of after.objects.keys()) if (!before.objects.has(key)) out.push(`added: ${key}: ${after.objects.get(key)?.slice(0, 400) ?? ''}`);
  if (opts.revisions === false) return out;
  for (const [res, rv] of before.listRVs) {
    const now = after.listRVs.get(res);
    if (now !== rv) out.push(`storage revision moved for ${res}: ${rv} -> ${now ?? '?'} (something was written)`);
  }
  return out;
}
