/**
 * First-start bootstrap of standalone mode: CA, serving certificate, admin client certificate and
 * `admin.kubeconfig` under the data directory, generated once and reused on every later start.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CertKeyPair } from './pki.js';

/** Material of a bootstrapped data directory. */
export interface StandalonePKI {
  ca: CertKeyPair;
  serving: CertKeyPair;
  admin: CertKeyPair;
}

async function loadOrCreate(dir: string, name: string, create: () => Promise<CertKeyPair>): Promise<CertKeyPair> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  }
  const pair = await create();
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
  return pair;
}

/** Host names and addresses the serving certificate is valid for. */
export function servingNames(bindAddress: string): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = [...new Set(['localhost', hostname()])];
  const ips = new Set(['127.0.0.1', '::1']);
  if (bindAddress !== '' && bindAddress !== '0.0.0.0' && bindAddress !== '::') ips.add(bindAddress);
  return { dnsNames, ipAddresses: [...ips] };
}

/** The host part of a URL for the address the server listens on. */
export function urlHost(bindAddress: string): string {
  if (bindAddress === '' || bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::') return '[::1]';
  return bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
}

/** Renders a kubeconfig for one cluster and one client certificate user. */
export function renderKubeconfig(server: string, caPem: string, user: CertKeyPair, name = 'garden-apiserver'): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: 'admin', user: { 'client-certificate-data': b64(user.cert), 'client-key-data': b64(user.key) } }],
    contexts: [{ name, context: { cluster: name, user: 'admin' } }],
    'current-context': name,
    preferences: {},
  });
}

/**
 * Ensures the standalone PKI exists under `dataDir`, generating what is missing: an RSA CA, a P-256
 * serving certificate (cheap handshakes, see `ec-leaf.ts`) and an RSA admin client certificate. What
 * exists is kept as it is, whatever its key type. The certificate libraries are loaded only to generate
 * (first start), so that later starts reach listening sooner.
 */
export async function bootstrapStandalone(dataDir: string, bindAddress: string): Promise<StandalonePKI> {
  const pkiDir = join(dataDir, 'pki');
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  const ca = await loadOrCreate(pkiDir, 'ca', async () => (await import('./pki.js')).createCA('garden-apiserver-ca'));
  const names = servingNames(bindAddress);
  const serving = await loadOrCreate(pkiDir, 'apiserver', async () =>
    (await import('./ec-leaf.js')).createEcLeaf(ca, { commonName: 'garden-apiserver', usage: 'server', ...names }),
  );
  const admin = await loadOrCreate(pkiDir, 'admin', async () =>
    (await import('./pki.js')).createLeaf(ca, { commonName: 'garden-admin', organizations: ['system:masters'], usage: 'client' }),
  );
  return { ca, serving, admin };
}

/** (Re)writes `<dataDir>/admin.kubeconfig` for the URL the server listens on; returns its path. */
export function writeAdminKubeconfig(dataDir: string, pki: StandalonePKI, server: string): string {
  const path = join(dataDir, 'admin.kubeconfig');
  writeFileSync(path, renderKubeconfig(server, pki.ca.cert, pki.admin), { mode: 0o600 });
  return path;
}
