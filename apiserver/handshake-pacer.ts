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
 * dropped), but holds each accepted socket unread and starts at most `perTurn` handshakes per turn,
 * between the turns' I/O: a quarter of them the newest connections, the rest the oldest. A burst then
 * costs as much CPU as before, in short turns; the oldest connections keep moving, and one that
 * arrives after a burst (a probe, a client's retry) starts within a turn or two instead of waiting
 * for the whole backlog (seconds for 2,000 connections). Without a burst the wait is nothing: a
 * connection's handshake starts right after the turn that accepted it. Connections still waiting when
 * the server closes are started all the same: they were accepted, and closing waits for them as for
 * every other connection.
 */
import type { Server, Socket } from 'node:net';
import { TurnQueue } from './turn-queue.js';

/** Handshakes started per event-loop turn. */
export const HANDSHAKES_PER_TURN = 16;

/** Of those, how many go to the newest connections. */
export const NEWEST_HANDSHAKES_PER_TURN = 4;

/** Accepted connections waiting for their handshake. */
export interface HandshakePacer {
  /** Connections accepted whose handshake has not started yet. */
  readonly waiting: number;
}

type ConnectionListener = (this: Server, socket: Socket) => void;

/**
 * Puts `server`'s own `'connection'` listener (the TLS server's, which starts the handshake) behind a
 * queue drained `perTurn` at a time, the first `newestPerTurn` of them from the newest end. `server`
 * must hand its listener sockets that are not reading yet (`pauseOnConnect`), so that nothing arrives
 * before the handshake starts.
 */
export function paceHandshakes(server: Server, perTurn = HANDSHAKES_PER_TURN, newestPerTurn = NEWEST_HANDSHAKES_PER_TURN): HandshakePacer {
  const [begin] = server.listeners('connection') as ConnectionListener[];
  if (begin === undefined) throw new Error('the server has no connection listener to pace');
  server.removeListener('connection', begin);
  const waiting = new TurnQueue<Socket>(
    (socket) => {
      if (!socket.destroyed) begin.call(server, socket);
    },
    () => {
      let started = 0;
      return () => started++ < perTurn;
    },
    newestPerTurn,
  );
  server.on('connection', (socket: Socket) => waiting.push(socket));
  return {
    get waiting() {
      return waiting.length;
    },
  };
}
