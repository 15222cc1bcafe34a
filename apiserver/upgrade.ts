/**
 * Requests asking to upgrade their connection (`Connection: Upgrade`).
 *
 * Node hands such requests to the server's `upgrade` listeners with the bare connection instead of a
 * response. kube-apiserver (Go's server) serves them as any other request, and only a watch asked for
 * over WebSocket takes the connection over. {@link serveUpgrades} does the same: the request goes
 * through the server's handler with a response written on its connection, which closes after the
 * response; a handler that switches protocols takes the connection with {@link takeConnection}.
 *
 * Node stops parsing the connection at an upgrade request's headers, so a body it carries cannot be
 * read: such requests are refused (400). Real clients send upgrades as bodiless GETs.
 *
 * Kept free of heavy imports: the listener loads it before the server's modules.
 */
import { ServerResponse, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** The connection of an upgrade request and the bytes read past its headers. */
export interface UpgradedConnection {
  socket: Duplex;
  head: Buffer;
}

const connections = new WeakMap<IncomingMessage, UpgradedConnection>();
const switched = new WeakSet<ServerResponse>();

/** Emitted on a response when its connection switches protocols ({@link switchProtocols}). */
export const SWITCH_EVENT = 'switchProtocols';

/** Whether `req` asks for a WebSocket (`Connection` names `upgrade`, `Upgrade: websocket`), as kube's wsstream reads it. */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  const connection = (req.headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim());
  return connection.includes('upgrade') && (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/**
 * The connection of `req` for a handler that switches protocols, undefined when the request did not
 * come as an upgrade. Its response must not be written afterwards: it still emits `close` when the
 * connection closes, ending the request for audit, metrics and the in-flight accounting.
 */
export function takeConnection(req: IncomingMessage): UpgradedConnection | undefined {
  const taken = connections.get(req);
  connections.delete(req);
  return taken;
}

/**
 * Records that the connection of `res` switched protocols: its status is 101 from then on, written by
 * whoever took the connection, as kube-apiserver's audit and metrics record a hijacked connection.
 */
export function switchProtocols(res: ServerResponse): void {
  res.statusCode = 101;
  switched.add(res);
  res.emit(SWITCH_EVENT);
}

/** Whether the connection of `res` switched protocols. */
export function switchedProtocols(res: ServerResponse): boolean {
  return switched.has(res);
}

function carriesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

/** The response Node's server is writing on `socket` for an earlier request on it, if any. */
function answerInProgress(socket: Duplex): ServerResponse | undefined {
  return (socket as { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

/** Runs `then` once every response to earlier requests on `socket` (pipelined before it) is done. */
function afterEarlierAnswers(socket: Duplex, then: () => void): void {
  const earlier = answerInProgress(socket);
  if (earlier === undefined || socket.destroyed) {
    then();
    return;
  }
  let done = false;
  const next = () => {
    if (done) return;
    done = true;
    afterEarlierAnswers(socket, then);
  };
  earlier.once('finish', next);
  earlier.once('close', next);
}

function serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, handle: RequestListener, refuse: (res: ServerResponse) => void): void {
  if (socket.destroyed || !socket.writable) return;
  const res = new ServerResponse(req);
  res.assignSocket(socket as never);
  // The connection is not parsed for further requests: it ends with this response.
  res.shouldKeepAlive = false;
  // As Node's server ends a connection that is not kept alive: closed once the answer is sent.
  res.once('finish', () => (socket as Duplex & { destroySoon(): void }).destroySoon());
  if (carriesBody(req)) {
    refuse(res);
    return;
  }
  connections.set(req, { socket, head });
  handle(req, res);
}

/**
 * Serves upgrade requests on `server` through `handle`, as other requests, after the answers to
 * requests sent before them on the same connection (as Go's server answers a connection's requests in
 * order); `refuse` answers those carrying a body (their body cannot be read).
 */
export function serveUpgrades(server: Server, handle: RequestListener, refuse: (res: ServerResponse) => void): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node's HTTP server no longer listens for the connection's errors. Not every error ends it: TLS
    // reports some (OpenSSL's, after a client certificate that failed verification) on a connection
    // that still carries the answer, as Node's server answers them (see client-errors.ts); a broken
    // connection closes by itself.
    socket.on('error', () => {});
    afterEarlierAnswers(socket, () => {
      try {
        serveUpgrade(req, socket, head, handle, refuse);
      } catch {
        socket.destroy();
      }
    });
  });
}
