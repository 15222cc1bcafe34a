/**
 * A {@link KVBackend} that forwards every call to another one, for test wrappers that observe or
 * disturb a few calls and override just those.
 */
import type { KVBackend, KVWatch, KVWatchHandlers, KeyValue, RangeOptions, RangeResult, TxnResult } from '../../../storage/interface.js';

export class ForwardingBackend implements KVBackend {
  constructor(readonly inner: KVBackend) {}

  get(key: string, revision?: number): Promise<{ kv?: KeyValue; revision: number }> {
    return this.inner.get(key, revision);
  }
  modRevision(key: string): Promise<{ modRevision?: number; revision: number }> {
    return this.inner.modRevision(key);
  }
  range(start: string, end: string, opts?: RangeOptions): Promise<RangeResult> {
    return this.inner.range(start, end, opts);
  }
  create(key: string, value: Uint8Array): Promise<TxnResult> {
    return this.inner.create(key, value);
  }
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<TxnResult> {
    return this.inner.update(key, value, expectedModRevision);
  }
  delete(key: string, expectedModRevision: number): Promise<TxnResult> {
    return this.inner.delete(key, expectedModRevision);
  }
  watch(prefix: string, afterRevision: number, handlers: KVWatchHandlers): KVWatch {
    return this.inner.watch(prefix, afterRevision, handlers);
  }
  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }
  compactedRevision(maxAgeMs?: number): Promise<number> {
    return this.inner.compactedRevision(maxAgeMs);
  }
  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }
  checkHealth(): Promise<void> {
    return this.inner.checkHealth();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
