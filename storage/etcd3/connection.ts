/**
 * The etcd connection of the etcd3 backend: a gRPC connection pool (from the `etcd3` package) with
 * our own fault handling. Every unary call carries a deadline, failures become typed storage errors
 * (`UnreachableError`, `TimeoutError`, `ExpiredError`, ...), and calls that could not reach a member
 * are retried on the others within the same deadline, so requests fail in bounded time while etcd is
 * down and work again as soon as it is back. Members that fail are avoided while others work
 * ({@link MemberHealth}).
 */
import { readFileSync } from 'node:fs';
import {
  castGrpcError,
  ClientClosedError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
  KVClient,
  MaintenanceClient,
  type IDuplexStream,
  type ICallable,
  type IOptions,
  type IWatchRequest,
  type IWatchResponse,
} from 'etcd3';
import type { ConnectionPool, Host } from 'etcd3/lib/connection-pool.js';
import { Namespace } from 'etcd3/lib/namespace.js';
import { ExpiredError, StorageError, TimeoutError, UnreachableError } from '../errors.js';
import { CallThreadLostError, CallWorker } from './call-worker.js';
import { Channels, isCancellable } from './channels.js';
import { MemberHealth } from './members.js';

/** Options of an etcd connection. */
export interface EtcdConnectionOptions {
  /** Client URLs (`http://127.0.0.1:2379`, `https://etcd-main:2379`) or `host:port`. */
  endpoints: string[];
  /**
   * PEM CA bundle that signs the etcd server certificates (enables TLS). `https://` endpoints without
   * it use the system roots.
   */
  caFile?: string;
  /** PEM client certificate for mutual TLS (with `keyFile`). */
  certFile?: string;
  /** PEM private key of `certFile`. */
  keyFile?: string;
  /** Deadline of every unary request, including retries (default 10 s, clamped to 100 ms .. 10 min). */
  requestTimeoutMs?: number;
  /** Pause between probes of a member that failed (default 1 s; see {@link MemberHealth}). */
  memberProbeIntervalMs?: number;
  /** Told when a member stops answering (`healthy` false) and when it answers again. */
  onMemberChange?: (endpoint: string, healthy: boolean) => void;
}

/** Message of the ExpiredError of a read at a compacted revision (Kubernetes' list message). */
export const EXPIRED_LIST_MESSAGE = 'The resourceVersion for the provided list is too old.';

const DEFAULT_TIMEOUT_MS = 10_000;
const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 600_000;

/**
 * gRPC channel options: unlimited response size, fast reconnects, keepalive to detect dead peers, and
 * no channelz (per-call bookkeeping nobody reads here).
 */
const GRPC_OPTIONS = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.enable_channelz': 0,
};

/**
 * Watch streams have channels of their own, with a 4 MiB HTTP/2 flow-control window instead of
 * grpc-js' 64 KiB: with 64 KiB etcd may send a stream only that far ahead of what the event loop has
 * read, and a loop busy with requests reads once per turn, so under write load events reached the
 * watch cache a second and more after etcd sent them (Go's gRPC grows its windows to 16 MiB). Unary
 * calls keep the small window: it holds a flood of reads to a slice of answers per turn. Watch
 * channels also ping sooner: a stream on a member that stopped answering is silent, and on a server
 * that sends no requests nothing else notices (etcd accepts pings every 5 s and more).
 */
const WATCH_GRPC_OPTIONS = {
  ...GRPC_OPTIONS,
  'grpc-node.flow_control_window': 4 * 1024 * 1024,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
};

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type Policy = NonNullable<FaultHandling['global']>;

/** The signal of a call nobody aborts (deadlines end calls). */
const NEVER_ABORTED = new AbortController().signal;

/** A policy that runs the call once: retries and failover are done by {@link EtcdConnection.call}. */
function passThroughPolicy(): Policy {
  const noEvent = () => ({ dispose: () => undefined });
  const policy = {
    _altReturn: undefined as never,
    onSuccess: noEvent,
    onFailure: noEvent,
    async execute<T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T): Promise<T> {
      return fn({ signal: NEVER_ABORTED });
    },
  };
  return policy as Policy;
}

