/**
 * Schemas (core.gardener.cloud/v1beta1): The provider section: worker pools, machines, volumes, container
 * runtimes, self-hosted control plane settings. Field names and types follow the upstream API; the descriptions
 * are our own.
 */
import { ref, type Definitions } from '../../../openapi/schema.js';
import {
  bool,
  core,
  duration,
  int32,
  intOrString,
  list,
  mergeKey,
  num,
  obj,
  raw,
  refTo,
  str,
  strList,
  strMap,
} from './helpers.js';
import { OBJECT_REFERENCE, TAINT } from './k8s.js';

/** Definitions of this area, keyed by upstream definition name. */
export const providerDefinitions: Definitions = {
  [core('Provider')]: obj(
    'Infrastructure provider and worker pools of the cluster.',
    {
      type: str('Provider type, e.g. aws or gcp. Cannot be changed.'),
      controlPlaneConfig: raw('Provider-specific control plane configuration.'),
      infrastructureConfig: raw('Provider-specific infrastructure configuration.'),
      workers: list(ref(core('Worker')), 'Worker pools; none for a workerless cluster.', mergeKey('name')),
      workersSettings: refTo(core('WorkersSettings'), 'Settings that apply to all worker pools.'),
    },
    ['type'],
  ),
  [core('Worker')]: obj(
    'A pool of machines of the same kind.',
    {
      annotations: strMap('Annotations to put on the Node objects of the pool.'),
      caBundle: str('CA certificates to install on the machines of the pool.'),
      cri: refTo(core('CRI'), 'Container runtime settings; containerd when unset.'),
      kubernetes: refTo(core('WorkerKubernetes'), 'Kubernetes settings of the pool.'),
      labels: strMap('Labels to put on the Node objects of the pool.'),
      name: str('Name of the pool.'),
      machine: refTo(core('Machine'), 'Machine type and image.'),
      maximum: int32('Maximum number of machines, spread evenly over the zones.'),
      minimum: int32('Minimum number of machines, spread evenly over the zones.'),
      maxSurge: intOrString(
        'Machines that may be added during a rolling update, as a number or percentage, spread over the zones (default 1, or 0 for in-place updates).',
      ),
      maxUnavailable: intOrString(
        'Machines that may be unavailable during an update, as a number or percentage, spread over the zones (default 0, or 1 for in-place updates).',
      ),
      providerConfig: raw('Provider-specific configuration of the pool.'),
      taints: list(ref(TAINT), 'Taints to put on the Node objects of the pool.'),
      volume: refTo(core('Volume'), 'Root volume of the machines.'),
      dataVolumes: list(ref(core('DataVolume')), 'Additional volumes of the machines.'),
      kubeletDataVolumeName: str("Name of the data volume that holds the kubelet's state."),
      zones: strList('Availability zones to spread the pool over.'),
      systemComponents: refTo(core('WorkerSystemComponents'), 'Whether system components may run in this pool.'),
      machineControllerManager: refTo(
        core('MachineControllerManagerSettings'),
        'Machine-controller-manager settings of the pool.',
      ),
      sysctls: strMap('Kernel parameters to set on the machines.'),
      clusterAutoscaler: refTo(core('ClusterAutoscalerOptions'), 'Cluster-autoscaler settings of the pool.'),
      priority: int32('Priority of the pool for the priority expander of the cluster-autoscaler.'),
      updateStrategy: str('How machines are updated: AutoRollingUpdate (default), AutoInPlaceUpdate or ManualInPlaceUpdate.'),
      controlPlane: refTo(core('WorkerControlPlane'), 'Runs the control plane in this pool (self-hosted clusters only).'),
    },
    ['name', 'machine', 'maximum', 'minimum'],
  ),
  [core('Machine')]: obj(
    'Machine type and image of a worker pool.',
    {
      type: str('Provider-specific machine type.'),
      image: refTo(
        core('ShootMachineImage'),
        'Machine image to boot; defaults to the newest version of the first image in the cloud profile.',
      ),
      architecture: str('CPU architecture of the machines, e.g. amd64 or arm64.'),
    },
    ['type'],
  ),
  [core('ShootMachineImage')]: obj(
    'A machine image; must be offered by the cloud profile.',
    {
      name: str('Name of the image.'),
      providerConfig: raw('Image-specific configuration handed to the extensions.'),
      version: str('Version of the image; defaults to the newest version in the cloud profile.'),
    },
    ['name'],
  ),
  [core('Volume')]: obj(
    'The root volume of the machines of a worker pool.',
    {
      name: str('Name under which the volume can be referenced.'),
      type: str('Provider-specific volume type.'),
      size: str('Size of the volume, e.g. 50Gi.'),
      encrypted: bool('Whether the volume is encrypted.'),
    },
    ['size'],
  ),
  [core('DataVolume')]: obj(
    'An additional volume attached to the machines of a worker pool.',
    {
      name: str('Name under which the volume can be referenced.'),
      type: str('Provider-specific volume type.'),
      size: str('Size of the volume, e.g. 20Gi.'),
      encrypted: bool('Whether the volume is encrypted.'),
    },
    ['name', 'size'],
  ),
  [core('CRI')]: obj(
    'Container runtime interface used by the machines of a worker pool.',
    {
      name: str('Name of the CRI implementation; only "containerd" is supported.'),
      containerRuntimes: list(
        ref(core('ContainerRuntime')),
        'Additional container runtimes to install on the machines of the pool.',
      ),
    },
    ['name'],
  ),
  [core('ContainerRuntime')]: obj(
    'An additional container runtime of a worker pool.',
    {
      type: str('Type of the container runtime, e.g. gvisor.'),
      providerConfig: raw('Configuration handed to the container runtime extension.'),
    },
    ['type'],
  ),
  [core('WorkerKubernetes')]: obj(
    'Kubernetes settings of a worker pool.',
    {
      kubelet: refTo(core('KubeletConfig'), 'Kubelet settings of the pool; replace spec.kubernetes.kubelet entirely when set.'),
      version: str('Kubelet version of the pool; at most the control plane version, defaults to it.'),
    },
  ),
  [core('WorkerSystemComponents')]: obj(
    'System components in a worker pool.',
    {
      allow: bool('Whether system components may be scheduled to the pool (default true).'),
    },
    ['allow'],
  ),
  [core('MachineControllerManagerSettings')]: obj(
    'Per-pool settings of the machine-controller-manager.',
    {
      machineDrainTimeout: duration('Time after which a machine being drained is deleted anyway.'),
      machineHealthTimeout: duration('Time after which an unhealthy machine is declared failed.'),
      machineCreationTimeout: duration('Time after which a machine that did not join is declared failed.'),
      maxEvictRetries: int32('Number of eviction attempts per pod before a drain is forced.'),
      nodeConditions: strList('Node conditions that, while true for machineHealthTimeout, make a machine failed.'),
      inPlaceUpdateTimeout: duration('Time after which an in-place update is declared failed.'),
      disableHealthTimeout: bool(
        'Ignores machineHealthTimeout so machines are never declared failed; meant for in-place updates.',
      ),
      machinePreserveTimeout: duration('How long a preserved failed machine is kept.'),
      autoPreserveFailedMachineMax: int32(
        'Number of failed machines to preserve automatically, spread across zones like minimum and maximum (default 0).',
      ),
    },
  ),
  [core('ClusterAutoscalerOptions')]: obj(
    'Per-pool overrides of the cluster-autoscaler settings.',
    {
      scaleDownUtilizationThreshold: num('Utilization (0.0 to 1.0) below which a node of this pool may be removed.'),
      scaleDownGpuUtilizationThreshold: num('GPU utilization (0.0 to 1.0) below which a node of this pool may be removed.'),
      scaleDownUnneededTime: duration('How long a node of this pool must be unneeded before it may be removed.'),
      scaleDownUnreadyTime: duration('How long an unready node of this pool must be unneeded before it may be removed.'),
      maxNodeProvisionTime: duration('How long to wait for a new node of this pool to become ready.'),
    },
  ),
  [core('WorkersSettings')]: obj(
    'Settings for all worker pools.',
    {
      sshAccess: refTo(core('SSHAccess'), 'SSH access to the nodes.'),
    },
  ),
  [core('SSHAccess')]: obj(
    'SSH access to the worker nodes.',
    {
      enabled: bool('Whether sshd is enabled on the nodes (default true).'),
    },
    ['enabled'],
  ),
  [core('WorkerControlPlane')]: obj(
    "Control plane settings of a self-hosted cluster's pool.",
    {
      backup: refTo(core('Backup'), 'Object store for etcd backups; no backups when unset.'),
      exposure: refTo(core('Exposure'), 'How the API server is exposed.'),
    },
  ),
  [core('Backup')]: obj(
    'Object store used for backups of a self-hosted cluster (currently etcd only).',
    {
      provider: str('Provider of the object store. Cannot be changed.'),
      providerConfig: raw('Provider-specific configuration handed to the BackupBucket.'),
      region: str('Region of the object store. Cannot be changed.'),
      credentialsRef: refTo(OBJECT_REFERENCE, 'Reference to the resource holding the credentials for the object store.'),
    },
    ['provider'],
  ),
  [core('Exposure')]: obj(
    'How the API server of a self-hosted cluster is exposed; extension and dns are mutually exclusive.',
    {
      extension: refTo(core('ExtensionExposure'), 'Exposure through an extension.'),
      dns: refTo(core('DNSExposure'), 'Exposure through a DNS record.'),
    },
  ),
  [core('ExtensionExposure')]: obj(
    'Exposure of the API server through an extension.',
    {
      type: str('Type of the exposure extension; defaults to spec.provider.type.'),
      providerConfig: raw('Configuration handed to the exposure extension.'),
    },
  ),
  [core('DNSExposure')]: obj('Exposure of the API server through a DNS record; has no settings.', {}),
};
