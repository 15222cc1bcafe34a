/**
 * Scalar fields that the Go types declare as plain values (not pointers) with `omitempty`, per protobuf
 * message. A Go client always writes such a field, also when it holds the zero value, and Go's JSON
 * encoding then leaves it out; a pointer field, or a value field without `omitempty`, keeps its zero
 * value. Decoding drops the zero value of exactly these fields, so that an object sent as protobuf reads
 * back as the same JSON a Go server would store.
 *
 * Facts taken from the struct tags of gardener/gardener b312835d17 (`pkg/apis/core/v1beta1`,
 * `pkg/apis/authentication/v1alpha1`), kubernetes/api (core, rbac, autoscaling v1) and
 * kubernetes/apimachinery (`pkg/apis/meta/v1`, `pkg/runtime`), for the messages in `descriptor.json`.
 * `descriptor.test.ts` checks that each one names a scalar field of the descriptor.
 */
export const GO_OMITEMPTY_VALUE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.BackupBucketStatus': ['observedGeneration'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.BackupEntryStatus': ['observedGeneration'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.CloudProfileControlPlane': ['allowZonePinning'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret': ['type'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.Kubernetes': ['version'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.NamespacedCloudProfileStatus': ['observedGeneration'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.ProjectStatus': ['observedGeneration', 'phase'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.SeedStatus': ['observedGeneration'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.ShootStatus': ['observedGeneration'],
  'k8s.io.api.autoscaling.v1.CrossVersionObjectReference': ['apiVersion'],
  'k8s.io.api.core.v1.LocalObjectReference': ['name'],
  'k8s.io.api.core.v1.ObjectReference': ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'],
  'k8s.io.api.core.v1.SecretReference': ['name', 'namespace'],
  'k8s.io.api.core.v1.Taint': ['value'],
  'k8s.io.api.core.v1.Toleration': ['key', 'operator', 'value', 'effect'],
  'k8s.io.api.rbac.v1.Subject': ['apiGroup', 'namespace'],
  'k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta': ['selfLink', 'resourceVersion', 'continue'],
  'k8s.io.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry': ['manager', 'operation', 'apiVersion', 'fieldsType', 'subresource'],
  'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta': ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation'],
  'k8s.io.apimachinery.pkg.apis.meta.v1.Status': ['status', 'message', 'reason', 'code'],
  'k8s.io.apimachinery.pkg.apis.meta.v1.StatusCause': ['reason', 'message', 'field'],
  'k8s.io.apimachinery.pkg.apis.meta.v1.StatusDetails': ['name', 'group', 'kind', 'uid', 'retryAfterSeconds'],
  'k8s.io.apimachinery.pkg.runtime.TypeMeta': ['apiVersion', 'kind'],
};

/**
 * Embedded Go structs (`json:",inline"`): in protobuf a nested message in the named field, in JSON its
 * fields sit in the embedding object itself. Same sources as above.
 */
export const GO_INLINE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.AccessRestrictionWithOptions': ['accessRestriction'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.KubeAPIServerConfig': ['kubernetesConfig'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.KubeControllerManagerConfig': ['kubernetesConfig'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.KubeProxyConfig': ['kubernetesConfig'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.KubeSchedulerConfig': ['kubernetesConfig'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.KubeletConfig': ['kubernetesConfig'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.KubernetesDashboard': ['addon'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.MachineImageVersion': ['expirableVersion'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.NginxIngress': ['addon'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.ProjectMember': ['subject'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.ResourceData': ['ref'],
  'github.com.gardener.gardener.pkg.apis.core.v1beta1.SeedSelector': ['labelSelector'],
};
