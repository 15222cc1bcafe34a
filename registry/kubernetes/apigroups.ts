/**
 * API groups, versions and resources of Kubernetes by the versions they are served in, and whether a
 * cluster may switch them off in `runtimeConfig` (`required` for clusters with workers, `workerless`
 * for workerless ones): the list Gardener keeps at b312835d17.
 */
import { FieldPath, fieldErr, type FieldError } from '../../apimachinery/field.js';
import { SemVerError } from '../../apimachinery/semver.js';
import { rangeContains, readTable, supportedRangeText, type TableEntry } from './table.js';

// group/version, added in, removed in, flags
const API_GROUP_VERSIONS = readTable(`
admissionregistration.k8s.io/v1       -     -     required
admissionregistration.k8s.io/v1alpha1 -     -     -
admissionregistration.k8s.io/v1beta1  -     -     -
apps/v1                               -     -     required
apps/v1beta1                          -     -     -
apps/v1beta2                          -     -     -
autoscaling/v1                        -     -     -
autoscaling/v2                        -     -     -
autoscaling/v2beta1                   -     1.36  -
autoscaling/v2beta2                   -     1.36  -
batch/v1                              -     -     -
batch/v1beta1                         -     -     -
certificates.k8s.io/v1                -     -     -
certificates.k8s.io/v1alpha1          -     -     -
certificates.k8s.io/v1beta1           -     -     -
coordination.k8s.io/v1                -     -     -
coordination.k8s.io/v1alpha1          1.31  1.32  -
coordination.k8s.io/v1alpha2          1.32  -     -
coordination.k8s.io/v1beta1           -     -     -
discovery.k8s.io/v1                   -     -     -
discovery.k8s.io/v1beta1              -     -     -
events.k8s.io/v1                      -     -     -
events.k8s.io/v1beta1                 -     -     -
extensions/v1beta1                    -     -     -
flowcontrol.apiserver.k8s.io/v1       1.29  -     -
flowcontrol.apiserver.k8s.io/v1beta1  -     -     -
flowcontrol.apiserver.k8s.io/v1beta2  -     -     -
flowcontrol.apiserver.k8s.io/v1beta3  -     -     -
internal.apiserver.k8s.io/v1alpha1    -     -     -
networking.k8s.io/v1                  -     -     required,workerless
networking.k8s.io/v1alpha1            -     1.34  -
networking.k8s.io/v1beta1             -     -     -
node.k8s.io/v1                        -     -     -
node.k8s.io/v1alpha1                  -     -     -
node.k8s.io/v1beta1                   -     -     -
policy/v1                             -     -     -
policy/v1beta1                        -     -     -
rbac.authorization.k8s.io/v1          -     -     required,workerless
rbac.authorization.k8s.io/v1alpha1    -     -     -
rbac.authorization.k8s.io/v1beta1     -     -     -
resource.k8s.io/v1                    1.34  -     -
resource.k8s.io/v1alpha2              -     1.31  -
resource.k8s.io/v1alpha3              1.31  -     -
resource.k8s.io/v1beta1               1.32  -     -
resource.k8s.io/v1beta2               1.33  -     -
scheduling.k8s.io/v1                  -     -     -
scheduling.k8s.io/v1alpha1            -     1.36  -
scheduling.k8s.io/v1alpha2            1.36  -     -
scheduling.k8s.io/v1beta1             -     -     -
storage.k8s.io/v1                     -     -     required
storage.k8s.io/v1alpha1               -     -     -
storage.k8s.io/v1beta1                -     -     -
storagemigration.k8s.io/v1alpha1      1.30  1.35  -
storagemigration.k8s.io/v1beta1       1.35  -     -
v1                                    -     -     required,workerless`);

