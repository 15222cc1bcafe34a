/**
 * Schemas (core.gardener.cloud/v1beta1): ShootSpec and the small spec types around it: cloud profile,
 * extensions, hibernation, maintenance, monitoring, seed selection, tolerations, control plane, access
 * restrictions, add-ons. Field names and types follow the upstream API; the descriptions are our own.
 */
import { ref, type Definitions } from '../../../openapi/schema.js';
import { bool, core, duration, list, mergeKey, obj, raw, refTo, str, strList, strMap } from './helpers.js';
import { CROSS_VERSION_OBJECT_REFERENCE, LABEL_SELECTOR_REQUIREMENT } from './k8s.js';

/** Definitions of this area, keyed by upstream definition name. */
export const specDefinitions: Definitions = {
  [core('ShootSpec')]: obj(
    'Desired state of a Shoot cluster.',
    {
      addons: refTo(core('Addons'), 'Add-ons to install. Deprecated.'),
      cloudProfileName: str(
        'Name of the CloudProfile. Deprecated in favour of cloudProfile; not allowed from Kubernetes 1.34.',
      ),
      dns: refTo(core('DNS'), 'DNS settings.'),
      extensions: list(ref(core('Extension')), 'Extensions to enable.'),
      hibernation: refTo(core('Hibernation'), 'Hibernation settings.'),
      kubernetes: refTo(core('Kubernetes'), 'Kubernetes version and component settings.'),
      networking: refTo(core('Networking'), 'Network settings; required when the cluster has workers.'),
      maintenance: refTo(core('Maintenance'), 'Maintenance settings.'),
      monitoring: refTo(core('Monitoring'), 'Monitoring settings.'),
      provider: refTo(core('Provider'), 'Infrastructure provider and worker pools.'),
      purpose: str(
        'Purpose of the cluster: evaluation, testing, development, production or infrastructure (garden namespace only).',
      ),
      region: str('Region of the provider to create the cluster in. Cannot be changed.'),
      secretBindingName: str(
        'Name of the SecretBinding with the provider credentials. Deprecated in favour of credentialsBindingName; cannot be changed.',
      ),
      seedName: str('Name of the seed that runs the control plane; set by the scheduler when empty.'),
      seedSelector: refTo(core('SeedSelector'), 'Restricts the seeds the cluster may be scheduled to.'),
      resources: list(ref(core('NamedResourceReference')), 'Resources that extension configurations refer to by name.'),
      tolerations: list(ref(core('Toleration')), 'Tolerations for taints of seeds.', mergeKey('key')),
      exposureClassName: str('Name of the ExposureClass for exposing the API server. Cannot be changed.'),
      systemComponents: refTo(core('SystemComponents'), 'Settings of system components in the cluster.'),
      controlPlane: refTo(core('ControlPlane'), 'General control plane settings.'),
      schedulerName: str(
        'Name of the scheduler responsible for the cluster; the default scheduler when unset. Cannot be changed.',
      ),
      cloudProfile: refTo(core('CloudProfileReference'), 'Reference to the CloudProfile or NamespacedCloudProfile.'),
      credentialsBindingName: str('Name of the CredentialsBinding with the provider credentials.'),
      accessRestrictions: list(ref(core('AccessRestrictionWithOptions')), 'Access restrictions of the cluster.'),
    },
    ['kubernetes', 'provider', 'region'],
  ),
  [core('CloudProfileReference')]: obj(
    'Names the CloudProfile or NamespacedCloudProfile a Shoot is based on.',
    {
      kind: str('Kind of the referenced profile: CloudProfile or NamespacedCloudProfile.'),
      name: str('Name of the referenced profile.'),
    },
    ['kind', 'name'],
  ),
  [core('Extension')]: obj(
    'An extension to enable for the cluster.',
    {
      type: str('Type of the extension resource.'),
      providerConfig: raw('Configuration handed to the extension.'),
      disabled: bool('Switches off an extension that Gardener administrators enabled for all clusters.'),
    },
    ['type'],
  ),
  [core('Hibernation')]: obj(
    'Hibernation of the cluster, i.e. scaling its workers and control plane down to zero.',
    {
      enabled: bool('Desired state: true to hibernate, false or unset to wake up.'),
      schedules: list(ref(core('HibernationSchedule')), 'Cron schedules that hibernate and wake up the cluster.'),
    },
  ),
  [core('HibernationSchedule')]: obj(
    'A schedule that hibernates and/or wakes up the cluster; start or end must be set.',
    {
      start: str('Cron expression at which hibernation starts.'),
      end: str('Cron expression at which the cluster wakes up.'),
      location: str('Time zone (IANA name) in which start and end are evaluated; UTC when unset.'),
    },
  ),
  [core('Maintenance')]: obj(
    'When and how the cluster is maintained.',
    {
      autoUpdate: refTo(core('MaintenanceAutoUpdate'), 'Which versions are updated automatically during maintenance.'),
      timeWindow: refTo(core('MaintenanceTimeWindow'), 'Daily time window for maintenance.'),
      confineSpecUpdateRollout: bool('Rolls out spec changes only during the time window (except hibernation changes).'),
      autoRotation: refTo(core('MaintenanceAutoRotation'), 'Which credentials are rotated automatically.'),
    },
  ),
  [core('MaintenanceAutoUpdate')]: obj(
    'Automatic version updates during maintenance.',
    {
      kubernetesVersion: bool('Updates the Kubernetes patch version automatically (default true).'),
      machineImageVersion: bool('Updates machine image versions automatically (default true).'),
    },
    ['kubernetesVersion'],
  ),
  [core('MaintenanceTimeWindow')]: obj(
    'Daily maintenance window, given as HHMMSS+ZONE (e.g. "220000+0100"); random when not set.',
    {
      begin: str('Start of the window.'),
      end: str('End of the window; at least 30m and at most 6h after begin.'),
    },
    ['begin', 'end'],
  ),
  [core('MaintenanceAutoRotation')]: obj(
    'Automatic rotations during maintenance.',
    {
      credentials: refTo(core('MaintenanceCredentialsAutoRotation'), 'Credentials to rotate automatically.'),
    },
  ),
  [core('MaintenanceCredentialsAutoRotation')]: obj(
    'Credentials rotated automatically.',
    {
      observability: refTo(core('MaintenanceRotationConfig'), 'Rotation of the observability credentials.'),
      sshKeypair: refTo(core('MaintenanceRotationConfig'), 'Rotation of the SSH key pair of the worker nodes.'),
      etcdEncryptionKey: refTo(
        core('MaintenanceRotationConfig'),
        'Rotation of the etcd encryption key; set to 28 days when the Shoot is created without a value.',
      ),
    },
  ),
  [core('MaintenanceRotationConfig')]: obj(
    'Settings of an automatic rotation.',
    {
      rotationPeriod: duration(
        'Time between the end of one rotation and the start of the next; 0 switches it off, otherwise between 30m and 90d.',
      ),
    },
  ),
  [core('Monitoring')]: obj(
    'Monitoring settings of the cluster.',
    {
      alerting: refTo(core('Alerting'), 'Alerting settings.'),
    },
  ),
  [core('Alerting')]: obj(
    'Who receives alerts about the cluster.',
    {
      emailReceivers: strList('E-mail addresses that receive alerts.'),
    },
  ),
  [core('SeedSelector')]: obj(
    'Selects the seeds the cluster may be scheduled to.',
    {
      matchLabels: strMap('Labels a seed must have.'),
      matchExpressions: list(ref(LABEL_SELECTOR_REQUIREMENT), 'Label requirements a seed must meet; all must hold.'),
      providerTypes: strList('Provider types of eligible seeds; "*" allows any.'),
    },
  ),
  [core('NamedResourceReference')]: obj(
    'A resource that extension configurations can refer to by name.',
    {
      name: str('Name under which the resource is referenced.'),
      resourceRef: refTo(CROSS_VERSION_OBJECT_REFERENCE, "The referenced resource in the Shoot's namespace."),
    },
    ['name', 'resourceRef'],
  ),
  [core('Toleration')]: obj(
    'Tolerates a taint of a seed or project.',
    {
      key: str('Key of the taint.'),
      value: str('Value of the taint; matches any value when unset.'),
    },
    ['key'],
  ),
  [core('ControlPlane')]: obj(
    'General settings of the control plane.',
    {
      highAvailability: refTo(core('HighAvailability'), 'Makes the control plane highly available.'),
      zones: strList('Availability zones to place the control plane in; requires support by the cloud profile.'),
    },
  ),
  [core('HighAvailability')]: obj(
    'High-availability settings.',
    {
      failureTolerance: refTo(core('FailureTolerance'), 'The failures to tolerate.'),
    },
    ['failureTolerance'],
  ),
  [core('FailureTolerance')]: obj(
    'Which failures a highly available component survives.',
    {
      type: str('Failure domain to tolerate: node or zone.'),
    },
    ['type'],
  ),
  [core('AccessRestrictionWithOptions')]: obj(
    'An access restriction that applies to the cluster, with optional settings.',
    {
      name: str('Name of the access restriction, as offered by the cloud profile region.'),
      options: strMap('Additional key/value settings of the access restriction.'),
    },
    ['name'],
  ),
  [core('Addons')]: obj(
    'Optional add-ons that Gardener deploys into the cluster. Deprecated: add-ons are not supported for newer Kubernetes versions.',
    {
      kubernetesDashboard: refTo(core('KubernetesDashboard'), 'Settings of the Kubernetes dashboard add-on.'),
      nginxIngress: refTo(core('NginxIngress'), 'Settings of the nginx ingress controller add-on.'),
    },
  ),
  [core('KubernetesDashboard')]: obj(
    'Settings of the Kubernetes dashboard add-on.',
    {
      enabled: bool('Whether the add-on is installed.'),
      authenticationMode: str('How users sign in to the dashboard; only "token" is supported.'),
    },
    ['enabled'],
  ),
  [core('NginxIngress')]: obj(
    'Settings of the nginx ingress add-on.',
    {
      enabled: bool('Whether the add-on is installed.'),
      loadBalancerSourceRanges: strList('Source IP ranges allowed to reach the ingress load balancer.'),
      config: strMap("Entries for the ingress controller's ConfigMap."),
      externalTrafficPolicy: str('externalTrafficPolicy of the load balancer Service: Cluster (default) or Local.'),
    },
    ['enabled'],
  ),
};
