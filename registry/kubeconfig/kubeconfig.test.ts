import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { advertisedAddresses, kubeAPIServerAddresses, renderKubeconfig, serverURL, type AdvertisedAddress } from './kubeconfig.js';

const CA = '-----BEGIN CERTIFICATE-----\nY2x1c3Rlcg==\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nY2xpZW50\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\na2V5\n-----END EC PRIVATE KEY-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const SHOOT_ADDRESSES: AdvertisedAddress[] = [
  { name: 'external', url: 'https://api.my-shoot.dev.example.com' },
  { name: 'wildcard-tls-seed-bound', url: 'https://api-my-shoot.ingress.seed.example.com:443/some/path' },
  { name: 'internal', url: 'http://api.my-shoot.internal.example.com:8443' },
  { name: 'service-account-issuer', url: 'https://discovery.example.com/projects/dev/shoots/uid/issuer' },
  { name: 'ingress/foo', url: 'https://foo.example.com' },
];

describe('registry/kubeconfig kubeconfig', () => {
  it('keeps only kube-apiserver addresses, in order', () => {
    const kept = kubeAPIServerAddresses([{ name: 'unmanaged', url: 'https://u' }, ...SHOOT_ADDRESSES]);
    assert.deepEqual(kept.map((a) => a.name), ['unmanaged', 'external', 'wildcard-tls-seed-bound', 'internal']);
    assert.deepEqual(kubeAPIServerAddresses(SHOOT_ADDRESSES.slice(3)), []);
  });

  it('reads status.advertisedAddresses leniently', () => {
    assert.deepEqual(advertisedAddresses({}), []);
    assert.deepEqual(advertisedAddresses({ status: { advertisedAddresses: [{ name: 'external', url: 'https://x' }, 'junk', { name: 3 }] } }), [
      { name: 'external', url: 'https://x' },
      { name: '', url: '' },
    ]);
  });

  const urls: [string, string][] = [
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['http://api.example.com:8080/path?q=1#f', 'https://api.example.com:8080'],
    ['https://api.example.com:443', 'https://api.example.com:443'],
    ['HTTPS://user:pw@api.example.com:6443/x', 'https://api.example.com:6443'],
    ['https://[2001:db8::1]:443', 'https://[2001:db8::1]:443'],
    ['api.example.com', 'https://'],
  ];
  for (const [url, want] of urls) {
    it(`server of ${url} is ${want}`, () => assert.equal(serverURL(url), want));
  }
  it('rejects URLs with control characters', () => assert.throws(() => serverURL('https://a\nb'), /invalid control character/));
  it("rejects URLs Go's url.Parse refuses, with its text", () => {
    assert.throws(() => serverURL('https://[::1'), { message: `parse "https://[::1": missing ']' in host` });
    assert.throws(() => serverURL('https://a b'), { message: 'parse "https://a b": invalid character " " in host name' });
  });

  it('renders clusters, contexts, one user and the current context', () => {
    const yaml = renderKubeconfig({
      namespace: 'garden-dev',
      shootName: 'my-shoot',
      addresses: kubeAPIServerAddresses(SHOOT_ADDRESSES),
      clusterCABundle: CA,
      clientCertificatePem: CERT,
      clientKeyPem: KEY,
    });
    const first = 'garden-dev--my-shoot-external';
    assert.deepEqual(parse(yaml), {
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      'current-context': first,
      clusters: [
        { name: first, cluster: { 'certificate-authority-data': b64(CA), server: 'https://api.my-shoot.dev.example.com' } },
        { name: 'garden-dev--my-shoot-wildcard-tls-seed-bound', cluster: { server: 'https://api-my-shoot.ingress.seed.example.com:443' } },
        { name: 'garden-dev--my-shoot-internal', cluster: { 'certificate-authority-data': b64(CA), server: 'https://api.my-shoot.internal.example.com:8443' } },
      ],
      contexts: [
        { name: first, context: { cluster: first, user: first } },
        { name: 'garden-dev--my-shoot-wildcard-tls-seed-bound', context: { cluster: 'garden-dev--my-shoot-wildcard-tls-seed-bound', user: first } },
        { name: 'garden-dev--my-shoot-internal', context: { cluster: 'garden-dev--my-shoot-internal', user: first } },
      ],
      users: [{ name: first, user: { 'client-certificate-data': b64(CERT), 'client-key-data': b64(KEY) } }],
    });
    // Kubernetes' encoder order, no folded lines.
    assert.deepEqual(
      yaml.split('\n').filter((l) => /^[^\s-]/.test(l)).map((l) => l.split(':')[0]),
      ['apiVersion', 'clusters', 'contexts', 'current-context', 'kind', 'preferences', 'users'],
    );
    assert.ok(yaml.split('\n').some((l) => l.includes(`certificate-authority-data: ${b64(CA)}`)));
    // go-yaml's layout: a sequence's items at its key's indentation.
    assert.ok(yaml.startsWith(`apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ${b64(CA)}\n    server: https://api.my-shoot.dev.example.com\n  name: ${first}\n- cluster:`), yaml);
    assert.ok(yaml.includes(`\ncontexts:\n- context:\n    cluster: ${first}\n    user: ${first}\n  name: ${first}\n`), yaml);
    assert.ok(yaml.endsWith(`\nkind: Config\npreferences: {}\nusers:\n- name: ${first}\n  user:\n    client-certificate-data: ${b64(CERT)}\n    client-key-data: ${b64(KEY)}\n`), yaml);

    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    assert.equal(kc.getCurrentContext(), first);
    assert.equal(kc.getCurrentCluster()?.server, 'https://api.my-shoot.dev.example.com');
    assert.equal(kc.getCurrentUser()?.certData, b64(CERT));
    assert.equal(kc.getCluster('garden-dev--my-shoot-wildcard-tls-seed-bound')?.caData, undefined);
  });

  it('names the user after the first kept cluster', () => {
    const yaml = renderKubeconfig({
      namespace: 'ns',
      shootName: 's',
      addresses: [{ name: 'unmanaged', url: 'https://10.0.0.1:6443' }],
      clusterCABundle: CA,
      clientCertificatePem: CERT,
      clientKeyPem: KEY,
    });
    const cfg = parse(yaml) as { users: { name: string }[]; 'current-context': string };
    assert.equal(cfg['current-context'], 'ns--s-unmanaged');
    assert.deepEqual(cfg.users.map((u) => u.name), ['ns--s-unmanaged']);
  });
});
