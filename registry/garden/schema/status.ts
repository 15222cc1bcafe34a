/**
 * Schema of the Garden kind (operator.gardener.cloud/v1alpha1): the status. Field names and types follow the
 * upstream CRD; the descriptions are our own.
 */
import { ref, type Schema } from '../../../openapi/schema.js';
import { core, int64, list, refTo, str, time } from '../../shoot/schema/helpers.js';
import { obj } from './helpers.js';

/** `status.advertisedAddresses[]` */
const advertisedAddressesItemSchema: Schema = obj(
  'A server address.',
  {
    name: str('Name of the address, e.g. virtual-garden or discovery-server.'),
    url: str('URL of the server.'),
  },
  ['name', 'url'],
);

/** `status.credentials.rotation.workloadIdentityKey` */
const workloadIdentityKeySchema: Schema = obj(
  'Rotation of the workload identity signing key.',
  {
    lastCompletionTime: time('When the last rotation was completed successfully.'),
    lastCompletionTriggeredTime: time('When the completion of the last rotation was requested.'),
    lastInitiationFinishedTime: time('When the preparation of the last rotation finished.'),
    lastInitiationTime: time('When the last rotation was started.'),
    phase: str('Current phase of the rotation.'),
  },
  ['phase'],
);

/** `status.credentials.rotation` */
const rotationSchema: Schema = obj(
  'State of credential rotations.',
  {
    certificateAuthorities: refTo(core('CARotation'), 'Rotation of the certificate authorities.'),
    etcdEncryptionKey: refTo(core('ETCDEncryptionKeyRotation'), 'Rotation of the etcd encryption keys.'),
    observability: refTo(core('ObservabilityRotation'), 'Rotation of the observability credentials.'),
    serviceAccountKey: refTo(core('ServiceAccountKeyRotation'), 'Rotation of the service account signing key.'),
    workloadIdentityKey: workloadIdentityKeySchema,
  },
);

/** `status.credentials` */
const credentialsSchema: Schema = obj(
  "State of the virtual cluster's credentials.",
  {
    encryptionAtRest: refTo(
      core('EncryptionAtRest'),
      'What is currently encrypted at rest, for kube-apiserver and gardener-apiserver together.',
    ),
    rotation: rotationSchema,
  },
);

/** `status` */
export const gardenStatusSchema: Schema = obj(
  'Observed state of the garden, written by gardener-operator.',
  {
    advertisedAddresses: list(
      advertisedAddressesItemSchema,
      "Addresses of the garden's servers, such as the virtual cluster's API server.",
    ),
    conditions: list(ref(core('Condition')), "Current observations about the garden's health."),
    credentials: credentialsSchema,
    gardener: refTo(core('Gardener'), 'The Gardener instance that last acted on the garden.'),
    lastOperation: refTo(core('LastOperation'), 'The last operation and its progress.'),
    observedGeneration: int64('Latest metadata.generation gardener-operator has acted on.'),
  },
);
