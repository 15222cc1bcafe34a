/**
 * Benchmark helper: drives the whole issuance path in-process (decode, validation, group decision, Shoot,
 * client CA from a synced {@link ClientCACache}, cluster CA, certificate, kubeconfig) with stubbed I/O, at
 * a given concurrency, and reports throughput and latency percentiles. The HTTP benchmark is separate;
 * this isolates the cost of issuing.
 */
import { ClientCACache } from '../../registry/kubeconfig/ca-cache.js';
import { ClientCertificateIssuer } from '../../registry/kubeconfig/certificate.js';
import { KubeconfigIssuer } from '../../registry/kubeconfig/issue.js';
import { clientKeySource, RsaKeyPool, type ClientKeyType, type RsaKeyPoolOptions } from '../../registry/kubeconfig/keys.js';
import { caSecretData, createTestCA } from '../support/test-ca.js';

/** What to run. */
export interface IssuanceBenchOptions {
  keyType: ClientKeyType;
  concurrency: number;
  /** Requests to issue in total. */
  requests: number;
  /** Options of the RSA key pool (only for `rsa-3072`). */
  rsaPool?: RsaKeyPoolOptions;
  /** Wait until the RSA pool is full before measuring (default true). */
  warm?: boolean;
  /** RSA modulus of the client CA (default 3072, as gardenlet's). */
  caBits?: number;
}

/** Measured results. */
export interface IssuanceBenchResult {
  keyType: ClientKeyType;
  concurrency: number;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Issues `requests` kubeconfigs at `concurrency` and measures them. */
export async function benchmarkIssuance(opts: IssuanceBenchOptions): Promise<IssuanceBenchResult> {
  const ca = await createTestCA('rsa-pkcs1', { rsaBits: opts.caBits ?? 3072 });
  const secret = { metadata: { namespace: 'garden-bench', name: 'shoot.ca-client', resourceVersion: '1' }, data: caSecretData(ca) };
  const cache = new ClientCACache({ list: async () => [secret], watch: () => ({ stop: () => undefined, [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => undefined) }) }) });
  await cache.start();
  const keys = clientKeySource(opts.keyType, opts.rsaPool);
  if (keys instanceof RsaKeyPool && opts.warm !== false) await keys.warm();
  const shoot = { metadata: { name: 'shoot', namespace: 'garden-bench' }, status: { advertisedAddresses: [{ name: 'external', url: 'https://api.shoot.example.com' }] } };
  const issuer = new KubeconfigIssuer({
    decideGroup: async (kind) => `gardener.cloud:project:${kind}s`,
    getShoot: async () => structuredClone(shoot),
    clientCAs: cache,
    clusterCA: { get: async () => ca.certPem },
    certificates: new ClientCertificateIssuer(keys),
    maxExpirationSeconds: { admin: 86400, viewer: 86400 },
  });
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < opts.requests) {
      next++;
      const t = performance.now();
      await issuer.handle('admin', { namespace: 'garden-bench', shootName: 'shoot', user: { name: 'bench', groups: [] }, body: { spec: { expirationSeconds: 600 } } });
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  cache.stop();
  await keys.close();
  latencies.sort((a, b) => a - b);
  return {
    keyType: opts.keyType,
    concurrency: opts.concurrency,
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? 0,
  };
}
