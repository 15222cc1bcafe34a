/**
 * Where a watch's events go: a chunked HTTP response, or a WebSocket when the watch was asked for
 * over one (`Connection: Upgrade`, `Upgrade: websocket`), as kube-apiserver serves it.
 *
 * Over WebSocket every event is one message: a text message for JSON (the event's line, newline
 * included), a binary message for protobuf (the WatchEvent without the HTTP stream's length prefix).
 * The handshake is checked as kube-apiserver's WebSocket library does (golang.org/x/net/websocket):
 * after the watch is set up, with its plain refusals: 400 without `Sec-WebSocket-Key`, 400 with
 * `Sec-WebSocket-Version: 13` for another version, 403 without an `Origin` that reads as a URL (browsers
 * always send one), 400 for more than one subprotocol. One subprotocol is echoed; none is chosen
 * otherwise. Messages from the client are read and dropped; the server ends with a close frame (code 1000) and
 * closes the connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex, Writable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { drained } from '../backpressure.js';
import { isWebSocketRequest, switchProtocols, takeConnection, type UpgradedConnection } from '../upgrade.js';
import type { ResourceRequest } from './context.js';

/** An open stream of watch events to one client. */
export interface WatchSink {
  /** Sends one event, encoded for the HTTP stream (protobuf events length-prefixed). */
  send(event: Buffer): void;
  /** Bytes queued for the client. */
  readonly queued: number;
  /** Resolves when the client took what was queued, went away, or `stopped` resolves. */
  drained(stopped: Promise<void>): Promise<void>;
  /** Whether the client went away. */
  readonly gone: boolean;
  /** Calls `listener` when the client goes away; returns the undo. */
  onGone(listener: () => void): () => void;
  /** Ends the stream; `cut` drops the connection instead when the client is not taking what was sent. */
  end(cut: boolean): void;
}

/** A chunked 200 response of `contentType`. */
function httpSink(r: ResourceRequest, contentType: string): WatchSink {
  const res = r.res;
  res.status(200);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-cache, private');
  res.flushHeaders();
  return {
    send: (event) => void res.write(event),
    get queued() {
      return res.writableLength;
    },
    drained: (stopped) => drained(res, stopped),
    get gone() {
      return res.destroyed;
    },
    onGone(listener) {
      res.on('close', listener);
      return () => res.off('close', listener);
    },
    end(cut) {
      if (cut && res.writableNeedDrain) res.destroy();
      else if (!res.destroyed) res.end();
    },
  };
}

/** Largest message taken from a client (they are dropped unread). */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

const webSockets = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  clientTracking: false,
  maxPayload: MAX_CLIENT_MESSAGE_BYTES,
  // The handshake check below lets at most one through.
  handleProtocols: (protocols) => protocols.values().next().value ?? false,
});

/** Whether `origin` reads as Go's `url.ParseRequestURI` reads it: an absolute URL or an absolute path. */
function isRequestURI(origin: string): boolean {
  if (/[\x00-\x1f\x7f]/.test(origin)) return false;
  if (origin.startsWith('/')) return true;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(origin)) return false;
  try {
    new URL(origin);
    return true;
  } catch {
    return false;
  }
}

/** The raw refusal x/net/websocket writes for a handshake it does not accept, or undefined. */
function handshakeRefusal(req: IncomingMessage): string | undefined {
  if ((req.headers['sec-websocket-key'] ?? '') === '') return 'HTTP/1.1 400 Bad Request\r\n\r\nmismatch challenge/response';
  if (req.headers['sec-websocket-version'] !== '13') {
    return 'HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 13\r\n\r\nmissing or bad WebSocket Version';
  }
  const origin = req.headers.origin ?? '';
  if (origin === '' || !isRequestURI(origin)) return 'HTTP/1.1 403 Forbidden\r\n\r\n';
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').trim();
  if (protocols !== '' && protocols.split(',').length > 1) return 'HTTP/1.1 400 Bad Request\r\n\r\n';
  return undefined;
}

function accept(conn: UpgradedConnection, req: IncomingMessage): Promise<WebSocket | undefined> {
  const refusal = handshakeRefusal(req);
  if (refusal !== undefined) {
    conn.socket.end(refusal, () => conn.socket.destroy());
    return Promise.resolve(undefined);
  }
  // A client that left while the request was authorized: there is nobody to switch protocols with.
  if (conn.socket.destroyed || !conn.socket.readable || !conn.socket.writable) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const gone = () => resolve(undefined);
    conn.socket.once('close', gone);
    webSockets.handleUpgrade(req, conn.socket, conn.head, (ws) => {
      conn.socket.off('close', gone);
      resolve(ws);
    });
  });
}

function webSocketSink(ws: WebSocket, socket: Duplex, binary: boolean): WatchSink {
  let gone = false;
  ws.once('close', () => (gone = true));
  // Messages from the client mean nothing to a watch.
  ws.on('message', () => {});
  ws.on('error', () => ws.terminate());
  return {
    send: (event) => ws.send(binary ? event.subarray(4) : event, { binary }),
    get queued() {
      return ws.bufferedAmount;
    },
    drained: (stopped) => drained(socket as Writable, stopped),
    get gone() {
      return gone;
    },
    onGone(listener) {
      ws.on('close', listener);
      return () => ws.off('close', listener);
    },
    end(cut) {
      if (cut && (socket as Writable).writableNeedDrain) {
        ws.terminate();
        return;
      }
      // As x/net/websocket: the close frame, then the connection is closed without waiting for the client's.
      ws.close(1000);
      socket.end(() => socket.destroy());
    },
  };
}

/**
 * Opens the stream a watch request asked for: a WebSocket when it came as a WebSocket upgrade (undefined
 * when its handshake is refused; the refusal was sent), else a chunked response of `contentType`.
 */
export async function openWatchSink(r: ResourceRequest, contentType: string, binary: boolean): Promise<WatchSink | undefined> {
  const conn = isWebSocketRequest(r.req) ? takeConnection(r.req) : undefined;
  if (conn === undefined) return httpSink(r, contentType);
  // x/net/websocket takes the connection before it reads the handshake.
  switchProtocols(r.res);
  const ws = await accept(conn, r.req);
  return ws === undefined ? undefined : webSocketSink(ws, conn.socket, binary);
}
