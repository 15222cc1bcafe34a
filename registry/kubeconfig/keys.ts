/**
 * Client key pairs for issued certificates. `rsa-3072` (the default, what gardener-apiserver issues and
 * the only type gardenlogin accepts) keys take about 0.3-0.5 s of CPU each, so they come from
 * {@link RsaKeyPool}: keys generated ahead of time in worker threads (off the libuv threadpool, which
 * stays free for signing) and refilled in the background as they are used. `ecdsa-p256` keys are
 * generated on demand (a fraction of a millisecond); gardenlogin rejects them.
 */
import { generateKeyPair } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The `--kubeconfig-client-key-type` values. */
export type ClientKeyType = 'ecdsa-p256' | 'rsa-3072';
export const CLIENT_KEY_TYPES: readonly ClientKeyType[] = ['rsa-3072', 'ecdsa-p256'];
export const DEFAULT_CLIENT_KEY_TYPE: ClientKeyType = 'rsa-3072';
/** Keys the RSA pool keeps ready by default. */
export const DEFAULT_KEY_POOL_SIZE = 64;

/** Worker threads generating RSA keys by default: one per CPU but one, at least 1, at most 4. */
export function defaultKeyPoolWorkers(cpus = availableParallelism()): number {
  return Math.min(4, Math.max(1, cpus - 1));
}

/** Checks a `--kubeconfig-client-key-type` value; throws an `Error` naming the accepted values. */
export function parseClientKeyType(value: string): ClientKeyType {
  const found = CLIENT_KEY_TYPES.find((t) => t === value);
  if (found === undefined) throw new Error(`unsupported client key type ${JSON.stringify(value)}: must be one of ${CLIENT_KEY_TYPES.join(', ')}`);
  return found;
}

/** A fresh key pair: SPKI DER public key and PEM private key (PKCS#1 for RSA, SEC1 for EC). */
export interface ClientKeyPair {
  algorithm: 'rsa' | 'ec';
  publicKeySpki: Uint8Array;
  privateKeyPem: string;
}

/** Where issuance takes its client keys from. Each key is handed out exactly once. */
export interface ClientKeySource {
  readonly type: ClientKeyType;
  next(): Promise<ClientKeyPair>;
  /** Stops background work (worker threads). */
  close(): Promise<void>;
}

/** One key pair generated on the libuv threadpool (async `generateKeyPair`, the main thread stays free). */
function generateOnThreadpool(type: 'ec' | 'rsa', bits: number): Promise<ClientKeyPair> {
  const publicKeyEncoding = { type: 'spki', format: 'der' } as const;
  const done = (resolve: (k: ClientKeyPair) => void, reject: (e: Error) => void) => (err: Error | null, publicKey: Buffer, privateKey: string) => {
    if (err !== null) reject(err);
    else resolve({ algorithm: type, publicKeySpki: publicKey, privateKeyPem: privateKey });
  };
  return new Promise((resolve, reject) => {
    if (type === 'ec') {
      generateKeyPair('ec', { namedCurve: 'prime256v1', publicKeyEncoding, privateKeyEncoding: { type: 'sec1', format: 'pem' } }, done(resolve, reject));
    } else {
      generateKeyPair('rsa', { modulusLength: bits, publicKeyEncoding, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } }, done(resolve, reject));
    }
  });
}

/** ECDSA P-256 keys generated per request on the libuv threadpool; private keys as SEC1 `EC PRIVATE KEY`. */
export function ecdsaP256KeySource(): ClientKeySource {
  return { type: 'ecdsa-p256', next: () => generateOnThreadpool('ec', 256), close: async () => undefined };
}

/** Options of {@link RsaKeyPool}. */
export interface RsaKeyPoolOptions {
  /** Keys kept ready (default 64). Bursts up to this many requests never wait for key generation. */
  size?: number;
  /**
   * Worker threads generating keys, and so the refill rate (default {@link defaultKeyPoolWorkers}); 0
   * keeps no pool and generates each key when it is asked for, on the libuv threadpool.
   */
  workers?: number;
  /** Modulus length (default 3072; tests may use less). */
  bits?: number;
  /** Told about a worker that failed; the worker is replaced. The error never holds key material. */
  onError?: (err: Error) => void;
}

