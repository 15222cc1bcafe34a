/**
 * Garden defaults: gardener-operator's defaulting webhook, and the defaults of the Garden CRD's schema.
 *
 * The webhook (pkg/operator/webhook/defaulting/garden at b312835d17) decodes the Garden into Go structs,
 * defaults and encodes it again: the runtime cluster's IP families default to `[IPv4]`; the virtual
 * kube-apiserver gets Shoot's kube-apiserver defaults (400/200 in-flight requests, an event TTL of
 * `1h0m0s`, log verbosity 2, encryption provider aescbc); the kube-controller-manager section exists;
 * gardener-apiserver's encryption configuration is created when missing with the kube-apiserver's
 * provider. Durations and quantities come back in Go's canonical form (`1h` → `1h0m0s`, `1024Mi` →
 * `1Gi`); one Go cannot read fails the webhook's decoding, which kube-apiserver reports before it
 * checks the schema (mutating admission runs first): 400 `admission webhook
 * "garden-defaulting.operator.gardener.cloud" denied the request: time: invalid duration "abc"`.
 */
import { webhookDenied } from '../../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { applyCrdDefaults, compileCrdRules, type CrdRuleTree } from '../generic/crd-rules.js';
import { DEFAULT_ENCRYPTION_PROVIDER } from '../encryptionconfig/types.js';
import { normalizeDurations } from '../shoot/decode.js';
import { gardenDefinitions, gardenSchema, KIND } from './schema/index.js';
import { GARDENER_APISERVER_ENCRYPTION_PATH, KUBE_APISERVER_ENCRYPTION_PATH } from './types.js';

/** gardener-operator's mutating webhook for Gardens. */
const DEFAULTING_WEBHOOK = 'garden-defaulting.operator.gardener.cloud';

/** The constraints of the Garden schema (the CRD's), compiled once. */
export const GARDEN_RULES: CrdRuleTree = compileCrdRules(gardenSchema, gardenDefinitions);

/** The object at the end of `path` below `obj`, creating (or replacing null) along the way. */
function ensure(obj: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let cur = obj;
  for (const key of path) {
    const next = cur[key];
    if (isPlainObject(next)) cur = next;
    else {
      const created: Record<string, unknown> = {};
      cur[key] = created;
      cur = created;
    }
  }
  return cur;
}

/** Sets `obj[key]` when it is unset (absent or null). */
function setDefault(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** The webhook's defaults, then the CRD's defaults again (kube-apiserver defaults after mutating webhooks). */
export function applyGardenDefaults(garden: KubeObject): void {
  applyWebhookDefaults(garden);
  applyCrdDefaults(garden, GARDEN_RULES);
}

function applyWebhookDefaults(garden: KubeObject): void {
  // controller-runtime answers a body it cannot decode with admission.Errored(400, err).
  normalizeDurations(garden.spec, gardenSchema.properties?.spec ?? {}, gardenDefinitions, KIND, (why) => webhookDenied(DEFAULTING_WEBHOOK, 400, why));
  const networking = ensure(garden, ['spec', 'runtimeCluster', 'networking']);
  if (!Array.isArray(networking.ipFamilies) || networking.ipFamilies.length === 0) networking.ipFamilies = ['IPv4'];
  const kubeAPIServer = ensure(garden, ['spec', 'virtualCluster', 'kubernetes', 'kubeAPIServer']);
  const requests = ensure(kubeAPIServer, ['requests']);
  setDefault(requests, 'maxNonMutatingInflight', 400);
  setDefault(requests, 'maxMutatingInflight', 200);
  setDefault(kubeAPIServer, 'eventTTL', '1h0m0s');
  setDefault(ensure(kubeAPIServer, ['logging']), 'verbosity', 2);
  ensure(garden, ['spec', 'virtualCluster', 'kubernetes', 'kubeControllerManager']);
  const kubeProvider = ensure(garden, [...KUBE_APISERVER_ENCRYPTION_PATH, 'provider']);
  if (typeof kubeProvider.type !== 'string') kubeProvider.type = DEFAULT_ENCRYPTION_PROVIDER;
  const gardenerProvider = ensure(garden, [...GARDENER_APISERVER_ENCRYPTION_PATH, 'provider']);
  if (typeof gardenerProvider.type !== 'string') gardenerProvider.type = kubeProvider.type;
}
