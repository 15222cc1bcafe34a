/**
 * The re-encryption lock on etcd, so only one replica rewrites at a time. Each replica holds a session:
 * an etcd lease (TTL 15 s by default) kept alive by the `etcd3` package. The lock is a key put with a
 * transaction "if create_revision(key) == 0" and attached to the session's lease, so it disappears when
 * the holder releases it, revokes its lease, or stops keeping it alive (crash, partition). Others retry
 * every `retryIntervalMs`. When the lease is lost (etcd says so, or no keep-alive succeeded for most of
 * the TTL) the handle's `lost` resolves and the holder stops.
 *
 * The same lease carries this replica's announcement of its write targets (see {@link ReplicaRegistry}).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Lease } from 'etcd3';
import type { Namespace } from 'etcd3/lib/namespace.js';
import type { EtcdConnection } from '../etcd3/connection.js';
import { sleep } from './throttle.js';
import type { LockHandle, ReencryptionLock, ReplicaRegistry } from './types.js';

/** Options of {@link EtcdReencryptionLock}. */
export interface EtcdLockOptions {
  /**
   * The connection to etcd (the storage backend's): calls follow its member health and its renewed
   * client certificates. The lock does not close it.
   */
  connection: EtcdConnection;
  /** The lock key; see {@link reencryptionLockKeys}. */
  key: string;
  /** Prefix of the replicas' announcements (ends with `/`); see {@link reencryptionLockKeys}. */
  replicasPrefix: string;
  /** Lease TTL in seconds (default 15). */
  ttlSeconds?: number;
  /** Time between attempts to take a held lock (default 1000 ms). */
  retryIntervalMs?: number;
  /** Name of this replica in the lock value and its announcement (default `<hostname>-<pid>-<random>`). */
  identity?: string;
  /** Called with failures of etcd requests made while waiting (they are retried). */
  onError?: (err: unknown) => void;
}

/** The lock key and replica prefix under an etcd prefix (`--etcd-prefix`). */
export function reencryptionLockKeys(etcdPrefix: string): { key: string; replicasPrefix: string } {
  const base = `${etcdPrefix.replace(/\/+$/, '')}/garden-apiserver`;
  return { key: `${base}/reencryption-lock`, replicasPrefix: `${base}/reencryption-replicas/` };
}

/** One granted lease of this replica. */
interface Session {
  lease: Lease;
  id: string;
  lost: Promise<void>;
  isLost(): boolean;
  /** Marks the session lost and stops its watchdog. */
  end(): void;
  /** Ends the session without asking for a new one and revokes its lease (best effort). */
  discard(): void;
}

const DEFAULT_TTL_SECONDS = 15;
/** How long `close` waits for etcd to revoke the lease. */
const CLOSE_WAIT_MS = 2000;

/** `p`, or a rejection with the signal's reason once it aborts (the work behind `p` goes on). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([p, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** {@link ReencryptionLock} and {@link ReplicaRegistry} on etcd leases. Call {@link close} when done. */
export class EtcdReencryptionLock implements ReencryptionLock, ReplicaRegistry {
  readonly identity: string;
  readonly #client: Namespace;
  readonly #ttlSeconds: number;
  readonly #retryMs: number;
  #session: Promise<Session> | undefined;
  #announcement: string | undefined;
  #closed = false;

  constructor(private readonly opts: EtcdLockOptions) {
    this.identity = opts.identity ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.#client = opts.connection.client;
    this.#ttlSeconds = Math.max(1, Math.round(opts.ttlSeconds ?? DEFAULT_TTL_SECONDS));
    this.#retryMs = opts.retryIntervalMs ?? 1000;
  }

