/**
 * Times every backend call into `garden_apiserver_storage_request_duration_seconds` and counts open
 * backend watches (one per resource with the watch cache, however many clients watch).
 */
import type { KVBackend } from '../storage/interface.js';
import type { ServerMetrics } from './metrics.js';

const TIMED = ['get', 'modRevision', 'range', 'create', 'update', 'delete', 'compact'] as const;

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
  const watch = backend.watch.bind(backend);
  Object.defineProperty(timed, 'watch', {
    value: (prefix: string, after: number, handlers: Parameters<KVBackend['watch']>[2]) => {
      const w = watch(prefix, after, handlers);
      metrics.storageWatches.inc({ backend: name });
      let open = true;
      const cancel = w.cancel.bind(w);
      w.cancel = () => {
        if (open) metrics.storageWatches.dec({ backend: name });
        open = false;
        cancel();
      };
      return w;
    },
  });
  return timed;
}