/** The gRPC stub method used to open a watch stream. */
interface WatchStub {
  watch(metadata: unknown, options: object): IDuplexStream<IWatchRequest, IWatchResponse>;
}

/** A watch stream and the member it was opened on (index in the endpoint list). */
export interface MemberWatchStream {
  stream: IDuplexStream<IWatchRequest, IWatchResponse>;
  member: number;
}

/** Whether the failed request is a read (always safe to retry) or a write. */
export type CallKind = 'read' | 'write';

type ConnectionArgs = Parameters<Parameters<ICallable<Host>['withConnection']>[1]>[0];
type CallOptions = Parameters<ICallable<Host>['exec']>[3];
type ServiceName = Parameters<ICallable<Host>['exec']>[0];
type UnaryMethod = (payload: unknown, metadata: unknown, options: object, done: (err: Error | null, res: unknown) => void) => void;

/** The key a probe reads (count only): etcd's own health check reads it too. */
const PROBE_KEY = Buffer.from('health');
/** Deadline of a probe of a member. */
const PROBE_TIMEOUT_MS = 1000;
/** A request still running after this long has its member probed (see {@link MemberHealth.check}). */
const SLOW_REQUEST_MS = 1000;

/**
 * The connection to an etcd cluster: pooled channels for unary requests ({@link EtcdConnection.call})
 * and channels of their own for watch streams ({@link EtcdConnection.openWatchStream}), both sent to
 * the members {@link MemberHealth} picks.
 */
export class EtcdConnection {
  readonly timeoutMs: number;
  readonly kv: KVClient;
  private readonly maintenance: MaintenanceClient;
  private readonly endpoints: string[];
  private credentials: IOptions['credentials'];
  /** The channels new calls and streams use. */
  private channels: Channels;
  /** Channels replaced by newer ones, closing as their calls and streams end. */
  private readonly retired = new Set<Channels>();
  private readonly members: MemberHealth;
  /** Runs the unary calls (see {@link CallWorker}). */
  private readonly calls: CallWorker;
  /** What the `etcd3` package's clients call (see {@link client}). */
  private readonly callable: ICallable<Host>;
  private clientApi: ConnectionClient | undefined;
  private closed = false;

  constructor(opts: EtcdConnectionOptions) {
    if (opts.endpoints.length === 0) throw new Error('etcd: at least one endpoint is required');
    this.timeoutMs = clampTimeout(opts.requestTimeoutMs);
    this.endpoints = opts.endpoints;
    this.credentials = loadCredentials(opts);
    this.channels = this.openChannels(this.credentials);
    this.calls = new CallWorker({ endpoints: opts.endpoints, credentials: this.credentials, grpcOptions: GRPC_OPTIONS });
    const onMemberChange = opts.onMemberChange;
    this.members = new MemberHealth(opts.endpoints.length, (m) => this.probe(m), {
      ...(opts.memberProbeIntervalMs !== undefined && { probeIntervalMs: opts.memberProbeIntervalMs }),
      ...(onMemberChange !== undefined && { onChange: (m: number, healthy: boolean) => onMemberChange(opts.endpoints[m] ?? '', healthy) }),
    });
    // Streams on a member set aside end; their owners re-open them elsewhere (watches from their last
    // revision, lease keep-alives at once).
    this.members.onSuspect((member) => this.channels.cancelStreamsOn(member));
    const callable: ICallable<Host> = (this.callable = {
      callOptionsFactory: undefined,
      exec: (service, method, params, callOptions) => this.exec(service, method, params, callOptions),
      withConnection: (service, fn) => {
        const channels = this.channels;
        const member = this.members.pick();
        const tracked = (args: ConnectionArgs) => {
          const result = fn(args);
          if (isCancellable(result)) channels.track(result, member);
          return result;
        };
        return channels.use(() => channels.unary.withConnection(service, tracked, only(channels.unaryHosts[member])));
      },
      markFailed: () => undefined,
    });
    this.kv = new KVClient(callable);
    this.maintenance = new MaintenanceClient(callable);
  }

