/**
 * Periodic compaction for any {@link KVBackend} (kube-apiserver compacts etcd every
 * `--etcd-compaction-interval`, default 5 minutes), so history does not grow forever.
 */
import type { KVBackend } from './interface.js';

/** Options of {@link startCompactor}. */
export interface CompactorOptions {
  /** Time between compactions (default 300000 ms, 5 minutes). */
  intervalMs?: number;
  /** Revisions of history kept behind the current one (default 1000). */
  retainRevisions?: number;
  /** Called with a failed compaction's error (default: written to stderr). */
  onError?: (err: unknown) => void;
}

/** A running compactor. */
export interface Compactor {
  /** Runs one compaction now; resolves with the revision compacted to (0 when nothing was done). */
  runOnce(): Promise<number>;
  /** Stops the timer; a compaction in flight still completes. */
  stop(): void;
}

/**
 * Compacts `backend` to `current - retainRevisions` every `intervalMs`. Never compacts backwards or
 * below revision 1; the timer does not keep the process alive.
 */
export function startCompactor(backend: KVBackend, opts: CompactorOptions = {}): Compactor {
  const retain = Math.max(0, opts.retainRevisions ?? 1000);
  const onError = opts.onError ?? ((err: unknown) => console.error('storage compaction failed:', err));
  let running: Promise<number> | undefined;

  const compactOnce = async (): Promise<number> => {
    const target = (await backend.currentRevision()) - retain;
    if (target < 1 || target <= (await backend.compactedRevision())) return 0;
    await backend.compact(target);
    return target;
  };
  const runOnce = (): Promise<number> => {
    running ??= compactOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    runOnce().catch(onError);
  }, opts.intervalMs ?? 300_000);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
