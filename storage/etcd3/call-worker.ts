/**
 * Unary etcd calls made on a thread of their own. A call's gRPC work (HTTP/2 framing, protobuf
 * encoding and decoding, grpc-js' call stack) costs the event loop about a fifth of a create; here it
 * runs in a worker thread with channels of its own to the members, and the event loop only posts the
 * request and takes the decoded answer. The connection keeps choosing each call's member, deadline and
 * retries; the thread runs a call once, on the member it is told.
 *
 * One thread serves every connection of the process (it loads gRPC once). It starts with the first
 * connection and is ready after loading its modules, a fraction of a second; until then (and for
 * good should the thread fail) {@link CallWorker.ready} is false and the connection calls on its own
 * channels. Watch streams always stay on the connection's channels: their events feed the watch
 * cache on the event loop.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as etcd3 from 'etcd3';
import { castGrpcError, ClientClosedError, GRPCUnavailableError, type IOptions } from 'etcd3';

/** What a connection's channels in the thread are opened with. */
export interface CallWorkerOptions {
  endpoints: string[];
  credentials: IOptions['credentials'];
  grpcOptions: Record<string, unknown>;
}

/**
 * A call whose thread ended before it answered: it may or may not have been applied, and it says
 * nothing about its member.
 */
export class CallThreadLostError extends GRPCUnavailableError {}

/** A failed call as the thread reports it. */
interface PostedError {
  name: string;
  message: string;
  code?: number;
  stack?: string;
}

/** What the thread posts: that it is ready, or a call's answer. */
interface Posted {
  ready?: true;
  id?: number;
  res?: unknown;
  err?: PostedError;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** An answer waiting to be handed to its caller: a result or an error. */
interface Answer {
  call: Pending;
  res?: unknown;
  err?: Error;
  /** Bytes of keys and values in `res`. */
  bytes: number;
}

/**
 * The thread. Each connection has a pool of channels per set of credentials (renewed certificates
 * open a new one; the old one closes when its calls have settled). The pools' own fault handling is a
 * pass-through, as the connection's: a call runs once, on the member it names.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { ConnectionPool } = require(workerData.poolModule);
const { castGrpcError } = require(workerData.errorsModule);
const never = new AbortController().signal;
const noEvent = () => ({ dispose() {} });
const policy = { _altReturn: undefined, onSuccess: noEvent, onFailure: noEvent, execute: (fn) => fn({ signal: never }) };
const buffer = (b) => (b ? Buffer.from(b) : undefined);
const connections = new Map();
function open(c, credentials) {
  c.error = undefined;
  const options = { hosts: c.endpoints, grpcOptions: c.grpcOptions, faultHandling: { host: () => policy, global: policy } };
  if (credentials) options.credentials = { rootCertificate: buffer(credentials.rootCertificate), certChain: buffer(credentials.certChain), privateKey: buffer(credentials.privateKey) };
  let pool;
  try {
    pool = new ConnectionPool(options);
  } catch (err) {
    c.error = failure(err);
    return;
  }
  const set = { pool, hosts: pool.hosts, active: 0, retired: false };
  c.pools.add(set);
  c.current = set;
}
function retire(c, set) {
  set.retired = true;
  if (set.active === 0) { set.pool.close(); c.pools.delete(set); }
}
function* only(host) { for (;;) yield host; }
function failure(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.constructor.name, message: e.message, code: typeof e.code === 'number' ? e.code : undefined, stack: e.stack };
}
function run(set, m) {
  const unary = ({ client, metadata }) => new Promise((resolve, reject) => {
    const fn = client[m.method];
    if (typeof fn !== 'function') return reject(new Error('etcd: no gRPC method ' + m.method));
    fn.call(client, m.params, metadata, { deadline: new Date(m.deadline) }, (err, res) => (err ? reject(castGrpcError(err)) : resolve(res)));
  });
  try {
    return set.pool.withConnection(m.service, unary, only(set.hosts[m.member]));
  } catch (err) {
    return Promise.reject(err);
  }
}
function call(m) {
  const c = connections.get(m.conn);
  if (c === undefined) return parentPort.postMessage({ id: m.id, err: { name: 'ClientClosedError', message: 'etcd client is closed' } });
  if (c.error !== undefined) return parentPort.postMessage({ id: m.id, err: c.error });
  const set = c.current;
  set.active++;
  run(set, m).then((res) => parentPort.postMessage({ id: m.id, res }), (err) => parentPort.postMessage({ id: m.id, err: failure(err) })).finally(() => {
    set.active--;
    if (set.retired && set.active === 0) { set.pool.close(); c.pools.delete(set); }
  });
}
parentPort.on('message', (m) => {
  if (m.type === 'call') return call(m);
  if (m.type === 'open') {
    const c = { endpoints: m.endpoints, grpcOptions: m.grpcOptions, pools: new Set(), current: undefined, error: undefined };
    connections.set(m.conn, c);
    return open(c, m.credentials);
  }
  const c = connections.get(m.conn);
  if (c === undefined) return;
  if (m.type === 'credentials') { const old = c.current; open(c, m.credentials); if (old !== undefined && old !== c.current) retire(c, old); }
  else if (m.type === 'close') { connections.delete(m.conn); for (const set of [...c.pools]) retire(c, set); }
});
parentPort.postMessage({ ready: true });
`;

/** Bytes of answers (keys and values) handed to their callers per turn of the event loop: grpc-js' HTTP/2 window. */
const ANSWER_BYTES_PER_TURN = 64 * 1024;

/** The modules the thread loads the etcd3 connection pool and errors from (resolved here: eval'd code has no base). */
const POOL_MODULE = createRequire(import.meta.url).resolve('etcd3/lib/connection-pool.js');
const ERRORS_MODULE = createRequire(import.meta.url).resolve('etcd3/lib/errors.js');

/** The process's call thread: its calls in flight and the connections it serves. */
class CallThread {
  ready = false;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly clients = new Set<CallWorker>();
  private nextId = 0;
  /** Answers waiting for their turn (see {@link settleAnswers}). */
  private readonly answers: Answer[] = [];
  private settling = false;
  /** Whether the thread ended: calls stay on the connections' own channels from then on. */
  private failed = false;