  async acquire(signal: AbortSignal): Promise<LockHandle> {
    for (;;) {
      signal.throwIfAborted();
      this.#throwIfClosed();
      try {
        const session = await untilAborted(this.#currentSession(), signal);
        const handle = await untilAborted(this.#tryLock(session), signal);
        if (handle !== undefined) return handle;
      } catch (e: unknown) {
        signal.throwIfAborted();
        this.opts.onError?.(e);
      }
      await sleep(this.#retryMs, signal);
    }
  }

  async publish(targets: Readonly<Record<string, string>>): Promise<void> {
    this.#throwIfClosed();
    this.#announcement = JSON.stringify(targets);
    const session = await this.#currentSession();
    await session.lease.put(this.#replicaKey()).value(this.#announcement);
  }

  async peers(): Promise<Array<Readonly<Record<string, string>>>> {
    this.#throwIfClosed();
    const values = await this.#client.getAll().prefix(this.opts.replicasPrefix).strings();
    const out: Array<Record<string, string>> = [];
    for (const value of Object.values(values)) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (typeof parsed === 'object' && parsed !== null) out.push(parsed as Record<string, string>);
      } catch {
        // A foreign or broken announcement says nothing about targets.
      }
    }
    return out;
  }

  /** Revokes the lease (dropping the lock and the announcement); later calls fail. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const session = await this.#session?.catch(() => undefined);
    if (session !== undefined && !session.isLost()) {
      session.end();
      // An etcd that does not answer lets the lease expire on its own; shutdown does not wait for it.
      await untilAborted(session.lease.revoke(), AbortSignal.timeout(CLOSE_WAIT_MS)).catch(() => undefined);
    }
  }

  #replicaKey(): string {
    return `${this.opts.replicasPrefix}${this.identity}`;
  }

  #throwIfClosed(): void {
    if (this.#closed) throw new Error('the re-encryption lock is closed');
  }

  /** The live session, or a new one (with the announcement re-put) when there is none or it was lost. */
  #currentSession(): Promise<Session> {
    if (this.#closed) return Promise.reject(new Error('the re-encryption lock is closed'));
    const existing = this.#session;
    const fresh = async (): Promise<Session> => {
      const current = await existing?.catch(() => undefined);
      if (current !== undefined && !current.isLost()) return current;
      const session = await this.#grant();
      if (this.#announcement !== undefined) {
        try {
          await session.lease.put(this.#replicaKey()).value(this.#announcement);
        } catch (e: unknown) {
          // Whoever asked retries with a session of its own: this one must neither linger nor renew.
          session.discard();
          throw e;
        }
      }
      return session;
    };
    this.#session = fresh();
    this.#session.catch(() => undefined);
    return this.#session;
  }

  /** After a lost session: a new one soon (retried), so the announcement comes back by itself. */
  #renew(): void {
    if (this.#closed || this.#announcement === undefined) return;
    const timer = setTimeout(() => {
      this.#currentSession().catch((e: unknown) => {
        this.opts.onError?.(e);
        this.#renew();
      });
    }, this.#retryMs);
    timer.unref();
  }

  /** Grants a lease and watches it: lost when etcd says so or no keep-alive succeeded for 80% of the TTL. */
  async #grant(): Promise<Session> {
    const ttlMs = this.#ttlSeconds * 1000;
    const lease = this.#client.lease(this.#ttlSeconds);
    let lost = false;
    let markLost = (): void => undefined;
    const lostPromise = new Promise<void>((resolve) => {
      markLost = resolve;
    });
    let lastKeepAlive = Date.now();
    const watchdog = setInterval(() => {
      if (Date.now() - lastKeepAlive > ttlMs * 0.8) end();
    }, Math.max(50, ttlMs / 8));
    watchdog.unref();
    let granted = false;
    /**
     * Marks the session lost; a session that was granted asks for a new one (see {@link #renew}). One
     * that never was is retried by whoever asked for it: renewing too (the lease reports a failed grant
     * as lost as well) would double the attempts with each failure.
     */
    const end = (renew = granted): void => {
      if (lost) return;
      lost = true;
      clearInterval(watchdog);
      lease.release();
      markLost();
      if (renew) this.#renew();
    };
    lease.on('keepaliveSucceeded', () => {
      lastKeepAlive = Date.now();
    });
    lease.on('lost', () => end());
    try {
      const id = await lease.grant();
      granted = true;
      lastKeepAlive = Date.now();
      const discard = (): void => {
        end(false);
        lease.revoke().catch(() => undefined);
      };
      return { lease, id, lost: lostPromise, isLost: () => lost, end: () => end(), discard };
    } catch (e: unknown) {
      end();
      throw e;
    }
  }

  /**
   * One attempt: put the lock key with the session's lease unless it exists. A key that exists on the
   * session's own lease is this replica's: an earlier attempt was applied although its answer did not
   * arrive in time.
   */
  async #tryLock(session: Session): Promise<LockHandle | undefined> {
    const key = Buffer.from(this.opts.key, 'utf8');
    const resp = await this.#client
      .if(key, 'Create', '==', 0)
      .then({ request_put: { key, value: Buffer.from(this.identity, 'utf8'), lease: session.id } })
      .else({ request_range: { key } })
      .commit();
    let createRevision = String(resp.header.revision);
    if (!resp.succeeded) {
      const held = resp.responses[0]?.response_range?.kvs[0];
      if (held === undefined || String(held.lease) !== String(session.id)) return undefined;
      createRevision = String(held.create_revision);
    }
    let released = false;
    return {
      lost: session.lost,
      release: async () => {
        if (released) return;
        released = true;
        if (session.isLost()) return;
        // Delete only our own lock key (a later holder's key has another create revision).
        await this.#client
          .if(key, 'Create', '==', createRevision)
          .then({ request_delete_range: { key } })
          .commit()
          .catch((e: unknown) => this.opts.onError?.(e));
      },
    };
  }
}
