/**
 * Test helpers for the Shoot and Garden registries: object builders and the upstream example manifests,
 * with the Shoot example's commented-out fields switched on.
 */
import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../apimachinery/types.js';
import type { RequestContext } from '../../../registry/types.js';
import { sharedPath } from '../shared.js';

export const EXAMPLES = sharedPath('examples', 'gardener');

/** A request context for strategy calls. */
export const testContext: RequestContext = { user: { name: 'tester', groups: [] }, namespace: 'garden-dev', dryRun: false, warnings: [] };

/** A commented-out `key:` or `- item` line (prose comments do not look like that). */
const COMMENTED_FIELD = /^(\s*)# ((?:\s*)(?:- |[A-Za-z][\w.\-/]*:(?: |$)))/;
/** Remarks written after values in the example, which would otherwise become part of the value. */
const TRAILING_REMARK = / \((?:only relevant|i\.e\.)[^)]*\)\s*$/;

const indentOf = (line: string): number => line.length - line.trimStart().length;

/**
 * Switches on the commented-out fields of an example: `# key: value` becomes `  key: value`. Where the
 * example puts the `#` in the key's own column, the line is moved back by two so that it stays a sibling.
 */
export function uncommentExample(text: string): string {
  const out: string[] = [];
  let prev = '';
  for (const line of text.split('\n')) {
    if (!COMMENTED_FIELD.test(line)) {
      out.push(line);
      if (line.trim() !== '' && !line.trimStart().startsWith('#')) prev = line;
      continue;
    }
    let l = line.replace(/^(\s*)# /, '$1  ').replace(TRAILING_REMARK, '');
    const contentCol = indentOf(prev) + (prev.trimStart().startsWith('- ') ? 2 : 0);
    if (indentOf(l) > contentCol && !prev.replace(/\s+#.*$/, '').endsWith(':')) l = l.slice(2);
    out.push(l);
    prev = l;
  }
  return out.join('\n');
}

/** The Shoot example exactly as the file has it (placeholders included), optionally with its commented fields. */
export function rawExampleShoot(enableCommented = false): KubeObject {
  const text = readFileSync(`${EXAMPLES}/90-shoot.yaml`, 'utf8');
  return parse(enableCommented ? uncommentExample(text) : text) as KubeObject;
}

/**
 * Values for the example's `<...>` placeholders, which gardener-apiserver rejects as they stand (a
 * provider and networking type must be DNS labels), and the Kubernetes version that its ShootMutator
 * admission would take from the CloudProfile.
 */
export const EXAMPLE_PLACEHOLDERS: Readonly<Record<string, unknown>> = {
  'spec.provider.type': 'local',
  'spec.networking.type': 'calico',
  'spec.kubernetes.version': '1.33.0',
};

/**
 * Where the example's commented fields, all switched on at once, contradict each other or Kubernetes
 * 1.36 (the version they name): a value to set, or `undefined` to drop the field. The worker pool's
 * `controlPlane` would make the Shoot self-hosted, which only the `garden` namespace may be.
 */
const COMMENTED_FIELD_FIXES: ReadonlyArray<[string, unknown]> = [
  ['spec.kubernetes.version', '1.36.0'],
  ['spec.provider.workers.0.controlPlane', undefined],
  ['spec.provider.workers.0.kubernetes.version', undefined],
  ['spec.provider.workers.0.kubernetes.kubelet.podPidsLimit', 100],
  ['spec.provider.workers.0.machineControllerManager.inPlaceUpdateTimeout', undefined],
  ['spec.provider.workers.0.machineControllerManager.disableHealthTimeout', undefined],
  ['spec.provider.workers.0.kubernetes.kubelet.featureGates', undefined],
  ['spec.provider.workers.0.kubernetes.kubelet.memorySwap', undefined],
  ['spec.provider.workers.0.kubernetes.kubelet.imagePullCredentialsVerificationPolicy', 'NeverVerifyAllowlistedImages'],
  ['spec.provider.workers.0.caBundle', undefined],
  ['spec.provider.workers.0.machine.architecture', 'amd64'],
  ['spec.provider.workers.0.updateStrategy', 'AutoRollingUpdate'],
  ['spec.dns.providers.0.secretName', undefined],
  ['spec.kubernetes.kubeAPIServer.enableAnonymousAuthentication', undefined],
  ['spec.kubernetes.kubeAPIServer.admissionPlugins.0.kubeconfigSecretName', undefined],
  ['spec.kubernetes.kubeAPIServer.runtimeConfig', undefined],
  ['spec.kubernetes.kubeAPIServer.serviceAccountConfig.issuer', 'https://issuer.example.com'],
  ['spec.kubernetes.kubeAPIServer.serviceAccountConfig.acceptedIssuers', ['https://issuer1.example.com', 'https://issuer2.example.com']],
  ['spec.kubernetes.kubeAPIServer.featureGates', undefined],
  // `45d` is no Go duration: gardener-apiserver refuses it.
  ['spec.kubernetes.kubeAPIServer.serviceAccountConfig.maxTokenExpiration', '1080h'],
  ['spec.kubernetes.kubeControllerManager.nodeCIDRMaskSizeIPv6', undefined],
  ['spec.kubernetes.kubeControllerManager.podEvictionTimeout', undefined],
  ['spec.kubernetes.kubeControllerManager.featureGates', undefined],
  ['spec.kubernetes.kubeScheduler.featureGates', undefined],
  ['spec.kubernetes.kubeProxy.featureGates', undefined],
  ['spec.kubernetes.kubelet.podPidsLimit', 100],
  ['spec.kubernetes.kubelet.featureGates', undefined],
  ['spec.kubernetes.kubelet.memorySwap', undefined],
  ['spec.kubernetes.kubelet.imagePullCredentialsVerificationPolicy', 'NeverVerifyAllowlistedImages'],
  ['spec.kubernetes.clusterAutoscaler.maxEmptyBulkDelete', undefined],
  ['spec.kubernetes.verticalPodAutoscaler.featureGates', undefined],
  ['spec.tolerations.0.key', 'example.com/dedicated'],
  ['spec.exposureClassName', 'internet'],
];

/**
 * The Shoot example as a user would apply it to gardener-apiserver: placeholders filled in
 * ({@link EXAMPLE_PLACEHOLDERS}); with `enableCommented`, the commented fields switched on and made
 * consistent ({@link COMMENTED_FIELD_FIXES}). Valid under full Shoot validation.
 */
export function exampleShoot(enableCommented = false): KubeObject {
  const shoot = rawExampleShoot(enableCommented);
  for (const [path, value] of Object.entries(EXAMPLE_PLACEHOLDERS)) setAt(shoot, path, value);
  if (enableCommented) for (const [path, value] of COMMENTED_FIELD_FIXES) setAt(shoot, path, value);
  return shoot;
}

/** The Garden of the Garden example (the file also holds Secrets). */
export function exampleGarden(): KubeObject {
  const docs = parseAllDocuments(readFileSync(`${EXAMPLES}/operator/20-garden.yaml`, 'utf8')).map((d) => d.toJS() as KubeObject | null);
  const garden = docs.find((d) => d?.kind === 'Garden');
  if (garden === undefined || garden === null) throw new Error('no Garden in the example');
  return garden;
}

/** A minimal (workerless) valid Shoot with the given spec/status merged in (deep enough for the tests). */
export function makeShoot(spec: Record<string, unknown> = {}, status?: Record<string, unknown>, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  const obj: KubeObject = {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: { name: 'crazy-botany', namespace: 'garden-dev', ...meta },
    spec: { cloudProfile: { kind: 'CloudProfile', name: 'cloudprofile1' }, region: 'europe-central-1', provider: { type: 'local' }, kubernetes: { version: '1.33.0' }, ...spec },
  };
  if (status !== undefined) obj.status = status;
  return obj;
}

/** A valid worker pool (the shape of the example's). */
export const WORKER: Readonly<Record<string, unknown>> = {
  name: 'cpu-worker',
  minimum: 2,
  maximum: 3,
  machine: { type: 'm5.large', image: { name: 'gardenlinux', version: '1877.0.0' } },
  volume: { type: 'gp2', size: '20Gi' },
};

/** Spec fragment of a Shoot with worker nodes: the pool, a networking type and a credentials binding. */
export function workerSpec(workers: unknown[] = [WORKER]): Record<string, unknown> {
  return { provider: { type: 'local', workers: structuredClone(workers) }, networking: { type: 'calico' }, credentialsBindingName: 'my-provider-account' };
}

/** Spec fragment with an encryption configuration. */
export function encryptionSpec(resources: string[] | undefined, provider?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const config: Record<string, unknown> = { provider: provider === undefined ? {} : { type: provider } };
  if (resources !== undefined) config.resources = resources;
  return { kubernetes: { version: '1.33.0', kubeAPIServer: { encryptionConfig: config } }, ...extra };
}

/** Status fragment with the encryption at rest in effect, a rotation phase and a last operation. */
export function encryptionStatus(resources: string[] | undefined, provider = 'aescbc', phase = '', lastOperation = { type: 'Reconcile', state: 'Succeeded', progress: 100 }): Record<string, unknown> {
  const credentials: Record<string, unknown> = { encryptionAtRest: { provider: { type: provider }, ...(resources === undefined ? {} : { resources }) } };
  if (phase !== '') credentials.rotation = { etcdEncryptionKey: { phase } };
  return { credentials, lastOperation };
}

/** The value at a dotted path (`spec.provider.workers.0.name`), undefined when any step is missing. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Sets the value at a dotted path, creating objects on the way; `undefined` deletes it. */
export function setAt(obj: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let cur = obj as Record<string, unknown>;
  for (const key of keys) {
    const next = cur[key];
    if (typeof next !== 'object' || next === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}