  /** Serves `client` from now on (starting the thread with the first). */
  attach(client: CallWorker): void {
    this.clients.add(client);
    if (this.worker !== undefined) this.open(client);
    else if (!this.failed) this.start();
  }

  detach(client: CallWorker): void {
    this.clients.delete(client);
    this.worker?.postMessage({ type: 'close', conn: client.id });
  }

  post(message: { type: string; conn: number } & Record<string, unknown>): void {
    this.worker?.postMessage(message);
  }

  call<T>(message: Record<string, unknown>): Promise<T> {
    const worker = this.worker;
    if (worker === undefined) return Promise.reject(new CallThreadLostError('the etcd call thread is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      worker.postMessage({ ...message, type: 'call', id });
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
  }

  private open(client: CallWorker): void {
    this.worker?.postMessage({ type: 'open', conn: client.id, ...client.channelOptions() });
  }

  private start(): void {
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { poolModule: POOL_MODULE, errorsModule: ERRORS_MODULE } });
    this.worker = worker;
    worker.unref();
    for (const client of this.clients) this.open(client);
    worker.on('message', (p: Posted) => this.receive(p));
    worker.on('error', (err: Error) => this.lost(worker, err));
    worker.on('exit', (code: number) => this.lost(worker, new Error(`exit code ${code}`)));
  }

  private receive(p: Posted): void {
    if (p.ready === true) {
      this.ready = true;
      return;
    }
    const call = p.id === undefined ? undefined : this.pending.get(p.id);
    if (call === undefined || p.id === undefined) return;
    this.pending.delete(p.id);
    if (this.pending.size === 0) this.worker?.unref();
    // Failures wait their turn behind earlier answers: arrival order is what callers saw on their own
    // channels (a probe's success handed over after a later failure would clear that failure's suspicion).
    const sized = { bytes: 0 };
    if (p.err !== undefined) this.enqueue({ call, err: errorOf(p.err), bytes: 0 });
    else this.enqueue({ call, res: withBuffers(p.res, sized), bytes: sized.bytes });
  }

  private enqueue(answer: Answer): void {
    this.answers.push(answer);
    if (!this.settling) {
      this.settling = true;
      setImmediate(() => this.settleAnswers());
    }
  }

