/**
 * More accepts per event-loop turn for a listening socket.
 *
 * libuv (1.45 and later, so Node 20) accepts at most one connection per listening handle per loop
 * turn. When turns are long, because thousands of connections are busy, new connections wait in the
 * kernel's accept queue for seconds: a reconnect burst, or a probe on a fresh connection, is served
 * at the rate of one per turn. Node 20 has no `SO_REUSEPORT` option to open several listening sockets
 * on one port, so the listening socket itself is copied instead: each copy is a further file
 * descriptor of the same socket, registered with the event loop as its own listening handle, and
 * each accepts one connection per turn. Accepted connections are handed to the server the socket
 * belongs to, exactly as its own.
 *
 * A process cannot duplicate a descriptor through Node's API, but it can receive one: a short-lived
 * helper process gets the socket over an IPC channel and sends it back `count` times, each arriving
 * as a new descriptor. The helper never accepts (it holds the raw handle, which is not listening in
 * its event loop) and exits once the copies are sent.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';

/** Copies of a listening socket, feeding their connections to the server. */
export interface AcceptCopies {
  /** Settles with the number of copies accepting (0 when they could not be made). */
  readonly ready: Promise<number>;
  /** Stops the copies accepting; resolves once the connections they accepted have all ended. */
  close(): Promise<void>;
}

/** The helper: sends the handle it receives back `count` times, then leaves. */
const HELPER = `
process.on('message', (m, handle) => {
  const count = Number(m);
  for (let i = 0; i < count; i++) process.send('copy', handle);
  // Handles are sent one at a time; this callback runs once the last one is through.
  process.send('done', undefined, {}, () => process.disconnect());
});
`;

const HELPER_TIMEOUT_MS = 30_000;

/** A native socket handle, as Node passes it between processes. */
type RawHandle = object;

/** Closes a copy that will not listen. */
function closeHandle(handle: RawHandle): void {
  (handle as { close?: () => void }).close?.();
}

/** Asks a helper process for `count` copies of `server`'s listening handle. */
function requestCopies(server: Server, count: number): Promise<RawHandle[]> {
  // The native handle is sent, not the server: a net.Server arriving in the helper would start
  // accepting there. `_handle` is Node's (undocumented, stable) field for it, as the cluster module uses.
  const handle = (server as unknown as { _handle?: RawHandle | null })._handle;
  if (handle === undefined || handle === null) return Promise.resolve([]);
  return new Promise((resolve) => {
    const got: RawHandle[] = [];
    const child = spawn(process.execPath, ['-e', HELPER], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: {} });
    const finish = (): void => {
      clearTimeout(timer);
      resolve(got);
    };
    // The helper leaves by itself; one that hangs is not waited for.
    const timer = setTimeout(() => child.kill('SIGKILL'), HELPER_TIMEOUT_MS);
    timer.unref();
    child.on('message', (message, copy) => {
      if (message === 'copy' && copy !== undefined && copy !== null) got.push(copy as RawHandle);
    });
    // After the helper has exited (so it holds the socket no more) and every message has been read.
    child.on('close', finish);
    child.on('error', finish);
    child.send(String(count), handle as Parameters<typeof child.send>[1]);
  });
}

/**
 * Makes `count` copies of `server`'s listening socket, each listening with `backlog` (the socket's
 * own: listening again sets it) and handing its connections to `server` as `'connection'` events.
 * `server` must be listening. Copies that arrive after {@link AcceptCopies.close} are closed at once.
 * `pauseOnConnect` must be the server's own setting: its connection listener expects sockets that
 * are (or are not yet) reading.
 */
export function addAcceptCopies(server: Server, count: number, backlog: number, pauseOnConnect = false): AcceptCopies {
  const copies: Server[] = [];
  let closed = false;
  const ready = (count > 0 ? requestCopies(server, count) : Promise.resolve([])).then(async (handles) => {
    for (const handle of handles) {
      if (closed || !server.listening) {
        closeHandle(handle);
        continue;
      }
      const copy = createServer({ noDelay: true, pauseOnConnect }, (socket: Socket) => server.emit('connection', socket));
      const listening = await new Promise<boolean>((resolve) => {
        copy.once('error', () => resolve(false));
        copy.listen(handle, backlog, () => resolve(true));
      });
      if (listening) copies.push(copy);
      else closeHandle(handle);
    }
    return copies.length;
  });
  return {
    ready,
    async close() {
      closed = true;
      await ready;
      await Promise.all(copies.splice(0).map((copy) => new Promise<void>((resolve) => copy.close(() => resolve()))));
    },
  };
}