// group/version/resource, added in, removed in, flags
const API_GROUP_VERSION_RESOURCES = readTable(`
admissionregistration.k8s.io/v1/mutatingadmissionpolicies               1.36  -     -
admissionregistration.k8s.io/v1/mutatingadmissionpolicybindings         1.36  -     -
admissionregistration.k8s.io/v1/mutatingwebhookconfigurations           -     -     required
admissionregistration.k8s.io/v1/validatingadmissionpolicies             1.30  -     -
admissionregistration.k8s.io/v1/validatingadmissionpolicybindings       1.30  -     -
admissionregistration.k8s.io/v1/validatingwebhookconfigurations         -     -     required
admissionregistration.k8s.io/v1alpha1/mutatingadmissionpolicies         1.32  -     -
admissionregistration.k8s.io/v1alpha1/mutatingadmissionpolicybindings   1.32  -     -
admissionregistration.k8s.io/v1alpha1/validatingadmissionpolicies       -     -     -
admissionregistration.k8s.io/v1alpha1/validatingadmissionpolicybindings -     -     -
admissionregistration.k8s.io/v1beta1/mutatingadmissionpolicies          1.34  -     -
admissionregistration.k8s.io/v1beta1/mutatingadmissionpolicybindings    1.34  -     -
admissionregistration.k8s.io/v1beta1/mutatingwebhookconfigurations      -     -     -
admissionregistration.k8s.io/v1beta1/validatingadmissionpolicies        1.28  -     -
admissionregistration.k8s.io/v1beta1/validatingadmissionpolicybindings  1.28  -     -
admissionregistration.k8s.io/v1beta1/validatingwebhookconfigurations    -     -     -
apps/v1/controllerrevisions                                             -     -     -
apps/v1/daemonsets                                                      -     -     -
apps/v1/deployments                                                     -     -     -
apps/v1/replicasets                                                     -     -     -
apps/v1/statefulsets                                                    -     -     -
apps/v1beta1/controllerrevisions                                        -     -     -
apps/v1beta1/deployments                                                -     -     -
apps/v1beta1/statefulsets                                               -     -     -
apps/v1beta2/controllerrevisions                                        -     -     -
apps/v1beta2/daemonsets                                                 -     -     -
apps/v1beta2/deployments                                                -     -     -
apps/v1beta2/replicasets                                                -     -     -
apps/v1beta2/statefulsets                                               -     -     -
autoscaling/v1/horizontalpodautoscalers                                 -     -     -
autoscaling/v2/horizontalpodautoscalers                                 -     -     required
autoscaling/v2beta1/horizontalpodautoscalers                            -     1.36  -
autoscaling/v2beta2/horizontalpodautoscalers                            -     1.36  -
batch/v1/cronjobs                                                       -     -     -
batch/v1/jobs                                                           -     -     -
batch/v1beta1/cronjobs                                                  -     -     -
certificates.k8s.io/v1/certificatesigningrequests                       -     -     required
certificates.k8s.io/v1alpha1/clustertrustbundles                        -     -     -
certificates.k8s.io/v1alpha1/podcertificaterequests                     1.34  1.35  -
certificates.k8s.io/v1beta1/clustertrustbundles                         1.33  -     -
certificates.k8s.io/v1beta1/certificatesigningrequests                  -     -     -
certificates.k8s.io/v1beta1/podcertificaterequests                      1.35  -     -
coordination.k8s.io/v1/leases                                           -     -     required
coordination.k8s.io/v1alpha1/leasecandidates                            1.31  1.32  -
coordination.k8s.io/v1alpha2/leasecandidates                            1.32  -     -
coordination.k8s.io/v1beta1/leasecandidates                             1.33  -     -
coordination.k8s.io/v1beta1/leases                                      -     -     -
discovery.k8s.io/v1/endpointslices                                      -     -     required,workerless
discovery.k8s.io/v1beta1/endpointslices                                 -     -     -
events.k8s.io/v1/events                                                 -     -     required,workerless
events.k8s.io/v1beta1/events                                            -     -     -
extensions/v1beta1/daemonsets                                           -     -     -
extensions/v1beta1/deployments                                          -     -     -
extensions/v1beta1/ingresses                                            -     -     -
extensions/v1beta1/networkpolicies                                      -     -     -
extensions/v1beta1/replicasets                                          -     -     -
flowcontrol.apiserver.k8s.io/v1/flowschemas                             1.29  -     -
flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations             1.29  -     -
flowcontrol.apiserver.k8s.io/v1beta1/flowschemas                        -     -     -
flowcontrol.apiserver.k8s.io/v1beta1/prioritylevelconfigurations        -     -     -
flowcontrol.apiserver.k8s.io/v1beta2/flowschemas                        -     -     -
flowcontrol.apiserver.k8s.io/v1beta2/prioritylevelconfigurations        -     -     -
flowcontrol.apiserver.k8s.io/v1beta3/flowschemas                        -     -     -
flowcontrol.apiserver.k8s.io/v1beta3/prioritylevelconfigurations        -     -     -
internal.apiserver.k8s.io/v1alpha1/storageversions                      -     -     -
networking.k8s.io/v1/ingressclasses                                     -     -     -
networking.k8s.io/v1/ingresses                                          -     -     -
networking.k8s.io/v1/ipaddresses                                        1.33  -     -
networking.k8s.io/v1/networkpolicies                                    -     -     -
networking.k8s.io/v1/servicecidrs                                       1.33  -     -
networking.k8s.io/v1alpha1/ipaddresses                                  -     1.34  -
networking.k8s.io/v1alpha1/servicecidrs                                 1.29  1.34  -
networking.k8s.io/v1beta1/ingressclasses                                -     -     -
networking.k8s.io/v1beta1/ingresses                                     -     -     -
networking.k8s.io/v1beta1/ipaddresses                                   -     1.31  -
networking.k8s.io/v1beta1/servicecidrs                                  -     1.31  -
node.k8s.io/v1/runtimeclasses                                           -     -     required
node.k8s.io/v1alpha1/runtimeclasses                                     -     -     -
node.k8s.io/v1beta1/runtimeclasses                                      -     -     -
policy/v1/poddisruptionbudgets                                          -     -     required
policy/v1beta1/poddisruptionbudgets                                     -     -     -
rbac.authorization.k8s.io/v1/clusterrolebindings                        -     -     -
rbac.authorization.k8s.io/v1/clusterroles                               -     -     -
rbac.authorization.k8s.io/v1/rolebindings                               -     -     -
rbac.authorization.k8s.io/v1/roles                                      -     -     -
rbac.authorization.k8s.io/v1alpha1/clusterrolebindings                  -     -     -
rbac.authorization.k8s.io/v1alpha1/clusterroles                         -     -     -
rbac.authorization.k8s.io/v1alpha1/rolebindings                         -     -     -
rbac.authorization.k8s.io/v1alpha1/roles                                -     -     -
rbac.authorization.k8s.io/v1beta1/clusterrolebindings                   -     -     -
rbac.authorization.k8s.io/v1beta1/clusterroles                          -     -     -
rbac.authorization.k8s.io/v1beta1/rolebindings                          -     -     -
rbac.authorization.k8s.io/v1beta1/roles                                 -     -     -
resource.k8s.io/v1/deviceclasses                                        1.34  -     -
resource.k8s.io/v1/resourceclaims                                       1.34  -     -
resource.k8s.io/v1/resourceclaimtemplates                               1.34  -     -
resource.k8s.io/v1/resourceslices                                       1.34  -     -
resource.k8s.io/v1alpha2/podschedulingcontexts                          -     1.31  -
resource.k8s.io/v1alpha2/resourceclaimparameters                        1.30  1.31  -
resource.k8s.io/v1alpha2/resourceclaims                                 -     1.31  -
resource.k8s.io/v1alpha2/resourceclaimtemplates                         -     1.31  -
resource.k8s.io/v1alpha2/resourceclasses                                -     1.31  -
resource.k8s.io/v1alpha2/resourceclassparameters                        1.30  1.31  -
resource.k8s.io/v1alpha2/resourceslices                                 1.30  1.31  -
resource.k8s.io/v1alpha3/deviceclasses                                  1.31  1.34  -
resource.k8s.io/v1alpha3/devicetaintrules                               1.33  -     -
resource.k8s.io/v1alpha3/podschedulingcontexts                          1.31  1.32  -
resource.k8s.io/v1alpha3/resourceclaims                                 1.31  1.34  -
resource.k8s.io/v1alpha3/resourceclaimtemplates                         1.31  1.34  -
resource.k8s.io/v1alpha3/resourcepoolstatusrequests                     1.36  -     -
resource.k8s.io/v1alpha3/resourceslices                                 1.31  1.34  -
resource.k8s.io/v1beta1/deviceclasses                                   1.32  -     -
resource.k8s.io/v1beta1/resourceclaims                                  1.32  -     -
resource.k8s.io/v1beta1/resourceclaimtemplates                          1.32  -     -
resource.k8s.io/v1beta1/resourceslices                                  1.32  -     -
resource.k8s.io/v1beta2/deviceclasses                                   1.33  -     -
resource.k8s.io/v1beta2/devicetaintrules                                1.36  -     -
resource.k8s.io/v1beta2/resourceclaims                                  1.33  -     -
resource.k8s.io/v1beta2/resourceclaimtemplates                          1.33  -     -
resource.k8s.io/v1beta2/resourceslices                                  1.33  -     -
scheduling.k8s.io/v1/priorityclasses                                    -     -     required
scheduling.k8s.io/v1alpha1/priorityclasses                              -     1.36  -
scheduling.k8s.io/v1alpha1/workloads                                    1.35  1.36  -
scheduling.k8s.io/v1alpha2/podgroups                                    1.36  -     -
scheduling.k8s.io/v1alpha2/workloads                                    1.36  -     -
scheduling.k8s.io/v1beta1/priorityclasses                               -     -     -
storage.k8s.io/v1/csidrivers                                            -     -     -
storage.k8s.io/v1/csinodes                                              -     -     -
storage.k8s.io/v1/csistoragecapacities                                  -     -     -
storage.k8s.io/v1/storageclasses                                        -     -     -
storage.k8s.io/v1/volumeattachments                                     -     -     -
storage.k8s.io/v1/volumeattributesclasses                               1.34  -     -
storage.k8s.io/v1alpha1/csistoragecapacities                            -     -     -
storage.k8s.io/v1alpha1/volumeattachments                               -     -     -
storage.k8s.io/v1alpha1/volumeattributesclasses                         1.29  -     -
storage.k8s.io/v1beta1/csidrivers                                       -     -     -
storage.k8s.io/v1beta1/csinodes                                         -     -     -
storage.k8s.io/v1beta1/csistoragecapacities                             -     -     -
storage.k8s.io/v1beta1/storageclasses                                   -     -     -
storage.k8s.io/v1beta1/volumeattachments                                -     -     -
storage.k8s.io/v1beta1/volumeattributesclasses                          1.31  -     -
storagemigration.k8s.io/v1alpha1/storageversionmigrations               1.30  1.35  -
storagemigration.k8s.io/v1beta1/storageversionmigrations                1.35  -     -
v1/componentstatuses                                                    -     -     -
v1/configmaps                                                           -     -     -
v1/endpoints                                                            -     -     -
v1/events                                                               -     -     -
v1/limitranges                                                          -     -     -
v1/namespaces                                                           -     -     -
v1/nodes                                                                -     -     -
v1/persistentvolumeclaims                                               -     -     -
v1/persistentvolumes                                                    -     -     -
v1/pods                                                                 -     -     -
v1/podtemplates                                                         -     -     -
v1/replicationcontrollers                                               -     -     -
v1/resourcequotas                                                       -     -     -
v1/secrets                                                              -     -     -
v1/serviceaccounts                                                      -     -     -
v1/services                                                             -     -     -`);

