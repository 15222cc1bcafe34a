/**
 * The HTTPS listener. It is opened first thing at start-up, before the rest of the server is loaded,
 * and accepts connections as fast as they come: the listen backlog is the kernel's `somaxconn`, as Go
 * (and so kube-apiserver) uses. Until the server hands over its request handler, every request is
 * answered at once: `/livez`, `/readyz` and `/healthz` report the `startup` check failing, anything
 * else gets a 503 Status with `Retry-After`, and the connection is closed afterwards.
 *
 * The listening socket is accepted from through {@link ACCEPT_COPIES} further handles besides the
 * server's own (see `accept-copies.ts`), so that a busy event loop still takes that many new
 * connections per turn instead of one. Their TLS handshakes then start at most
 * `HANDSHAKES_PER_TURN` per turn (see `handshake-pacer.ts`), and the requests read start within a
 * time budget per turn (see `request-pacer.ts`; probes at once), so that a burst of new connections
 * or of requests does not hold the event loop for long. Requests read before malformed bytes on a
 * connection are answered before the error is (see `client-errors.ts`). Requests asking to upgrade
 * their connection are served as the others (see `upgrade.ts`).
 *
 * Kept free of heavy imports: `main.ts` loads it before the server's modules.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Server, type ServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import { addAcceptCopies, type AcceptCopies } from './accept-copies.js';
import { answerBeforeClientErrors } from './client-errors.js';
import type { TLSPolicy } from './flags/tls.js';
import { paceHandshakes } from './handshake-pacer.js';
import { markRead } from './received.js';
import { pacedRequests } from './request-pacer.js';
import { serveUpgrades } from './upgrade.js';
import { badRequest, serviceUnavailable } from '../apimachinery/errors.js';
import { unescapeRequestPath } from '../apimachinery/gourl.js';
import type { Status } from '../apimachinery/types.js';

/** TLS material for the listener, and its cipher and version policy (kept for its lifetime). */
export interface TLSConfig extends TLSPolicy {
  cert: string;
  key: string;
  /** CA bundle client certificates are verified against. */
  clientCA: string;
}

/** The secure context options of `t` (Node's defaults where the policy says nothing). */
function contextOptions(t: TLSConfig): SecureContextOptions {
  return { cert: t.cert, key: t.key, ca: t.clientCA, ...(t.ciphers !== undefined && { ciphers: t.ciphers }), ...(t.minVersion !== undefined && { minVersion: t.minVersion }) };
}

/** An open HTTPS listener. */
export interface Listener {
  server: Server;
  port: number;
  /** Settles with the number of extra accept handles in use, once they are (0: none). */
  acceptCopies: Promise<number>;
  /** Accepted connections whose TLS handshake waits for its turn. */
  readonly handshakesWaiting: number;
  /** Requests read whose start waits for a later turn (see `request-pacer.ts`). */
  readonly requestsWaiting: number;
  /** Hands every request from now on to `handler`, with the listener's final TLS material. */
  serve(handler: RequestListener, tls: TLSConfig): void;
  /**
   * Installs another serving certificate and key, or client CA bundle, for new connections (after
   * {@link serve}). Throws, keeping what is installed, when the material cannot be used.
   */
  updateTLS(change: Partial<TLSConfig>): void;
}

/** Backlog used where the kernel's `somaxconn` cannot be read (Node's own default). */
const FALLBACK_BACKLOG = 511;
const MAX_BACKLOG = 65_535;
const HEALTH_PATHS = /^\/(livez|readyz|healthz)(\/|\?|$)/;
/** Extra accept handles on the listening socket: new connections taken per event-loop turn, less one. */
export const ACCEPT_COPIES = 63;

/** An HTTPS server whose `close` also closes the extra accept handles and waits for their connections. */
class ListeningServer extends Server {
  copies: AcceptCopies | undefined;
  /** Every open connection, also those still before or in their TLS handshake. */
  private readonly sockets = new Set<Socket>();