  /**
   * Runs `fn` with a deadline of `timeoutMs` (shared by all attempts). A request that could not reach
   * a member, or was refused because the member has no leader, is retried on another member with a
   * short backoff; writes are retried only when they certainly were not applied, reads on any
   * connection failure.
   * @throws the storage error of the last failure ({@link mapEtcdError}).
   */
  async call<T>(kind: CallKind, key: string, fn: (options: { deadline: Date }) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    const maxAttempts = Math.max(3, this.endpoints.length * 2);
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new UnreachableError('etcd client is closed', key);
      try {
        return await fn({ deadline: new Date(deadline) });
      } catch (e: unknown) {
        const backoff = Math.min(25 * 2 ** attempt, 500);
        const retry = attempt < maxAttempts && Date.now() + backoff < deadline && isRetriable(e, kind);
        if (!retry) throw mapEtcdError(e, key, this.timeoutMs);
        await sleep(backoff);
      }
    }
  }

  /**
   * The `etcd3` package's client API on this connection, for leases and transactions beside the
   * storage's (the re-encryption lock): its calls go to the members {@link MemberHealth} picks and move
   * to renewed channels with the storage's. A unary call without a deadline gets the request timeout
   * (no retries: callers retry); a stream (a lease's keep-alive) has none and is re-opened by the
   * package when it ends, which it does when renewed channels replace its own and when its member is
   * set aside.
   */
  get client(): Namespace {
    this.clientApi ??= new ConnectionClient(this.callable, this.endpoints);
    return this.clientApi;
  }

  /** How many replaced sets of channels are still open or in use (calls or streams still run on them). */
  get retiredChannelsOpen(): number {
    let open = 0;
    for (const channels of this.retired) if (!channels.isClosed || channels.inUse) open++;
    return open;
  }

  /** The client certificate and key the connection uses (PEM), undefined without one. */
  clientCertificate(): { cert: string; key: string } | undefined {
    const { certChain, privateKey } = this.credentials ?? {};
    if (certChain === undefined || privateKey === undefined) return undefined;
    return { cert: certChain.toString('utf8'), key: privateKey.toString('utf8') };
  }

  /** The etcd version of a member (its Status), e.g. `3.5.17`. */
  async serverVersion(): Promise<string> {
    return (await this.call('read', '', (o) => this.maintenance.status(o))).version;
  }

  /**
   * Opens a bidirectional watch stream on one member (requires a leader, like etcd's Go client). The
   * connection ends it (CANCELLED) when the member is set aside or a renewed client certificate
   * replaces the channels; the watch re-opens it.
   */
  async openWatchStream(): Promise<MemberWatchStream> {
    if (this.closed) throw new UnreachableError('etcd client is closed', '');
    const member = this.members.pick();
    const channels = this.channels;
    // The channel reconnects by itself; a broken stream is re-opened by the watch (no markFailed: a
    // cancelled stream would reset the channels every other call on the member uses).
    return channels.watch.withConnection(
      'Watch',
      ({ client, metadata }) => {
        const md = metadata.clone();
        md.set('hasleader', 'true');
        const stream = (client as unknown as WatchStub).watch(md, {});
        // Errors are handled by the watch that owns the stream; this keeps an abandoned stream's
        // CANCELLED from becoming an unhandled 'error' event.
        stream.on('error', () => undefined);
        channels.track(stream, member);
        return { stream, member };
      },
      only(channels.watchHosts[member]),
    );
  }

  /** Records that a watch stream on `member` failed with `err` (see {@link memberVerdict}). */
  reportStreamFailure(member: number, err: unknown): void {
    this.judge(member, err);
  }

  /**
   * Connects with a new client certificate from now on, as kube-apiserver's etcd client reads its
   * certificate files at each new connection (see `reloadKeyPair`). New calls use new channels at
   * once and streams move to them (they are ended, and re-opened by their owners); calls already
   * running finish on the old channels, which close when nothing runs on them any more. A connection
   * without a client certificate ignores it.
   */
  updateClientCertificate(pair: { cert: string; key: string }): void {
    if (this.closed || this.credentials?.certChain === undefined) return;
    const credentials = { ...this.credentials, certChain: Buffer.from(pair.cert), privateKey: Buffer.from(pair.key) };
    const old = this.channels;
    this.channels = this.openChannels(credentials);
    this.credentials = credentials;
    this.calls.updateCredentials(credentials);
    for (const channels of this.retired) if (channels.isClosed) this.retired.delete(channels);
    this.retired.add(old);
    old.retire();
  }

  /** Closes every channel; later calls fail with UnreachableError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.members.close();
    this.calls.close();
    this.channels.close();
    for (const channels of this.retired) channels.close();
    this.retired.clear();
  }

  /** Opens channels with `credentials`. */
  private openChannels(credentials: IOptions['credentials']): Channels {
    return new Channels({
      endpoints: this.endpoints,
      credentials,
      faultHandling: { host: () => passThroughPolicy(), global: passThroughPolicy() },
      unaryGrpcOptions: GRPC_OPTIONS,
      watchGrpcOptions: WATCH_GRPC_OPTIONS,
    });
  }

  /** One unary call on the member {@link MemberHealth} picks; a slow call or a failure has the member looked at. */
  private async exec<T>(service: ServiceName, method: string, params: unknown, options: CallOptions): Promise<T> {
    const member = this.members.pick();
    const slow = setTimeout(() => this.members.check(member), SLOW_REQUEST_MS);
    const given = options?.deadline;
    const deadline = given instanceof Date ? given : typeof given === 'number' && Number.isFinite(given) ? new Date(given) : new Date(Date.now() + this.timeoutMs);
    try {
      return await this.unaryOn<T>(member, service, method, params, deadline);
    } catch (e: unknown) {
      this.judge(member, e);
      throw e;
    } finally {
      clearTimeout(slow);
    }
  }

  /** Has {@link MemberHealth} look at `member` as {@link memberVerdict} says for a failure there. */
  private judge(member: number, raw: unknown): void {
    const verdict = memberVerdict(raw);
    if (verdict === 'probe') this.members.check(member);
    else if (verdict === 'suspect') this.members.suspect(member);
  }

  /**
   * Reads the probe key on `member` alone, serializably: a member answers it without its leader, so
   * members waiting for an election are not suspected, only members that do not answer at all (Go's
   * balancer, too, judges connections, not leadership).
   */
  private async probe(member: number): Promise<void> {
    const deadline = new Date(Date.now() + Math.min(PROBE_TIMEOUT_MS, this.timeoutMs));
    await this.unaryOn(member, 'KV', 'range', { key: PROBE_KEY, count_only: true, serializable: true }, deadline);
  }

  /** Calls `method` once on `member`: in the call thread when it is ready, else on the connection's channels. */
  private unaryOn<T>(member: number, service: ServiceName, method: string, params: unknown, deadline: Date): Promise<T> {
    if (this.calls.ready) return this.calls.call<T>(member, service, method, params, deadline);
    const channels = this.channels;
    return channels.use(() => channels.unary.withConnection(service, (args) => unary<T>(args, method, params, { deadline }), only(channels.unaryHosts[member])));
  }
}