  /**
   * Hands answers to their callers, {@link ANSWER_BYTES_PER_TURN} of keys and values per turn of the
   * event loop (at least one answer). The thread reads etcd's answers as fast as they come; handed
   * over as they arrived, every answer of a turn was handled in that turn, and in GET floods, where
   * each batched read answers up to 64 requests, the event loop's delay rose (p99 119 and 133 ms
   * against 96 and 101 ms with 2,000 clients). On the event loop's own channels HTTP/2 flow control
   * had spread them over turns in the same way.
   */
  private settleAnswers(): void {
    let bytes = 0;
    while (bytes < ANSWER_BYTES_PER_TURN) {
      const a = this.answers.shift();
      if (a === undefined) break;
      bytes += a.bytes;
      if (a.err !== undefined) a.call.reject(a.err);
      else a.call.resolve(a.res);
    }
    if (this.answers.length > 0) setImmediate(() => this.settleAnswers());
    else this.settling = false;
  }

  /**
   * The thread ended (it never does unless something in it failed): its calls fail with an unknown
   * outcome, and the connections make their calls on their own channels from then on.
   */
  private lost(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failed = true;
    this.ready = false;
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) this.enqueue({ call, err: new CallThreadLostError(`the etcd call thread ended: ${err.message}`), bytes: 0 });
  }
}

const thread = new CallThread();
let nextConnection = 0;

/** One connection's unary calls through the process's call thread (see the module comment). */
export class CallWorker {
  readonly id = nextConnection++;
  private credentials: IOptions['credentials'];
  private closed = false;

  constructor(private readonly opts: CallWorkerOptions) {
    this.credentials = opts.credentials;
    thread.attach(this);
  }

  /** Whether calls may be made here: the thread has started and loaded its modules. */
  get ready(): boolean {
    return thread.ready && !this.closed;
  }

  /**
   * Calls `method` of `service` on member `member` (index in the endpoint list) before `deadline`.
   * Failures are the etcd3 package's typed errors, as its clients raise them.
   */
  call<T>(member: number, service: string, method: string, params: unknown, deadline: Date): Promise<T> {
    if (this.closed) return Promise.reject(new ClientClosedError(service));
    return thread.call<T>({ conn: this.id, member, service, method, params, deadline: deadline.getTime() });
  }

  /** New calls connect with `credentials`; calls running on the old channels finish there. */
  updateCredentials(credentials: IOptions['credentials']): void {
    this.credentials = credentials;
    thread.post({ type: 'credentials', conn: this.id, credentials });
  }

  /** Closes the channels once their running calls have settled; later calls fail with ClientClosedError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    thread.detach(this);
  }

  /** What the thread opens this connection's channels with. */
  channelOptions(): Record<string, unknown> {
    return { endpoints: this.opts.endpoints, grpcOptions: this.opts.grpcOptions, credentials: this.credentials };
  }
}

/** The etcd3 package's error classes by name, to give a posted failure its type back. */
const ERROR_TYPES = new Map<string, new (message: string) => Error>();
for (const [name, value] of Object.entries(etcd3 as Record<string, unknown>)) {
  if (typeof value === 'function' && value.prototype instanceof Error) ERROR_TYPES.set(name, value as new (message: string) => Error);
}

/** A posted failure as the error the call would have raised on this thread. */
function errorOf(p: PostedError): Error {
  const type = ERROR_TYPES.get(p.name);
  if (type === undefined) return castGrpcError(Object.assign(new Error(p.message), p.code !== undefined && { code: p.code }));
  // Constructed, so that its instance fields are set (the package's mark of recoverable failures);
  // the message is the one posted (some constructors make their own from other arguments).
  const e = new type(p.message);
  Object.defineProperties(e, { message: { value: p.message, writable: true, configurable: true }, stack: { value: p.stack ?? `${p.name}: ${p.message}`, writable: true, configurable: true } });
  return e;
}

/**
 * `value` with the byte arrays the structured clone made of its Buffers turned back into Buffers (in
 * place); their lengths are added to `sized.bytes`.
 */
function withBuffers(value: unknown, sized: { bytes: number }): unknown {
  if (value instanceof Uint8Array) {
    sized.bytes += value.byteLength;
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = withBuffers(value[i], sized);
  } else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    for (const k in o) o[k] = withBuffers(o[k], sized);
  }
  return value;
}
