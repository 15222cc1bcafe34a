/**
 * Malformed input on a connection that still owes answers.
 *
 * When the HTTP parser fails on a connection (bytes after a request that are no request, headers too
 * large), Node's default writes an error response at once and destroys the socket, also when requests
 * read before the bad bytes are still being served: their answers are lost, or the error response is
 * taken by the client for the answer to its earlier request. Go's server, and so kube-apiserver,
 * answers what it has read first and only then reports the error and closes.
 *
 * {@link answerBeforeClientErrors} does the same: the connection stops reading, the requests read on
 * it are answered, then the error response (Node's own wording) is written and the connection closed
 * once it has been sent.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** A bodiless response closing the connection, as Node writes for parser errors. */
const raw = (code: number): string => `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nConnection: close\r\n\r\n`;

/** Node's status for a parser error, by error code (400 for the rest). */
const CODES: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** What a connection owes: requests read and not answered, and a parser error to report afterwards. */
interface Owed {
  unanswered: number;
  error?: { code?: string } | undefined;
}

/** Answers `error` on `socket` and closes it once sent (at once when it cannot be written). */
function reportAndClose(socket: Duplex, error: { code?: string }): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(raw(CODES[error.code ?? ''] ?? 400), () => socket.destroy());
}

/** Makes `server` answer the requests read on a connection before reporting a parser error on it. */
export function answerBeforeClientErrors(server: Server): void {
  const owed = new WeakMap<Duplex, Owed>();
  const of = (socket: Duplex): Owed => {
    let o = owed.get(socket);
    if (o === undefined) {
      o = { unanswered: 0 };
      owed.set(socket, o);
    }
    return o;
  };
  server.on('request', (req: { socket: Duplex }, res: { once(event: 'close', listener: () => void): unknown }) => {
    const socket = req.socket;
    const o = of(socket);
    o.unanswered++;
    res.once('close', () => {
      o.unanswered--;
      if (o.unanswered === 0 && o.error !== undefined) reportAndClose(socket, o.error);
    });
  });
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    const o = of(socket);
    // The parser reports every later chunk again; the first error is the one answered.
    if (o.error !== undefined) return;
    o.error = error;
    socket.pause();
    if (o.unanswered === 0) reportAndClose(socket, error);
  });
}
