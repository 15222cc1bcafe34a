/**
 * Schema of the Garden kind (operator.gardener.cloud/v1alpha1): the gardener-dashboard settings. Field names and
 * types follow the upstream CRD; the descriptions are our own.
 */
import type { Schema } from '../../../openapi/schema.js';
import { bool, str, strList } from '../../shoot/schema/helpers.js';
import { obj, objWith } from './helpers.js';

/** `spec.virtualCluster.gardener.gardenerDashboard.assetsConfigMapRef` */
const assetsConfigMapRefSchema: Schema = objWith(
  'ConfigMap in the garden namespace with logos and icons.',
  {
    name: { ...str('Name of the ConfigMap.'), default: '' },
  },
  [],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.virtualCluster.gardener.gardenerDashboard.domain` */
const domainSchema: Schema = obj(
  'Domain, and optionally DNS provider, of the dashboard instead of the ingress domains.',
  {
    name: { ...str('The domain name.'), minLength: 1 },
    provider: str('Name of a provider from spec.dns.providers; required when spec.dns is set.'),
  },
  ['name'],
);

/** `spec.virtualCluster.gardener.gardenerDashboard.frontendConfigMapRef` */
const frontendConfigMapRefSchema: Schema = objWith(
  'ConfigMap in the garden namespace with the frontend configuration.',
  {
    name: { ...str('Name of the ConfigMap.'), default: '' },
  },
  [],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.virtualCluster.gardener.gardenerDashboard.gitHub.secretRef` */
const gitHubSecretRefSchema: Schema = objWith(
  'Secret in the garden namespace with the GitHub credentials.',
  {
    name: { ...str('Name of the Secret.'), default: '' },
  },
  [],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.virtualCluster.gardener.gardenerDashboard.gitHub` */
const gitHubSchema: Schema = obj(
  'GitHub integration for tickets.',
  {
    apiURL: {
      ...str('URL of the GitHub API (default https://api.github.com).'),
      default: 'https://api.github.com',
      minLength: 1,
    },
    organisation: { ...str('GitHub organisation of the ticket repository.'), minLength: 1 },
    pollInterval: {
      ...str('How often GitHub is polled for ticket updates, as a fallback to webhooks.'),
      pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|\u00b5s|ms|s|m|h))+$',
    },
    repository: { ...str('GitHub repository for tickets.'), minLength: 1 },
    secretRef: gitHubSecretRefSchema,
  },
  ['apiURL', 'organisation', 'repository', 'secretRef'],
);

/** `spec.virtualCluster.gardener.gardenerDashboard.ingress` */
const gardenerDashboardIngressSchema: Schema = obj(
  'Ingress settings. Deprecated: use domain.',
  {
    enabled: { ...bool('Whether the dashboard Ingress is deployed (default true). Deprecated.'), default: true },
  },
);

/** `spec.virtualCluster.gardener.gardenerDashboard.oidcConfig.certificateAuthoritySecretRef` */
const certificateAuthoritySecretRefSchema: Schema = objWith(
  'Secret in the garden namespace with a CA certificate (key ca.crt) for the issuer.',
  {
    name: { ...str('Name of the Secret.'), default: '' },
  },
  [],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.virtualCluster.gardener.gardenerDashboard.oidcConfig.secretRef` */
const oidcConfigSecretRefSchema: Schema = objWith(
  'Secret in the garden namespace with the OIDC client ID and secret.',
  {
    name: { ...str('Name of the Secret.'), default: '' },
  },
  [],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.virtualCluster.gardener.gardenerDashboard.oidcConfig` */
const oidcConfigSchema: Schema = obj(
  'OIDC sign-in; required when token login is disabled.',
  {
    additionalScopes: strList('Extra OIDC scopes to request.'),
    certificateAuthoritySecretRef: certificateAuthoritySecretRefSchema,
    clientIDPublic: { ...str("Public client ID; the API server's OIDC client ID when unset."), minLength: 1 },
    issuerURL: { ...str("HTTPS URL of the OIDC issuer; the API server's issuer when unset."), minLength: 1 },
    secretRef: oidcConfigSecretRefSchema,
    sessionLifetime: { ...str('Longest duration of a session.'), pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|\u00b5s|ms|s|m|h))+$' },
  },
  ['secretRef'],
);

/** `spec.virtualCluster.gardener.gardenerDashboard.terminal.container` */
const containerSchema: Schema = obj(
  'The terminal container.',
  {
    description: str('Description of the container shown to users.'),
    image: str('Image of the terminal container.'),
  },
  ['image'],
);

/** `spec.virtualCluster.gardener.gardenerDashboard.terminal` */
const terminalSchema: Schema = obj(
  'Web terminal settings.',
  {
    allowedHosts: strList('Host names terminals may connect to, without scheme.'),
    container: containerSchema,
  },
  ['container'],
);

/** `spec.virtualCluster.gardener.gardenerDashboard` */
export const gardenerDashboardSchema: Schema = obj(
  'Settings of gardener-dashboard; deployed when present.',
  {
    assetsConfigMapRef: assetsConfigMapRefSchema,
    domain: domainSchema,
    enableTokenLogin: {
      ...bool('Allows signing in with a token (default true); OIDC must be configured otherwise.'),
      default: true,
    },
    frontendConfigMapRef: frontendConfigMapRefSchema,
    gitHub: gitHubSchema,
    ingress: gardenerDashboardIngressSchema,
    logLevel: {
      ...str('Log level: trace, debug, info (default), warn or error.'),
      default: 'info',
      enum: ['trace', 'debug', 'info', 'warn', 'error'],
    },
    oidcConfig: oidcConfigSchema,
    propagateCAFromSNI: bool("Passes the CA of the kube-apiserver's SNI certificate on to the dashboard."),
    terminal: terminalSchema,
    tlsSecretName: str('Secret in the garden namespace with a trusted TLS certificate for the dashboard domains.'),
  },
);
