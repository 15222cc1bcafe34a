/**
 * One set of gRPC channels to the etcd members, opened with one set of credentials: pooled channels
 * for unary calls and channels of their own for watch streams. When the client certificate is renewed
 * the connection opens a new set and retires the old one, which closes once the calls and streams
 * still running on it have ended: closing a channel under a running stream ends the stream with an
 * error (etcd answers the client's GOAWAY by resetting it).
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
  /** Calls and streams running on these channels. */
  private active = 0;
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

  /** Whether the channels are closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether newer channels replaced these. */
  get isRetired(): boolean {
    return this.retired;
  }

  /** Runs `fn`, a call on these channels, keeping them open until it has settled. */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    const release = this.hold();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Keeps the channels open until the returned function is called (once is enough; more are ignored). */
  hold(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      if (this.retired && this.active === 0) this.close();
    };
  }

  /** Closes the channels as soon as nothing runs on them. */
  retire(): void {
    this.retired = true;
    if (this.active === 0) this.close();
  }

  /** Closes the channels now. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unary.close();
    this.watch.close();
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