/** The `etcd3` package's client API over a connection's calls (its constructor is not public). */
class ConnectionClient extends Namespace {
  constructor(callable: ICallable<Host>, endpoints: string[]) {
    // Namespace only ever calls the pool's exec and withConnection, which is what a callable has.
    super(Buffer.alloc(0), callable as unknown as ConnectionPool, { hosts: endpoints });
  }
}

/**
 * What a failed call says about its member: a lost or refused connection suspects it; a deadline that
 * passed has it probed (a busy member misses deadlines too). Nothing is said by etcd's own refusals
 * (no leader, leader changed, its request timeout), which working members give during an election,
 * or by calls the pool failed itself, closing the member's channels after another call's failure.
 */
export function memberVerdict(raw: unknown): 'suspect' | 'probe' | undefined {
  if (!(raw instanceof Error) || raw instanceof CallThreadLostError) return undefined;
  const e = castGrpcError(raw);
  if (e instanceof GRPCDeadlineExceededError) return 'probe';
  if (e instanceof GRPCUnavailableError && !NOT_THE_MEMBER.test(e.message)) return 'suspect';
  return undefined;
}

/** Runs `method` of the connection's gRPC client; errors become the etcd3 package's typed errors. */
function unary<T>(args: ConnectionArgs, method: string, payload: unknown, options: { deadline: Date }): Promise<T> {
  const fn = (args.client as unknown as Record<string, UnaryMethod>)[method];
  if (fn === undefined) return Promise.reject(new Error(`etcd: no gRPC method ${method}`));
  return new Promise<T>((resolve, reject) => {
    fn.call(args.client, payload, args.metadata, options, (err, res) => {
      if (err !== null) reject(castGrpcError(err));
      else resolve(res as T);
    });
  });
}

