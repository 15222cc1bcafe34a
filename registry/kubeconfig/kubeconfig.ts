/**
 * The kubeconfig handed out by the subresources (clientcmd v1 YAML, keys in the order Kubernetes'
 * encoder writes them): one cluster and one context per kept kube-apiserver address, named
 * `<ns>--<shoot>-<address>`, in the shoot's order; one user named after the first cluster, used by every
 * context; `current-context` = the first cluster.
 */
import { toYaml } from '../../apimachinery/yaml.js';
import { parseGoURL } from '../../apimachinery/gourl.js';
import { isPlainObject } from '../../apimachinery/types.js';

/** The advertised addresses that reach the kube-apiserver; all others are dropped. */
export const KUBE_APISERVER_ADDRESS_NAMES: readonly string[] = ['external', 'internal', 'wildcard-tls-seed-bound', 'unmanaged'];
/** The address served with a publicly trusted wildcard certificate: no CA data for it. */
export const WILDCARD_ADDRESS_NAME = 'wildcard-tls-seed-bound';

/** One `status.advertisedAddresses[]` entry. */
export interface AdvertisedAddress {
  name: string;
  url: string;
  /** The application the address belongs to (for UI clients), when set. */
  application?: string;
}

/** A URL that cannot be turned into a server address (gardener-apiserver answers 500 with this text). */
export class AddressParseError extends Error {
  override readonly name = 'AddressParseError';
}

/** `status.advertisedAddresses` of a Shoot, as far as they are well-formed entries. */
export function advertisedAddresses(shoot: Record<string, unknown>): AdvertisedAddress[] {
  const status = shoot.status;
  const list = isPlainObject(status) && Array.isArray(status.advertisedAddresses) ? (status.advertisedAddresses as unknown[]) : [];
  return list.filter(isPlainObject).map((a) => ({
    name: typeof a.name === 'string' ? a.name : '',
    url: typeof a.url === 'string' ? a.url : '',
    ...(typeof a.application === 'string' && { application: a.application }),
  }));
}

/** The addresses that reach the kube-apiserver, in their original order. */
export function kubeAPIServerAddresses(addresses: readonly AdvertisedAddress[]): AdvertisedAddress[] {
  return addresses.filter((a) => KUBE_APISERVER_ADDRESS_NAMES.includes(a.name));
}

/**
 * `https://` + the host[:port] of an address URL, as Go's `url.Parse(u).Host`: the scheme is forced to
 * https, userinfo, path, query and fragment are dropped, an explicit port is kept as written. A URL
 * without `scheme://` has no host (the result is `https://`, as in Gardener). Throws
 * {@link AddressParseError} with Go's text for a URL its parser refuses.
 */
export function serverURL(url: string): string {
  const parsed = parseGoURL(url);
  if (typeof parsed === 'string') throw new AddressParseError(parsed);
  return `https://${parsed.host}`;
}

/** Everything a kubeconfig is rendered from. */
export interface KubeconfigInput {
  namespace: string;
  shootName: string;
  /** Kept addresses (see {@link kubeAPIServerAddresses}); at least one. */
  addresses: readonly AdvertisedAddress[];
  /** PEM bundle of the shoot's cluster CA. */
  clusterCABundle: string;
  clientCertificatePem: string;
  clientKeyPem: string;
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Renders the kubeconfig YAML. Throws {@link AddressParseError} for an unusable address URL. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const authName = `${input.namespace}--${input.shootName}`;
  const clusters = input.addresses.map((a) => {
    const cluster: Record<string, string> = {};
    if (a.name !== WILDCARD_ADDRESS_NAME) cluster['certificate-authority-data'] = b64(input.clusterCABundle);
    cluster.server = serverURL(a.url);
    return { cluster, name: `${authName}-${a.name}` };
  });
  const first = clusters[0]?.name ?? '';
  const config = {
    apiVersion: 'v1',
    clusters,
    contexts: clusters.map((c) => ({ context: { cluster: c.name, user: first }, name: c.name })),
    'current-context': first,
    kind: 'Config',
    preferences: {},
    users: [
      {
        name: first,
        user: { 'client-certificate-data': b64(input.clientCertificatePem), 'client-key-data': b64(input.clientKeyPem) },
      },
    ],
  };
  // As clientcmd's codec writes it (JSON converted by go-yaml): sorted keys, a sequence's items at its key's indentation.
  return toYaml(config);
}