class APIError extends Error {}

/** `[groupVersion, groupVersionResource]` of a runtimeConfig key (`v1/pods`, `apps/v1`, `apps/v1/deployments`). */
function splitAPI(api: string): [string, string] {
  const parts = api.split('/');
  if (parts.length === 1) return [api, ''];
  if (parts.length === 2) return parts[0] === 'v1' ? ['v1', `v1/${parts[1] ?? ''}`] : [api, ''];
  if (parts.length === 3) return [parts.slice(0, 2).join('/'), api];
  throw new APIError(`invalid API Group format ${JSON.stringify(api)}`);
}

/** The table entry of `api`. @throws APIError for an unknown one */
function entryOf(api: string): { gv: string; gvr: string; entry: TableEntry } {
  const [gv, gvr] = splitAPI(api);
  const entry = gvr !== '' ? API_GROUP_VERSION_RESOURCES.get(gvr) : API_GROUP_VERSIONS.get(gv);
  if (entry === undefined) {
    throw new APIError(gvr !== '' ? `unknown API group version resource ${JSON.stringify(gvr)}` : `unknown API group version ${JSON.stringify(gv)}`);
  }
  return { gv, gvr, entry };
}

function requiredError(entry: TableEntry | undefined, api: string, workerless: boolean, path: FieldPath): FieldError | undefined {
  if (workerless) {
    return entry?.flags.includes('workerless') === true ? fieldErr.forbidden(path, `api ${JSON.stringify(api)} cannot be disabled for workerless clusters`) : undefined;
  }
  return entry?.flags.includes('required') === true ? fieldErr.forbidden(path, `api ${JSON.stringify(api)} cannot be disabled`) : undefined;
}

