/**
 * What each Garden operation requires of the garden's state: not being deleted, the rotation phases
 * (start needs Completed or none, complete needs Prepared), and for etcd key and full credentials
 * rotations an encryption status that matches the configuration.
 */
import { fieldErr, type FieldError, type FieldPath } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { rotationInProgress } from '../../encryptionconfig/rotation.js';
import { RotationPhase } from '../../encryptionconfig/types.js';
import { versionLessThan } from '../../shoot/validation/version.js';
import { encryptionRolledOut, gardenRotationPhase, virtualKubernetesVersion } from '../types.js';

const ROLLOUT_SUFFIX = ' because a previous encryption configuration change is currently being rolled out';

type Check = (garden: KubeObject) => string | undefined;

const deleting = (verb: string, what: string): Check => (g) =>
  g.metadata.deletionTimestamp !== undefined ? `cannot ${verb} ${what} if garden has deletion timestamp` : undefined;
const notCompleted = (what: string, rotation: string): Check => (g) =>
  rotationInProgress(gardenRotationPhase(g, rotation)) ? `cannot start ${what} if .status.credentials.rotation.${rotation}.phase is not 'Completed'` : undefined;
const notPrepared = (what: string, rotation: string): Check => (g) =>
  gardenRotationPhase(g, rotation) !== RotationPhase.Prepared ? `cannot complete ${what} if .status.credentials.rotation.${rotation}.phase is not 'Prepared'` : undefined;
const rollingOut = (what: string): Check => (g) => (encryptionRolledOut(g) ? undefined : `cannot start ${what}${ROLLOUT_SUFFIX}`);
const below134 = (check: Check): Check => (g) => (versionLessThan(virtualKubernetesVersion(g), 1, 34) ? check(g) : undefined);

const ALL = 'rotation of all credentials';
const CA = 'CA rotation';
const SA = 'service account key rotation';
const ETCD = 'ETCD encryption key rotation';
const WI = 'workload identity key rotation';
const ROTATIONS = ['certificateAuthorities', 'serviceAccountKey', 'etcdEncryptionKey', 'workloadIdentityKey'];

const CHECKS: Readonly<Record<string, readonly Check[]>> = {
  'rotate-credentials-start': [deleting('start', ALL), ...ROTATIONS.map((r) => notCompleted(ALL, r)), rollingOut(ALL)],
  'rotate-credentials-complete': [
    deleting('complete', ALL),
    notPrepared(ALL, 'certificateAuthorities'),
    notPrepared(ALL, 'serviceAccountKey'),
    below134(notPrepared(ALL, 'etcdEncryptionKey')),
    notPrepared(ALL, 'workloadIdentityKey'),
  ],
  'rotate-ca-start': [deleting('start', CA), notCompleted(CA, 'certificateAuthorities')],
  'rotate-ca-complete': [deleting('complete', CA), notPrepared(CA, 'certificateAuthorities')],
  'rotate-serviceaccount-key-start': [deleting('start', SA), notCompleted(SA, 'serviceAccountKey')],
  'rotate-serviceaccount-key-complete': [deleting('complete', SA), notPrepared(SA, 'serviceAccountKey')],
  'rotate-etcd-encryption-key': [deleting('start', ETCD), notCompleted(ETCD, 'etcdEncryptionKey'), rollingOut(ETCD)],
  'rotate-etcd-encryption-key-start': [deleting('start', ETCD), notCompleted(ETCD, 'etcdEncryptionKey'), rollingOut(ETCD)],
  'rotate-etcd-encryption-key-complete': [deleting('complete', ETCD), notPrepared(ETCD, 'etcdEncryptionKey')],
  'rotate-observability-credentials': [deleting('start', 'Observability credentials rotation')],
  'rotate-workload-identity-key-start': [deleting('start', WI), notCompleted(WI, 'workloadIdentityKey')],
  'rotate-workload-identity-key-complete': [deleting('complete', WI), notPrepared(WI, 'workloadIdentityKey')],
};

/** The context rules of one operation, reported at `path`. */
export function validateGardenOperationContext(op: string, garden: KubeObject, path: FieldPath): FieldError[] {
  return (CHECKS[op] ?? []).flatMap((check) => {
    const detail = check(garden);
    return detail === undefined ? [] : [fieldErr.forbidden(path, detail)];
  });
}