/** The pool's level and counters (for `/metrics`). */
export interface KeyPoolStats {
  /** Keys ready now. */
  available: number;
  /** Keys kept ready when the pool is full. */
  capacity: number;
  /** Worker threads generating keys. */
  workers: number;
  /** Keys generated since start. */
  generated: number;
  /** Requests that found the pool empty and waited for a key generated for them. */
  waited: number;
}

/** Runs in each worker: one key per message, PKCS#1 PEM private key and SPKI DER public key. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { generateKeyPairSync } = require('node:crypto');
parentPort.on('message', (bits) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  parentPort.postMessage({ publicKey: new Uint8Array(publicKey), privateKey });
});
`;

interface PoolWorker {
  worker: Worker;
  busy: boolean;
}

/** How long no key must have been taken before the pool refills ahead of demand. */
export const REFILL_QUIET_MS = 250;

/**
 * A pool of RSA key pairs generated ahead in worker threads. `next()` hands out a ready key at once; on
 * an empty pool the request waits (first come, first served) for the next key the workers generate, so
 * a drained pool degrades to on-demand generation at the workers' rate, never to errors. When no worker
 * thread can run at all, keys are generated per request on the libuv threadpool. Generation runs while
 * fewer than `size` keys are ready or requests are waiting, paced so that it does not compete with a
 * burst of requests (see mayRefill). Keys live in memory only and are handed out
 * once. Workers do not keep the process alive.
 */
export class RsaKeyPool implements ClientKeySource {
  readonly type: ClientKeyType = 'rsa-3072';
  private readonly size: number;
  private readonly bits: number;
  private readonly onError: ((err: Error) => void) | undefined;
  private readonly ready: ClientKeyPair[] = [];
  private readonly waiters: ((k: ClientKeyPair) => void)[] = [];
  private readonly workers: PoolWorker[] = [];
  private readonly fullWaiters: (() => void)[] = [];
  private generated = 0;
  private waited = 0;
  private closed = false;
  /** When a key was last handed out (ms, performance.now()). */
  private lastTaken = -Infinity;
  private quietTimer: NodeJS.Timeout | undefined;

  constructor(opts: RsaKeyPoolOptions = {}) {
    this.size = Math.max(0, opts.size ?? DEFAULT_KEY_POOL_SIZE);
    this.bits = opts.bits ?? 3072;
    this.onError = opts.onError;
    const count = Math.max(0, opts.workers ?? defaultKeyPoolWorkers());
    for (let i = 0; i < count; i++) {
      const pw = this.trySpawn();
      if (pw !== undefined) this.workers.push(pw);
    }
    this.fill();
  }

  /** Keys ready now. */
  get available(): number {
    return this.ready.length;
  }

  /** Level and counters. */
  stats(): KeyPoolStats {
    return { available: this.ready.length, capacity: this.size, workers: this.workers.length, generated: this.generated, waited: this.waited };
  }

  /** Resolves once the pool holds `size` keys (for warm-up before serving or benchmarking). */
  warm(): Promise<void> {
    if (this.ready.length >= this.size || this.workers.length === 0) return Promise.resolve();
    const full = new Promise<void>((resolve) => this.fullWaiters.push(resolve));
    this.updateRefs();
    return full;
  }

