/**
 * One set of gRPC channels to the etcd members, opened with one set of credentials: pooled channels
 * for unary calls and channels of their own for watch streams. When the client certificate is renewed
 * the connection opens a new set and retires the old one: its streams are ended (their owners re-open
 * them on the new set; closing a channel does not end a running stream, and etcd answers the
 * client's GOAWAY by resetting it) and it closes once the calls running on it have settled.
 */
import type { IOptions } from 'etcd3';
import { ConnectionPool, Host } from 'etcd3/lib/connection-pool.js';

/** Options of a set of channels: the etcd3 pool's, with the gRPC options of each kind of channel. */
export interface ChannelOptions {
  endpoints: string[];
  credentials: IOptions['credentials'];
  faultHandling: IOptions['faultHandling'];
  unaryGrpcOptions: IOptions['grpcOptions'];
  watchGrpcOptions: IOptions['grpcOptions'];
}

/** See the module comment. */
export class Channels {
  readonly unary: ConnectionPool;
  readonly watch: ConnectionPool;
  /** The members' hosts in each pool, in endpoint order. */
  readonly unaryHosts: Host[];
  readonly watchHosts: Host[];
  /** Calls running on these channels. */
  private active = 0;
  /** Streams whose owners re-open them when they end (watches, lease keep-alives), with their member. */
  private readonly streams = new Map<Cancellable, number>();
  private retired = false;
  private closed = false;

  constructor(o: ChannelOptions) {
    const options: IOptions = { hosts: o.endpoints };
    if (o.faultHandling !== undefined) options.faultHandling = o.faultHandling;
    if (o.credentials !== undefined) options.credentials = o.credentials;
    this.unary = new ConnectionPool({ ...options, ...(o.unaryGrpcOptions !== undefined && { grpcOptions: o.unaryGrpcOptions }) });
    this.watch = new ConnectionPool({ ...options, ...(o.watchGrpcOptions !== undefined && { grpcOptions: o.watchGrpcOptions }) });
    this.unaryHosts = hostsOf(this.unary, o.endpoints.length);
    this.watchHosts = hostsOf(this.watch, o.endpoints.length);
  }

  /** Whether calls or tracked streams still run on the channels, which may be closed already. */
  get inUse(): boolean {
    return this.active > 0 || this.streams.size > 0;
  }

  /** Whether the channels are closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs `fn`, a call on these channels, keeping them open until it has settled. */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      if (this.retired && !this.inUse) this.close();
    }
  }

  /**
   * Tracks `stream`, opened on `member`'s channel by an owner that re-opens it when it ends (a watch,
   * the etcd3 package's lease keep-alive): {@link retire} and {@link cancelStreamsOn} end it, so that
   * it is re-opened on the channels in use, off a member set aside. It keeps the channels open until
   * it ends; one opened on retired channels is ended at once.
   */
  track(stream: Cancellable, member: number): void {
    this.streams.set(stream, member);
    stream.on('status', () => {
      this.streams.delete(stream);
      if (this.retired && !this.inUse) this.close();
    });
    if (this.retired) cancel(stream);
  }

  /** Ends the tracked streams on `member` (their clients re-open them elsewhere). */
  cancelStreamsOn(member: number): void {
    for (const [stream, m] of this.streams) if (m === member) cancel(stream);
  }

  /** Closes the channels as soon as nothing runs on them; tracked streams are ended now. */
  retire(): void {
    this.retired = true;
    for (const stream of this.streams.keys()) cancel(stream);
    if (!this.inUse) this.close();
  }

  /** Closes the channels now. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unary.close();
    this.watch.close();
  }
}

/** A gRPC stream as {@link Channels.track} needs it. */
export interface Cancellable {
  cancel(): void;
  on(event: 'status', listener: () => void): unknown;
}

/** Whether `value` is a gRPC stream others opened through a connection (see {@link Channels.track}). */
export function isCancellable(value: unknown): value is Cancellable {
  const v = value as Partial<Cancellable> | null;
  return typeof v === 'object' && v !== null && typeof v.cancel === 'function' && typeof v.on === 'function';
}

function cancel(stream: Cancellable): void {
  try {
    stream.cancel();
  } catch {
    // Already ended.
  }
}

/**
 * The pool's hosts, in endpoint order. The pool keeps them private; requests choose their member
 * through `withConnection`'s host sequence, which needs them.
 */
function hostsOf(pool: ConnectionPool, count: number): Host[] {
  const hosts: unknown = (pool as unknown as { hosts?: unknown }).hosts;
  const valid = Array.isArray(hosts) && hosts.length === count && hosts.every((h) => h instanceof Host);
  if (!valid) throw new Error('etcd: the etcd3 connection pool no longer lists its hosts');
  return hosts as Host[];
}
