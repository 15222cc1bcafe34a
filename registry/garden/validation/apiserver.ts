/**
 * gardener-operator's rules on `spec.virtualCluster.gardener.gardenerAPIServer` beyond encryption:
 * `shootAdminKubeconfigMaxExpiration` between 1h and 2^32 seconds.
 */
import { parseDuration } from '../../../apimachinery/duration.js';
import { FieldPath, fieldErr, Printed, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';

const apiServerPath = FieldPath.of('spec', 'virtualCluster', 'gardener', 'gardenerAPIServer');
const HOUR_NS = 3600n * 1_000_000_000n;
const MAX_NS = (1n << 32n) * 1_000_000_000n;

/** The gardener-apiserver settings of a Garden that gardener-operator validates here. */
export function validateGardenerAPIServerConfig(garden: KubeObject): FieldError[] {
  const config = (garden.spec as { virtualCluster?: { gardener?: { gardenerAPIServer?: { shootAdminKubeconfigMaxExpiration?: unknown } } } } | undefined)
    ?.virtualCluster?.gardener?.gardenerAPIServer;
  const value = config?.shootAdminKubeconfigMaxExpiration;
  if (typeof value !== 'string') return [];
  let ns: bigint;
  try {
    ns = parseDuration(value);
  } catch {
    return []; // not a duration: the schema refuses it
  }
  if (ns >= HOUR_NS && ns <= MAX_NS) return [];
  return [fieldErr.invalid(apiServerPath.child('shootAdminKubeconfigMaxExpiration'), new Printed(ns.toString()), 'must be between 1h and 2^32 seconds')];
}
