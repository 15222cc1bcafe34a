/**
 * Shoot validation in Gardener's order (pkg/api/core/validation/shoot.go at b312835d17): ValidateShoot
 * (metadata, operations, spec, high availability) and the create-only rules of the strategy for a new
 * Shoot; ValidateShootUpdate for the main resource; ValidateShootStatusUpdate for `shoots/status`.
 *
 * Checks that need objects this server does not hold (CloudProfiles, Seeds, Projects, SecretBindings,
 * CredentialsBindings, ExposureClasses, the garden's Secrets and ConfigMaps) belong to admission in
 * Gardener; see {@link SHOOT_REFERENCE_CHECKS_NOT_SERVED} and the ShootReferenceChecks seam of ShootValidator (admission/types.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import { FieldPath, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { validateForceDeletion, validateInPlaceUpdates, validateInPlaceUpdateStrategyOnCreation, validateNodeLocalDNSUpdate } from './changes.js';
import { addonEnabled } from './components.js';
import { validateShootHAConfig, validateShootHAConfigUpdate } from './controlplane.js';
import { etcdKeyAutoRotationEnabled, validateHibernationUpdate, validateShootEncryptionConfigUpdate } from './encryption.js';
import { validateShootCreation, validateShootMetadata, validateShootMetadataUpdate } from './metadata.js';
import { validateShootOperations } from './operations.js';
import { child, path as at } from './read.js';
import { validateShootSpec, type ShootSpecOptions } from './spec.js';
import { DEFAULT_FEATURE_GATES, validateShootSpecUpdate, type ShootFeatureGates } from './specupdate.js';
import { validateShootStatusUpdate } from './status.js';

export { DEFAULT_FEATURE_GATES, type ShootFeatureGates } from './specupdate.js';

/**
 * Upstream checks that need objects the server does not serve, by the admission plugin that runs them in
 * gardener-apiserver (listed in the README).
 */
export const SHOOT_REFERENCE_CHECKS_NOT_SERVED: Readonly<Record<string, string>> = {
  ShootMutator: 'defaults the Kubernetes version and machine images from the CloudProfile',
  ShootValidator:
    'CloudProfile constraints (Kubernetes versions, machine types and images, volumes, regions, zones, access restrictions), seed networks and selector, DNS domain uniqueness, admission plugin kubeconfig Secrets',
  ShootDNS: 'default domain from the garden DNS Secrets',
  ShootQuotaValidator: 'Quota limits of the SecretBinding/CredentialsBinding',
  ShootExposureClass: 'ExposureClass existence and its seed selector and tolerations',
  ShootTolerationRestriction: 'tolerations allowed by the Project and the global allowlist',
  ShootResourceReservation: 'kubelet resource reservations from the CloudProfile machine types',
  ShootNodeLocalDNSEnabledByDefault: 'landscape default for node-local DNS',
  CustomVerbAuthorizer: 'RBAC verbs for modifying addons, DNS and Kubernetes version',
};

/** What the spec rules need to know about the write. */
function specOptions(shoot: KubeObject, old: KubeObject | undefined, gates: ShootFeatureGates): ShootSpecOptions {
  const saNew = at(shoot.spec, 'kubernetes', 'kubeAPIServer', 'serviceAccountConfig');
  const saOld = old === undefined ? undefined : at(old.spec, 'kubernetes', 'kubeAPIServer', 'serviceAccountConfig');
  const sameIssuers = saNew !== undefined && saOld !== undefined && isDeepStrictEqual(saNew.acceptedIssuers ?? [], saOld.acceptedIssuers ?? []);
  return {
    kubeAPIServer: { allowInvalidAcceptedIssuers: sameIssuers, autoRotationEnabled: etcdKeyAutoRotationEnabled(shoot), skipAESGCMAutoRotationCheck: false },
    allowNginxIngress: !gates.DisableNginxIngressInShoot || addonEnabled(old === undefined ? undefined : child(old.spec, 'addons'), 'nginxIngress'),
  };
}

/** Gardener's ValidateShootWithOpts: metadata, operations, spec and the failure tolerance type. */
function validateShootWithOpts(shoot: KubeObject, opts: ShootSpecOptions): FieldError[] {
  return [...validateShootMetadata(shoot), ...validateShootOperations(shoot), ...validateShootSpec(shoot, opts), ...validateShootHAConfig(shoot)];
}

/** Gardener's ValidateShoot for a Shoot as it is. */
export function validateShootObject(shoot: KubeObject, gates: ShootFeatureGates = DEFAULT_FEATURE_GATES): FieldError[] {
  return validateShootWithOpts(shoot, specOptions(shoot, undefined, gates));
}

/** Create: ValidateShoot, then the strategy's create rules (force deletion, finalizers, in-place strategies). */
export function validateShoot(shoot: KubeObject, gates: ShootFeatureGates = DEFAULT_FEATURE_GATES): FieldError[] {
  return [
    ...validateShootObject(shoot, gates),
    ...validateForceDeletion(shoot, undefined),
    ...validateShootCreation(shoot),
    ...validateInPlaceUpdateStrategyOnCreation(shoot, gates),
  ];
}

/** Gardener's ValidateShootUpdate for the main resource. */
export function validateShootUpdate(shoot: KubeObject, old: KubeObject, gates: ShootFeatureGates = DEFAULT_FEATURE_GATES): FieldError[] {
  const spec = child(shoot, 'spec') ?? {};
  const oldSpec = child(old, 'spec') ?? {};
  return [
    ...validateShootMetadataUpdate(shoot, old),
    ...validateShootSpecUpdate(shoot, old, gates),
    ...validateShootEncryptionConfigUpdate(shoot, old),
    ...validateShootWithOpts(shoot, specOptions(shoot, old, gates)),
    ...validateShootHAConfigUpdate(shoot, old),
    ...validateHibernationUpdate(shoot, old),
    ...validateForceDeletion(shoot, old),
    ...validateNodeLocalDNSUpdate(spec, oldSpec, FieldPath.of('spec')),
    ...validateInPlaceUpdates(shoot, old),
  ];
}

/** Update through the status subresource. */
export function validateShootStatus(shoot: KubeObject, old: KubeObject): FieldError[] {
  return [...validateShootMetadataUpdate(shoot, old), ...validateShootStatusUpdate(shoot, old)];
}
