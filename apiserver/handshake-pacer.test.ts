import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { paceHandshakes } from './handshake-pacer.js';

interface Paced {
  server: Server;
  /** The connections the server's own listener was given, with the turn it ran in. */
  started: Array<{ turn: number; socket: Socket }>;
  turn: () => number;
  stop: () => void;
}

/**
 * A paced net.Server whose own connection listener (standing for the TLS server's, which starts
 * the handshake) records the event-loop turn it ran in, then echoes the first chunk and ends.
 */
function pacedServer(perTurn: number, newestPerTurn: number): Paced {
  let turn = 0;
  let ticking = true;
  const tick = (): void => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  const started: Paced['started'] = [];
  const server = createServer({ pauseOnConnect: true }, (socket: Socket) => {
    started.push({ turn, socket });
    socket.resume();
    socket.once('data', (chunk: Buffer) => socket.end(chunk));
  });
  const pacer = paceHandshakes(server, perTurn, newestPerTurn);
  assert.equal(pacer.waiting, 0);
  setImmediate(tick);
  return { server, started, turn: () => turn, stop: () => (ticking = false) };
}

/**
 * `n` connections accepted (unread) by a listener of their own, each client having sent `client i`;
 * resolves with the server sides, in arrival order, and the clients' answers to come. Handing them to
 * a paced server in one go is a burst the size of the accept copies' per turn.
 */
async function acceptedBurst(n: number): Promise<{ sockets: Socket[]; answers: Promise<Array<PromiseSettledResult<string>>>; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const feeder = createServer({ pauseOnConnect: true }, (socket: Socket) => sockets.push(socket));
  await new Promise<void>((resolve) => feeder.listen(0, '127.0.0.1', resolve));
  const port = (feeder.address() as { port: number }).port;
  const answers = Promise.allSettled(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise<string>((resolve, reject) => {
          let got = '';
          const c = connect(port, '127.0.0.1', () => c.write(`client ${i}`));
          c.on('data', (b: Buffer) => (got += b.toString()));
          c.on('end', () => resolve(got));
          c.on('error', reject);
        }),
    ),
  );
  while (sockets.length < n) await new Promise((r) => setTimeout(r, 5));
  return { sockets, answers, close: () => new Promise<void>((resolve) => feeder.close(() => resolve())) };
}

describe('handshake pacer', () => {
  it('starts at most perTurn of a burst per event-loop turn, in arrival order without a newest lane, losing nothing', async () => {
    const perTurn = 4;
    const n = 40;
    const burst = await acceptedBurst(n);
    const p = pacedServer(perTurn, 0);
    try {
      for (const socket of burst.sockets) p.server.emit('connection', socket);
      // Nothing is started in the turn that accepted them.
      assert.equal(p.started.length, 0);
      const answers = (await burst.answers).map((a) => (a.status === 'fulfilled' ? a.value : 'reset'));
      // Data that arrived while a connection waited is all there once it starts.
      assert.deepEqual(answers.sort(), Array.from({ length: n }, (_, i) => `client ${i}`).sort());
      const perTurnCounts = new Map<number, number>();
      for (const s of p.started) perTurnCounts.set(s.turn, (perTurnCounts.get(s.turn) ?? 0) + 1);
      assert.ok(perTurnCounts.size >= n / perTurn, `${n} connections started in ${perTurnCounts.size} turns`);
      assert.ok(Math.max(...perTurnCounts.values()) <= perTurn, `started per turn: ${[...perTurnCounts.values()].join(',')}`);
      assert.deepEqual(
        p.started.map((s) => s.socket),
        burst.sockets,
        'connections start in the order they were accepted',
      );
    } finally {
      p.stop();
      await burst.close();
    }
  });

  it('starts a connection that arrives behind a backlog within a turn, and the backlog oldest first', async () => {
    const n = 40;
    const burst = await acceptedBurst(n + 1);
    const late = burst.sockets.pop() as Socket;
    const p = pacedServer(4, 1);
    try {
      for (const socket of burst.sockets) p.server.emit('connection', socket);
      // Two turns into the backlog, one more connection arrives.
      const at = p.turn();
      while (p.turn() < at + 2) await new Promise((r) => setImmediate(r));
      const lateAt = p.turn();
      p.server.emit('connection', late);
      const answers = (await burst.answers).map((a) => (a.status === 'fulfilled' ? a.value : 'reset'));
      assert.deepEqual(answers.sort(), Array.from({ length: n + 1 }, (_, i) => `client ${i}`).sort());
      const lateStart = p.started.find((s) => s.socket === late);
      assert.ok(lateStart !== undefined && lateStart.turn <= lateAt + 2, `the late connection started in turn ${lateStart?.turn}, it arrived in ${lateAt}`);
      const after = p.started.slice(p.started.findIndex((s) => s.socket === late) + 1);
      assert.ok(after.length >= n / 2, `${after.length} of the backlog started after the late connection`);
      // Apart from one newest per turn, the backlog starts oldest first.
      const fromOldest = p.started.filter((_, i) => i % 4 !== 0).map((s) => burst.sockets.indexOf(s.socket));
      assert.deepEqual(fromOldest, [...fromOldest].sort((a, b) => a - b));
      const perTurnCounts = new Map<number, number>();
      for (const s of p.started) perTurnCounts.set(s.turn, (perTurnCounts.get(s.turn) ?? 0) + 1);
      assert.ok(Math.max(...perTurnCounts.values()) <= 4, `started per turn: ${[...perTurnCounts.values()].join(',')}`);
    } finally {
      p.stop();
      await burst.close();
    }
  });

  it('reports the connections waiting and starts a connection closed while waiting harmlessly', async () => {
    const burst = await acceptedBurst(6);
    const server = createServer({ pauseOnConnect: true }, (socket: Socket) => {
      socket.resume();
      socket.once('data', (chunk: Buffer) => socket.end(chunk));
    });
    const pacer = paceHandshakes(server, 2);
    try {
      for (const socket of burst.sockets) server.emit('connection', socket);
      assert.equal(pacer.waiting, 6);
      burst.sockets[5]?.destroy();
      await new Promise((r) => setImmediate(r));
      assert.equal(pacer.waiting, 4);
      const outcomes = (await burst.answers).map((a) => a.status).sort();
      assert.deepEqual(outcomes, ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected'], 'the destroyed connection is reset, the others answered');
      assert.equal(pacer.waiting, 0);
    } finally {
      for (const s of burst.sockets) s.destroy();
      await burst.close();
    }
  });

  it('refuses a server without a connection listener to pace', () => {
    assert.throws(() => paceHandshakes(createServer()), /no connection listener/);
  });
});