/** A host sequence with one host (the pool asks for as many as it has hosts; it uses the first). */
function* only(host: Host | undefined): Generator<Host, void, unknown> {
  if (host === undefined) throw new Error('etcd: no such member');
  for (;;) yield host;
}

function clampTimeout(ms: number | undefined): number {
  if (ms === undefined || !Number.isFinite(ms)) return DEFAULT_TIMEOUT_MS;
  return Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, Math.floor(ms)));
}

function loadCredentials(opts: EtcdConnectionOptions): IOptions['credentials'] {
  if (opts.caFile === undefined && opts.certFile === undefined) return undefined;
  if ((opts.certFile === undefined) !== (opts.keyFile === undefined)) {
    throw new Error('etcd: certFile and keyFile must be given together');
  }
  if (opts.caFile === undefined) throw new Error('etcd: caFile is required for TLS');
  const creds: NonNullable<IOptions['credentials']> = { rootCertificate: readFileSync(opts.caFile) };
  if (opts.certFile !== undefined && opts.keyFile !== undefined) {
    creds.certChain = readFileSync(opts.certFile);
    creds.privateKey = readFileSync(opts.keyFile);
  }
  return creds;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The request never reached a member (refused connection, no channel), so it was not applied. */
const NOT_SENT = /No connection established|Channel closed before call started|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|Name resolution failed|connection refused/i;
/** The member refused the request before proposing it (no leader known, overloaded): not applied. */
const REFUSED = /etcdserver: (no leader|not capable|too many requests)/;
/** Unavailable, but not because of the member's connection (see {@link memberVerdict}). */
const NOT_THE_MEMBER = /etcdserver:|Channel closed before call started/;
/** Leadership moved while the request was served: safe to repeat for reads only. */
const LEADER_CHANGED = /etcdserver: leader changed/;

function isRetriable(e: unknown, kind: CallKind): boolean {
  if (!(e instanceof Error)) return false;
  const message = e.message;
  if (REFUSED.test(message) || NOT_SENT.test(message)) return true;
  if (kind === 'write') return false;
  return LEADER_CHANGED.test(message) || e instanceof GRPCUnavailableError;
}

/** Whether `e` is etcd's "required revision has been compacted". */
export function isCompactedError(e: unknown): boolean {
  return messageOf(e).includes('required revision has been compacted');
}

/** Whether `e` is etcd's "required revision is a future revision". */
export function isFutureRevisionError(e: unknown): boolean {
  return messageOf(e).includes('required revision is a future revision');
}

/**
 * Maps an etcd client failure to a storage error: deadlines and etcd's own request timeouts become
 * {@link TimeoutError}, connection failures and leaderless members {@link UnreachableError}, reads
 * at a compacted revision {@link ExpiredError}; storage errors pass through.
 */
export function mapEtcdError(raw: unknown, key: string, timeoutMs?: number): StorageError {
  if (raw instanceof StorageError) return raw;
  // Stream errors arrive as plain gRPC errors (with a numeric code); unary ones are already typed.
  const e = raw instanceof Error ? castGrpcError(raw) : raw;
  const message = messageOf(e);
  if (isCompactedError(e)) return new ExpiredError(EXPIRED_LIST_MESSAGE, key);
  if (e instanceof GRPCDeadlineExceededError || /request timed out|DEADLINE_EXCEEDED/.test(message)) {
    const bound = timeoutMs === undefined ? '' : ` within ${timeoutMs} ms`;
    return new TimeoutError(`etcd did not answer${bound}: ${message}`, key);
  }
  const unreachable =
    e instanceof GRPCUnavailableError ||
    e instanceof GRPCCancelledError ||
    e instanceof ClientClosedError ||
    REFUSED.test(message) ||
    LEADER_CHANGED.test(message);
  if (unreachable) return new UnreachableError(`etcd is unreachable: ${message}`, key);
  return new StorageError(`etcd: ${message}`, key);
}
