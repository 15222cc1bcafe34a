/** Times every backend call into `garden_apiserver_storage_request_duration_seconds`. */
import type { KVBackend } from '../storage/interface.js';
import type { ServerMetrics } from './metrics.js';

const TIMED = ['get', 'range', 'create', 'update', 'delete', 'compact'] as const;

/** A backend that records the latency of each call, by operation. */
export function instrumentBackend(backend: KVBackend, name: string, metrics: ServerMetrics): KVBackend {
  const timed = Object.create(backend) as KVBackend;
  for (const op of TIMED) {
    const original = backend[op].bind(backend) as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(timed, op, {
      value: async (...args: unknown[]) => {
        const end = metrics.storageLatency.startTimer({ backend: name, operation: op });
        try {
          return await original(...args);
        } finally {
          end();
        }
      },
    });
  }
  return timed;
}
