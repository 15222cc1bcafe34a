/**
 * The list of changes go-test/deep reports between two ShootSpecs, as Gardener puts it into the error for
 * spec updates of a Shoot in deletion: Go field paths (`Maintenance.AutoUpdate.KubernetesVersion`,
 * `Provider.Workers.slice[0].Maximum`, `map[key]`) and `new != old`, at most ten entries.
 */
import { isPlainObject } from '../../../apimachinery/types.js';

const MAX_DIFFS = 10;

/** JSON names whose Go field name is not the name with an upper-case first letter. */
const GO_NAMES: Readonly<Record<string, string>> = {
  dns: 'DNS',
  cri: 'CRI',
  etcd: 'ETCD',
  etcdEncryptionKey: 'ETCDEncryptionKey',
  sshKeypair: 'SSHKeypair',
  sshAccess: 'SSHAccess',
  caBundle: 'CABundle',
  ipFamilies: 'IPFamilies',
  tlsMinVersion: 'TLSMinVersion',
  apiAudiences: 'APIAudiences',
  machineControllerManager: 'MachineControllerManagerSettings',
  horizontalPodAutoscaler: 'HorizontalPodAutoscalerConfig',
  podPidsLimit: 'PodPIDsLimit',
  coreDNS: 'CoreDNS',
  nodeLocalDNS: 'NodeLocalDNS',
  cpuCFSQuota: 'CPUCFSQuota',
  kubeAPIServer: 'KubeAPIServer',
  cloudProfile: 'CloudProfile',
};

/** Fields of Go map type: their entries print as `map[key]`. */
const MAP_FIELDS: ReadonlySet<string> = new Set(['featureGates', 'labels', 'annotations', 'sysctls', 'runtimeConfig', 'matchLabels', 'options', 'minAllowed', 'maxAllowed', 'config']);

function goName(key: string): string {
  return GO_NAMES[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/** Go's `%v` of a JSON value. */
function goValue(v: unknown): string {
  if (v === undefined || v === null) return '<nil pointer>';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  return `{${Object.values(v as Record<string, unknown>).map(goValue).join(' ')}}`;
}

function walk(a: unknown, b: unknown, at: string, out: string[], isMap = false): void {
  if (out.length >= MAX_DIFFS) return;
  const prefix = at === '' ? '' : `${at}: `;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const name = isMap ? `map[${k}]` : goName(k);
      walk(a[k], b[k], at === '' ? name : `${at}.${name}`, out, !isMap && MAP_FIELDS.has(k));
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => walk(x, b[i], `${at}.slice[${i}]`, out));
    return;
  }
  if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) out.push(`${prefix}${goValue(a)} != ${goValue(b)}`);
}

/** The differences from `prev` to `next`, each `path: new != old`. */
export function specDiff(next: unknown, prev: unknown): string[] {
  const out: string[] = [];
  walk(next, prev, '', out);
  return out;
}
