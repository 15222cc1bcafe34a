/**
 * Single-key reads at the latest revision, sent to etcd together. The reads asked for within one
 * event-loop turn leave at the end of it as one read-only transaction of up to {@link MAX_READS}
 * ranges: one gRPC call and one linearizable read in etcd instead of one each. A GET flood costs the
 * client library and etcd most of their CPU per call, not per key: a transaction of 32 ranges costs
 * each side about a sixth of 32 single ranges.
 *
 * Each read still sees every write acknowledged before it was asked for (the transaction is sent
 * after it, and etcd answers read-only transactions linearizably), and all reads of one transaction
 * see the same revision, which they report. A read asked for alone goes out as a plain range, in the
 * same turn's end, so an idle server adds no more than the rest of the turn to a read. A keys-only
 * read (the key's revisions without its value) goes out in the same transaction as the others.
 */
import type { IKeyValue, IRangeResponse, ITxnResponse } from 'etcd3';
import { StorageError } from '../errors.js';
import type { EtcdConnection } from './connection.js';

/**
 * Ranges per transaction at most: etcd refuses transactions of more operations than its
 * `--max-txn-ops` (128 by default); a member configured below this halves it on the first refusal.
 */
export const MAX_READS = 64;

/** What a read returns: the key-value when the key exists, and the revision it was read at. */
export interface LatestRead {
  kv?: IKeyValue;
  revision: number;
}

interface Waiter {
  key: string;
  /** Only the key's revisions, not its value. */
  keysOnly: boolean;
  resolve(read: LatestRead): void;
  reject(err: unknown): void;
}

const TOO_MANY_OPS = /too many operations in txn request/;

/** Batches single-key reads of the latest revision into read-only transactions. */
export class LatestReads {
  private pending: Waiter[] = [];
  private scheduled = false;

  constructor(
    private readonly connection: EtcdConnection,
    /** Ranges per transaction at most (lowered when etcd refuses that many). */
    private maxReads = MAX_READS,
  ) {}

  /**
   * Reads `key` at etcd's latest revision, together with the other reads of this turn; with
   * `keysOnly` the key-value carries the revisions but no value.
   */
  read(key: string, keysOnly = false): Promise<LatestRead> {
    return new Promise((resolve, reject) => this.enqueue({ key, keysOnly, resolve, reject }));
  }

  private enqueue(w: Waiter): void {
    this.pending.push(w);
    if (this.pending.length >= this.maxReads) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    for (let i = 0; i < batch.length; i += this.maxReads) void this.send(batch.slice(i, i + this.maxReads));
  }

  private async send(batch: Waiter[]): Promise<void> {
    const [first] = batch;
    if (first === undefined) return;
    try {
      if (batch.length === 1) {
        const resp: IRangeResponse = await this.connection.call('read', first.key, (o) => this.connection.kv.range(rangeOf(first), o));
        first.resolve(readOf(resp.kvs[0], resp.header.revision));
        return;
      }
      const req = { compare: [], success: batch.map((w) => ({ request_range: rangeOf(w) })), failure: [] };
      const resp: ITxnResponse = await this.connection.call('read', first.key, (o) => this.connection.kv.txn(req, o));
      batch.forEach((w, i) => w.resolve(readOf(resp.responses[i]?.response_range?.kvs[0], resp.header.revision)));
    } catch (e: unknown) {
      if (batch.length > 1 && e instanceof Error && TOO_MANY_OPS.test(e.message)) {
        this.maxReads = Math.max(1, batch.length >> 1);
        for (const w of batch) this.enqueue(w);
        return;
      }
      for (const w of batch) w.reject(w === first ? e : forKey(e, w.key));
    }
  }
}

/** The range request of one read. */
function rangeOf(w: Waiter): { key: Buffer; keys_only?: boolean } {
  return w.keysOnly ? { key: Buffer.from(w.key), keys_only: true } : { key: Buffer.from(w.key) };
}

function readOf(kv: IKeyValue | undefined, revision: string): LatestRead {
  return kv === undefined ? { revision: Number(revision) } : { kv, revision: Number(revision) };
}

/** The failure of a transaction of several reads, as the failure of the read of `key`. */
function forKey(e: unknown, key: string): unknown {
  if (!(e instanceof StorageError)) return e;
  const copy = Object.create(Object.getPrototypeOf(e) as object) as StorageError;
  Object.assign(copy, e, { key });
  Object.defineProperty(copy, 'message', { value: e.message, writable: true, configurable: true });
  Object.defineProperty(copy, 'stack', { value: e.stack, writable: true, configurable: true });
  return copy;
}
