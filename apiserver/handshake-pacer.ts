/**
 * TLS handshakes started at a bounded number per event-loop turn.
 *
 * The listener accepts up to 64 connections per turn (see `accept-copies.ts`), and every accepted
 * connection's handshake (key exchange, certificate signature and verification, the TLS socket's own
 * set-up) and first request then run in the next turn. When thousands of clients connect at once, as
 * after a rollout or in a flood, those turns hold the event loop for hundreds of milliseconds, and
 * every request on an established connection waits that long.
 *
 * The pacer keeps accepting as fast as connections come (they leave the kernel's queue and are never
 * dropped), but holds each accepted socket unread and starts at most `perTurn` handshakes per turn, in
 * arrival order, between the turns' I/O. A burst then costs as much CPU as before, in short turns.
 * Without a burst the wait is nothing: a connection's handshake starts right after the turn that
 * accepted it. Connections still waiting when the server closes are started all the same: they were
 * accepted, and closing waits for them as for every other connection.
 */
import type { Server, Socket } from 'node:net';

/** Handshakes started per event-loop turn. */
export const HANDSHAKES_PER_TURN = 16;

/** Accepted connections waiting for their handshake. */
export interface HandshakePacer {
  /** Connections accepted whose handshake has not started yet. */
  readonly waiting: number;
}

type ConnectionListener = (this: Server, socket: Socket) => void;

/**
 * Puts `server`'s own `'connection'` listener (the TLS server's, which starts the handshake) behind a
 * queue drained `perTurn` at a time. `server` must hand its listener sockets that are not reading
 * yet (`pauseOnConnect`), so that nothing arrives before the handshake starts.
 */
export function paceHandshakes(server: Server, perTurn = HANDSHAKES_PER_TURN): HandshakePacer {
  const [begin] = server.listeners('connection') as ConnectionListener[];
  if (begin === undefined) throw new Error('the server has no connection listener to pace');
  server.removeListener('connection', begin);
  // Started sockets are cleared from the queue, which is only reset once drained.
  let queue: Array<Socket | undefined> = [];
  let head = 0;
  let scheduled = false;

  const turn = (): void => {
    scheduled = false;
    const end = Math.min(queue.length, head + perTurn);
    for (; head < end; head++) {
      const socket = queue[head];
      queue[head] = undefined;
      if (socket !== undefined && !socket.destroyed) begin.call(server, socket);
    }
    if (head < queue.length) schedule();
    else {
      queue = [];
      head = 0;
    }
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(turn);
  };
  server.on('connection', (socket: Socket) => {
    queue.push(socket);
    schedule();
  });
  return {
    get waiting() {
      return queue.length - head;
    },
  };
}
