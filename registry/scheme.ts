/**
 * What gardener-apiserver's scheme (its Go type registry) knows, as far as a request body can show it:
 * a body that names another kind than the one a request expects decodes into that kind when the scheme
 * registers it, and then fails to convert into the expected type; a kind the scheme does not register
 * fails at once. The texts are the scheme's and the converter's.
 *
 * Known here: the kinds of `core.gardener.cloud/v1beta1` and `v1`, of
 * `authentication.gardener.cloud/v1alpha1`, the meta/v1 kinds registered into every group version and
 * the unversioned meta kinds. Gardener's other groups (seedmanagement, security, operations,
 * autoscaling/v1) are not: kinds of those read as not registered.
 */
import { notRegisteredMessage, unknownConversionMessage, type GroupVersionKind } from '../apimachinery/decoding.js';

/**
 * The name Go's runtime.NewScheme gives a scheme: the call site found outside apimachinery's
 * scheme.go, which a module build (gardener-apiserver's) never finds, so it is that file's own line.
 */
export const SCHEME_NAME = 'pkg/runtime/scheme.go:100';

/** The internal Go package of a group's kinds, which a body is converted into. */
const INTERNAL_PACKAGES: Readonly<Record<string, string>> = {
  'core.gardener.cloud': 'core',
  'authentication.gardener.cloud': 'authentication',
};

const CORE_V1BETA1_KINDS = [
  'BackupBucket', 'BackupEntry', 'CloudProfile', 'ControllerRegistration', 'ControllerDeployment', 'ControllerInstallation',
  'ExposureClass', 'InternalSecret', 'NamespacedCloudProfile', 'Project', 'Quota', 'SecretBinding', 'Seed', 'Shoot', 'ShootState',
].flatMap((k) => [k, `${k}List`]);

/** meta/v1 kinds that metav1.AddToGroupVersion registers into a group version. */
const META_KINDS = ['WatchEvent', 'ListOptions', 'GetOptions', 'DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions'];

/** Kinds registered without a version: the scheme creates them for any group version. */
const UNVERSIONED_KINDS = new Set(['Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList']);

/** Registered kinds by group version (`group/version`; the legacy `v1` holds the meta kinds). */
const REGISTERED: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['core.gardener.cloud/v1beta1', new Set([...CORE_V1BETA1_KINDS, ...META_KINDS])],
  ['core.gardener.cloud/v1', new Set(['ControllerDeployment', 'ControllerDeploymentList', ...META_KINDS])],
  ['authentication.gardener.cloud/v1alpha1', new Set(['AdminKubeconfigRequest', 'ViewerKubeconfigRequest'])],
  ['v1', new Set(META_KINDS)],
]);

/** Whether gardener-apiserver decodes bodies of `target` into a Go type (not a custom resource). */
export function isGoTyped(target: GroupVersionKind): boolean {
  return INTERNAL_PACKAGES[target.group] !== undefined && REGISTERED.get(`${target.group}/${target.version}`)?.has(target.kind) === true;
}

/** The Go package.Type the scheme creates for `gvk`, or undefined when it registers no such kind. */
function goTypeOf(gvk: GroupVersionKind): string | undefined {
  if (UNVERSIONED_KINDS.has(gvk.kind)) return `v1.${gvk.kind}`;
  const gv = gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
  if (REGISTERED.get(gv)?.has(gvk.kind) !== true) return undefined;
  return META_KINDS.includes(gvk.kind) ? `v1.${gvk.kind}` : `${gvk.version}.${gvk.kind}`;
}

/**
 * Why a body of kind `gvk` does not decode into the Go type of `target` (itself Go-typed); undefined
 * when it is of the target's kind. `body` is the request text, which Go quotes when the version is missing.
 */
export function kindMismatch(gvk: GroupVersionKind, target: GroupVersionKind, body: () => string): string | undefined {
  if (gvk.version === '') return `Object 'apiVersion' is missing in '${body()}'`;
  if (gvk.group === target.group && gvk.version === target.version && gvk.kind === target.kind) return undefined;
  const from = goTypeOf(gvk);
  if (from === undefined) return notRegisteredMessage(gvk, SCHEME_NAME);
  return unknownConversionMessage(from, `${INTERNAL_PACKAGES[target.group] ?? target.group}.${target.kind}`);
}