  constructor(options: ServerOptions, listener: RequestListener) {
    super(options, listener);
    this.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /**
   * Closes every connection: HTTP's own (as Node's does) and those that never got as far as a request
   * (waiting for or in their TLS handshake, which Node's does not count), so that a close waiting
   * for connections ends.
   */
  override closeAllConnections(): void {
    super.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
  }

  override close(callback?: (err?: Error) => void): this {
    const copiesClosed = this.copies?.close() ?? Promise.resolve();
    super.close((err) => {
      void copiesClosed.then(() => callback?.(err));
    });
    return this;
  }
}

/** The listen backlog: `/proc/sys/net/core/somaxconn`, as Go's net package reads it. */
export function listenBacklog(): number {
  try {
    const n = Number.parseInt(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_BACKLOG) : FALLBACK_BACKLOG;
  } catch {
    return FALLBACK_BACKLOG;
  }
}

/**
 * `form` (an origin form) with its path unescaped as Go's server reads it ({@link unescapeRequestPath});
 * undefined for a malformed escape.
 */
function unescapedTarget(form: string): string | undefined {
  if (!form.includes('%')) return form;
  const q = form.indexOf('?');
  const path = unescapeRequestPath(q < 0 ? form : form.slice(0, q));
  return path === undefined ? undefined : q < 0 ? path : path + form.slice(q);
}

/** Request targets as they came, where the path was unescaped (Go's `URL.RequestURI()`, for audit). */
const escapedTargets = new WeakMap<IncomingMessage, string>();

/**
 * The request's target in origin form as the client wrote it, when its path had escapes (undefined
 * otherwise): what kube-apiserver's audit records as `requestURI`. Routing uses the unescaped `req.url`.
 */
export function escapedRequestTarget(req: IncomingMessage): string | undefined {
  return escapedTargets.get(req);
}

/**
 * The origin form (`/path?query`) of a request target as written. Absolute-form targets
 * (`https://host/path`, which HTTP/1.1 servers must accept) are reduced to their path and query;
 * undefined for a target that is neither, or whose authority is not a valid URL.
 */
function originTarget(target: string): string | undefined {
  if (target.startsWith('/')) return target;
  const scheme = /^https?:\/\//i.exec(target);
  if (scheme === null) return undefined;
  try {
    new URL(target);
  } catch {
    return undefined;
  }
  const rest = target.slice(scheme[0].length);
  const end = rest.search(/[/?#]/);
  if (end < 0) return '/';
  const tail = rest.slice(end).replace(/#.*$/s, '');
  return tail.startsWith('/') ? tail : `/${tail}`;
}

/**
 * Request headers may take 1 MiB, as in kube-apiserver: the aggregator sends one `X-Remote-Group`
 * header per group, and users of large directories belong to hundreds (Node's default is 16 KiB).
 */
const MAX_HEADER_BYTES = 1 << 20;

function writeStatus(res: ServerResponse, status: Status, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(status);
  res.writeHead(status.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** The answer to every request that arrives before the server is in place. */
function writeStarting(req: IncomingMessage, res: ServerResponse): void {
  res.shouldKeepAlive = false;
  const health = HEALTH_PATHS.exec(req.url ?? '');
  if (health !== null) {
    const body = `[-]startup failed: reason withheld\n${health[1] ?? ''} check failed\n`;
    res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  writeStatus(res, serviceUnavailable('the server is starting, please try again later', 1).status, { 'Retry-After': '1' });
}

/**
 * Listens on `host:port` (0 picks a free port) with `tls`, answering "starting" until
 * {@link Listener.serve} is called. Request targets that are not a path or absolute URL get a 400.
 * `acceptCopies` extra accept handles are added in the background once the port is open.
 */
export async function openListener(tls: TLSConfig, host: string, port: number, acceptCopies = ACCEPT_COPIES): Promise<Listener> {
  let handler: RequestListener | undefined;
  let tlsInUse = tls;
  const requests = pacedRequests();
  const backlog = listenBacklog();
  const onRequest: RequestListener = (req, res) => {
    const form = originTarget(req.url ?? '');
    const target = form === undefined ? undefined : unescapedTarget(form);
    if (form === undefined || target === undefined) {
      writeStatus(res, badRequest('the request target is not a valid path or absolute URL').status);
      return;
    }
    if (target !== form) escapedTargets.set(req, form);
    req.url = target;
    markRead(req);
    const serve = handler;
    if (serve === undefined) writeStarting(req, res);
    // Probes are answered at once, whatever waits.
    else if (HEALTH_PATHS.test(target)) serve(req, res);
    else requests.start(() => serve(req, res));
  };
  const server = new ListeningServer({ ...contextOptions(tls), requestCert: true, rejectUnauthorized: false, pauseOnConnect: true, maxHeaderSize: MAX_HEADER_BYTES }, onRequest);
  serveUpgrades(server, onRequest, (res) => writeStatus(res, badRequest('a request asking to upgrade its connection cannot carry a body').status));
  // Go's servers keep idle connections 90 s, as long as Go's clients do (shorter, a client may send on a
  // connection the server is closing; non-idempotent requests then fail).
  server.keepAliveTimeout = 90_000;
  answerBeforeClientErrors(server);
  const pacer = paceHandshakes(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.copies = addAcceptCopies(server, acceptCopies, backlog, true);
  return {
    server,
    port: (server.address() as AddressInfo).port,
    acceptCopies: server.copies.ready,
    get handshakesWaiting() {
      return pacer.waiting;
    },
    get requestsWaiting() {
      return requests.waiting;
    },
    serve(next, final) {
      tlsInUse = { ...tlsInUse, ...final };
      server.setSecureContext(contextOptions(tlsInUse));
      handler = next;
    },
    updateTLS(change) {
      const next = { ...tlsInUse, ...change };
      server.setSecureContext(contextOptions(next));
      tlsInUse = next;
    },
  };
}
