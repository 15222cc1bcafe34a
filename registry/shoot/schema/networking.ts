/**
 * Schemas (core.gardener.cloud/v1beta1): Cluster networking, DNS and the in-cluster system components (CoreDNS,
 * node-local DNS). Field names and types follow the upstream API; the descriptions are our own.
 */
import { ref, type Definitions } from '../../../openapi/schema.js';
import { bool, core, list, obj, raw, refTo, str, strList } from './helpers.js';
import { CROSS_VERSION_OBJECT_REFERENCE } from './k8s.js';

/** Definitions of this area, keyed by upstream definition name. */
export const networkingDefinitions: Definitions = {
  [core('Networking')]: obj(
    'Network settings of the cluster.',
    {
      type: str('Networking extension to use, e.g. calico or cilium. Cannot be changed.'),
      providerConfig: raw('Configuration handed to the networking extension.'),
      pods: str('IP range of pods. Cannot be changed.'),
      nodes: str('IP range of the nodes; may only be widened.'),
      services: str('IP range of services. Cannot be changed.'),
      ipFamilies: list({ type: 'string' }, 'IP families in use: IPv4 (default), IPv6 or both.'),
    },
  ),
  [core('DNS')]: obj(
    'DNS settings of the cluster.',
    {
      domain: str('External domain of the cluster; the API server is reachable at api.<domain> and kubeconfigs use it.'),
      providers: list(ref(core('DNSProvider')), "DNS providers for the cluster's domain. Deprecated: use the DNS extension for additional providers."),
    },
  ),
  [core('DNSProvider')]: obj(
    "A DNS provider for the cluster's records.",
    {
      domains: refTo(core('DNSIncludeExclude'), 'Domains this provider is responsible for. Deprecated.'),
      primary: bool("Marks the provider that manages the cluster's own records. Deprecated."),
      secretName: str('Name of a Secret with the provider credentials. Deprecated in favour of credentialsRef.'),
      type: str('Type of the DNS provider, e.g. aws-route53.'),
      zones: refTo(core('DNSIncludeExclude'), 'Hosted zones this provider is responsible for. Deprecated.'),
      credentialsRef: refTo(
        CROSS_VERSION_OBJECT_REFERENCE,
        'Reference to the Secret or WorkloadIdentity that holds the provider credentials.',
      ),
    },
  ),
  [core('DNSIncludeExclude')]: obj(
    'Domains or zones to include and exclude.',
    {
      include: strList('Entries to include.'),
      exclude: strList('Entries to exclude.'),
    },
  ),
  [core('SystemComponents')]: obj(
    'Settings of system components in the cluster.',
    {
      coreDNS: refTo(core('CoreDNS'), 'Settings of CoreDNS.'),
      nodeLocalDNS: refTo(core('NodeLocalDNS'), 'Settings of the node-local DNS cache.'),
    },
  ),
  [core('CoreDNS')]: obj(
    'Settings of CoreDNS inside the cluster.',
    {
      autoscaling: refTo(core('CoreDNSAutoscaling'), 'How CoreDNS is scaled.'),
      rewriting: refTo(core('CoreDNSRewriting'), 'Rewriting of DNS queries that wrongly got a search path appended.'),
    },
  ),
  [core('CoreDNSAutoscaling')]: obj(
    'Autoscaling of CoreDNS.',
    {
      mode: str('Autoscaling mode: horizontal or cluster-proportional.'),
    },
    ['mode'],
  ),
  [core('CoreDNSRewriting')]: obj(
    'Rewriting of queries that wrongly got a search path appended.',
    {
      commonSuffixes: strList('Domain suffixes to recognise such queries by; each needs at least one dot that is not leading.'),
    },
  ),
  [core('NodeLocalDNS')]: obj(
    'Settings of the node-local DNS cache.',
    {
      enabled: bool('Whether the node-local DNS cache runs on the nodes.'),
      forceTCPToClusterDNS: bool('Uses TCP from the cache to CoreDNS (default true).'),
      forceTCPToUpstreamDNS: bool('Uses TCP from the cache to upstream DNS servers (default true).'),
      disableForwardToUpstreamDNS: bool('Sends external queries to CoreDNS instead of upstream DNS servers.'),
    },
    ['enabled'],
  ),
};