  next(): Promise<ClientKeyPair> {
    if (this.closed) return Promise.reject(new Error('the RSA key pool is closed'));
    const key = this.ready.shift();
    this.lastTaken = performance.now();
    if (key !== undefined) {
      this.fill();
      return Promise.resolve(key);
    }
    this.waited++;
    if (this.workers.length === 0) return this.generateInline();
    const result = new Promise<ClientKeyPair>((resolve) => this.waiters.push(resolve));
    this.fill();
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.quietTimer);
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }

  private async generateInline(): Promise<ClientKeyPair> {
    const key = await generateOnThreadpool('rsa', this.bits);
    this.generated++;
    return key;
  }

  /** A new worker, or undefined (reported) when the thread cannot be started. */
  private trySpawn(): PoolWorker | undefined {
    try {
      return this.spawn();
    } catch (e: unknown) {
      this.onError?.(e instanceof Error ? e : new Error(String(e)));
      return undefined;
    }
  }

  private spawn(): PoolWorker {
    const pw: PoolWorker = { worker: new Worker(WORKER_SOURCE, { eval: true, execArgv: [] }), busy: false };
    pw.worker.unref();
    pw.worker.on('message', (msg: { publicKey: Uint8Array; privateKey: string }) => {
      pw.busy = false;
      this.generated++;
      this.deliver({ algorithm: 'rsa', publicKeySpki: msg.publicKey, privateKeyPem: msg.privateKey });
      this.fill();
    });
    pw.worker.on('error', (err: Error) => this.replace(pw, err));
    return pw;
  }

  /** Replaces a failed worker; without any worker left, waiting requests get keys generated inline. */
  private replace(pw: PoolWorker, err: Error): void {
    this.onError?.(err);
    const i = this.workers.indexOf(pw);
    if (i < 0 || this.closed) return;
    void pw.worker.terminate();
    const fresh = this.trySpawn();
    if (fresh !== undefined) this.workers[i] = fresh;
    else this.workers.splice(i, 1);
    if (this.workers.length === 0) {
      for (const waiter of this.waiters.splice(0)) void this.generateInline().then(waiter, (e: unknown) => this.onError?.(e instanceof Error ? e : new Error(String(e))));
      this.fullWaiters.splice(0).forEach((f) => f());
    }
    this.fill();
  }

  private deliver(key: ClientKeyPair): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter(key);
      return;
    }
    this.ready.push(key);
    if (this.ready.length >= this.size) this.fullWaiters.splice(0).forEach((f) => f());
  }

  /**
   * Whether generating ahead may start now. Key generation takes a core for about half a second, so
   * while keys are being handed out in a burst it would slow the very requests it serves: refilling
   * waits until no key has been taken for {@link REFILL_QUIET_MS}, unless the pool is down to a quarter
   * or requests are waiting (then it always runs). Returns false and re-checks later otherwise.
   */
  private mayRefill(): boolean {
    if (this.waiters.length > 0 || this.ready.length < this.size / 4) return true;
    const quietFor = performance.now() - this.lastTaken;
    if (quietFor >= REFILL_QUIET_MS) return true;
    if (this.quietTimer === undefined) {
      this.quietTimer = setTimeout(() => {
        this.quietTimer = undefined;
        this.fill();
      }, REFILL_QUIET_MS - quietFor + 1);
      this.quietTimer.unref();
    }
    return false;
  }

  /** Starts generation on idle workers while more keys are wanted than are ready or on their way. */
  private fill(): void {
    if (this.closed) return;
    for (const pw of this.workers) {
      const inFlight = this.workers.filter((w) => w.busy).length;
      if (this.ready.length + inFlight >= this.size + this.waiters.length) break;
      if (pw.busy) continue;
      if (!this.mayRefill()) break;
      pw.busy = true;
      pw.worker.postMessage(this.bits);
    }
    this.updateRefs();
  }

  /** Busy workers keep the process alive only while someone waits for their key (next() or warm()). */
  private updateRefs(): void {
    const waited = this.waiters.length > 0 || this.fullWaiters.length > 0;
    for (const pw of this.workers) {
      if (pw.busy && waited) pw.worker.ref();
      else pw.worker.unref();
    }
  }
}

/** The key source for a `--kubeconfig-client-key-type`. */
export function clientKeySource(type: ClientKeyType, rsa: RsaKeyPoolOptions = {}): ClientKeySource {
  return type === 'rsa-3072' ? new RsaKeyPool(rsa) : ecdsaP256KeySource();
}