/** Errors of switching `api` off: itself, its group version, or a required resource of the group version. */
function disableErrors(api: string, gv: string, gvr: string, workerless: boolean, path: FieldPath): FieldError[] {
  if (gvr !== '') {
    const own = requiredError(API_GROUP_VERSION_RESOURCES.get(gvr), gvr, workerless, path) ?? requiredError(API_GROUP_VERSIONS.get(gv), gv, workerless, path);
    return own === undefined ? [] : [own];
  }
  const group = requiredError(API_GROUP_VERSIONS.get(gv), gv, workerless, path);
  if (group !== undefined) return [group];
  const errs: FieldError[] = [];
  for (const [name, entry] of API_GROUP_VERSION_RESOURCES) {
    if (!name.startsWith(`${gv}/`)) continue;
    const e = requiredError(entry, name, workerless, path);
    if (e !== undefined) errs.push(e);
  }
  return errs;
}

/** `spec.kubernetes.kubeAPIServer.runtimeConfig` for `version` (Gardener's ValidateAPIGroupVersions). */
export function validateAPIGroupVersions(runtimeConfig: Readonly<Record<string, unknown>> | undefined, version: string, workerless: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [api, enabled] of Object.entries(runtimeConfig ?? {})) {
    const at = path.key(api);
    try {
      const { gv, gvr, entry } = entryOf(api);
      if (!rangeContains(entry, version)) {
        errs.push(fieldErr.forbidden(at, `api ${JSON.stringify(api)} is not supported in Kubernetes version ${version}, only supported in ${supportedRangeText(entry)}`));
      } else if (enabled !== true) errs.push(...disableErrors(api, gv, gvr, workerless, at));
    } catch (e: unknown) {
      if (e instanceof APIError || e instanceof SemVerError) errs.push(fieldErr.invalid(at, api, e.message));
      else throw e;
    }
  }
  return errs;
}
