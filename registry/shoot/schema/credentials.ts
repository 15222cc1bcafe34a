/**
 * Schemas (core.gardener.cloud/v1beta1): The credentials part of the status: rotation state of each credential
 * and the encryption at rest in effect. Field names and types follow the upstream API; the descriptions are our
 * own.
 */
import { ref, type Definitions } from '../../../openapi/schema.js';
import { bool, core, list, obj, refTo, str, strList, time } from './helpers.js';

/** A rotation that only records when it last started and completed. */
function simpleRotation(description: string) {
  return obj(description, {
    lastInitiationTime: time('When the last rotation was started.'),
    lastCompletionTime: time('When the last rotation was completed successfully.'),
  });
}

/** A rotation in phases that rolls out the worker pools (certificate authorities, service account key). */
function rotationWithWorkersRollout(description: string) {
  return obj(
    description,
    {
      phase: str(
        'Current phase of the rotation: Preparing, PreparingWithoutWorkersRollout, WaitingForWorkersRollout, Prepared, Completing or Completed.',
      ),
      lastCompletionTime: time('When the last rotation was completed successfully.'),
      lastInitiationTime: time('When the last rotation was started.'),
      lastInitiationFinishedTime: time('When the preparation of the last rotation finished.'),
      lastCompletionTriggeredTime: time('When the completion of the last rotation was requested.'),
      pendingWorkersRollouts: list(ref(core('PendingWorkersRollout')), 'Worker pools that still have to be rolled out for this rotation.'),
    },
    ['phase'],
  );
}

/** Definitions of this area, keyed by upstream definition name. */
export const credentialsDefinitions: Definitions = {
  [core('ShootCredentials')]: obj(
    "State of the cluster's credentials.",
    {
      rotation: refTo(core('ShootCredentialsRotation'), 'State of credential rotations.'),
      encryptionAtRest: refTo(core('EncryptionAtRest'), 'What is currently encrypted at rest.'),
    },
  ),
  [core('ShootCredentialsRotation')]: obj(
    'State of each credential rotation.',
    {
      certificateAuthorities: refTo(core('CARotation'), 'Rotation of the certificate authorities.'),
      sshKeypair: refTo(core('ShootSSHKeypairRotation'), 'Rotation of the SSH key pair.'),
      observability: refTo(core('ObservabilityRotation'), 'Rotation of the observability credentials.'),
      serviceAccountKey: refTo(core('ServiceAccountKeyRotation'), 'Rotation of the service account signing key.'),
      etcdEncryptionKey: refTo(core('ETCDEncryptionKeyRotation'), 'Rotation of the etcd encryption key.'),
    },
  ),
  [core('CARotation')]: rotationWithWorkersRollout("State of the rotation of the cluster's certificate authorities."),
  [core('ShootSSHKeypairRotation')]: simpleRotation('State of the rotation of the SSH key pair.'),
  [core('ObservabilityRotation')]: simpleRotation('State of the rotation of the observability credentials.'),
  [core('ServiceAccountKeyRotation')]: rotationWithWorkersRollout('State of the rotation of the service account signing key.'),
  [core('ETCDEncryptionKeyRotation')]: obj(
    'State of the rotation of the key that encrypts data in etcd.',
    {
      phase: str('Current phase of the rotation: Preparing, Prepared, Completing or Completed.'),
      lastCompletionTime: time('When the last rotation was completed successfully.'),
      lastInitiationTime: time('When the last rotation was started.'),
      lastInitiationFinishedTime: time('When the preparation of the last rotation finished.'),
      lastCompletionTriggeredTime: time('When the completion of the last rotation was requested.'),
      autoCompleteAfterPrepared: bool('Whether the rotation completes on its own once prepared. Deprecated.'),
    },
    ['phase'],
  ),
  [core('PendingWorkersRollout')]: obj(
    'A worker pool that still has to be rolled out.',
    {
      name: str('Name of the worker pool.'),
      lastInitiationTime: time('When the rollout was started.'),
    },
    ['name'],
  ),
  [core('EncryptionAtRest')]: obj(
    'What is encrypted at rest in etcd at present.',
    {
      resources: strList('Resources that are currently encrypted, besides secrets which always are.'),
      provider: refTo(core('EncryptionProviderStatus'), 'The encryption provider currently in use.'),
    },
    ['provider'],
  ),
  [core('EncryptionProviderStatus')]: obj(
    'The encryption provider in use.',
    {
      type: str('Encryption provider currently used: aescbc, aesgcm or secretbox.'),
    },
    ['type'],
  ),
};
