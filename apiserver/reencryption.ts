/**
 * Wiring of background re-encryption: one rewriter over every served resource, a lease-based lock on
 * etcd (one replica at a time), progress in the log, in metrics and in `/readyz?verbose`.
 */
import type { EncryptionSource, ReencryptionResource } from '../storage/reencrypt/rewriter.js';
import { reencryptionProgressPrefix, startReencryption } from '../storage/reencrypt/rewriter.js';
import { EtcdReencryptionLock, reencryptionLockKeys } from '../storage/reencrypt/etcd-lock.js';
import { describeProgress, describeStatus } from '../storage/reencrypt/report.js';
import type { KVBackend } from '../storage/interface.js';
import type { EtcdConnection } from '../storage/etcd3/connection.js';
import type { HealthCheck } from './health.js';
import { logRepeatedFailure, type Logger } from './log.js';
import type { ServerMetrics } from './metrics.js';
import type { ServerOptions } from './options.js';

/** The running rewriter. */
export interface ReencryptionService {
  healthCheck: HealthCheck;
  configChanged(): void;
  stop(): Promise<void>;
}

function etcdLock(options: ServerOptions, etcd: EtcdConnection | undefined, log: Logger): EtcdReencryptionLock | undefined {
  if (etcd === undefined) return undefined;
  return new EtcdReencryptionLock({
    connection: etcd,
    ...reencryptionLockKeys(options.etcdPrefix),
    onError: logRepeatedFailure(log, 're-encryption lock: etcd request failed'),
  });
}

/**
 * Starts rewriting stale values of `resources` whenever the encryption configuration asks for it; on
 * etcd (`etcd`, the storage's connection) one replica at a time.
 */
export function startReencryptionService(
  options: ServerOptions,
  backend: KVBackend,
  resources: readonly ReencryptionResource[],
  encryption: EncryptionSource,
  metrics: ServerMetrics,
  log: Logger,
  etcd: EtcdConnection | undefined,
): ReencryptionService {
  const lock = etcdLock(options, etcd, log);
  const rewriter = startReencryption({
    backend,
    resources: [...resources],
    encryption,
    progressPrefix: reencryptionProgressPrefix(options.etcdPrefix),
    ...(lock !== undefined && { lock, replicas: lock }),
    onProgress: (p) => {
      if (p.state === 'failed') log.error('re-encryption', { progress: describeProgress(p) });
      // Only actual rewriting is logged at the default verbosity; state changes of idle resources at -v=1.
      else log.info('re-encryption', { progress: describeProgress(p) }, p.rewrittenDelta > 0 ? 0 : 1);
      if (p.rewrittenDelta > 0) metrics.reencryptedObjects.inc({ resource: p.resource }, p.rewrittenDelta);
    },
  });
  return {
    healthCheck: { name: 'reencryption', check: async () => {}, detail: () => describeStatus(rewriter.status()) },
    configChanged: () => rewriter.configChanged(),
    async stop() {
      await rewriter.stop();
      await lock?.close();
    },
  };
}
