/**
 * Free loopback ports for processes a test starts (etcd members, a server's health port).
 *
 * A port taken by binding port 0 comes from the kernel's ephemeral range, the same range outgoing
 * connections take their source ports from: between closing the probe socket and the child binding
 * the port, any connection on the machine (an etcd member dialling its peers, for one) may take it.
 * The ports handed out here lie below the ephemeral range, where no outgoing connection lands; each
 * is checked by binding it, and none is handed out twice by one test process.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const FIRST_PORT = 10_000;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const n = Number(low);
    return Number.isInteger(n) && n > FIRST_PORT + 1000 ? n : 32_768;
  } catch {
    return 32_768;
  }
}

const LAST_PORT = ephemeralLow() - 1;

/** Whether `port` can be bound on 127.0.0.1 right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A loopback port below the ephemeral range that is free now and not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * (LAST_PORT - FIRST_PORT + 1));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port between ${FIRST_PORT} and ${LAST_PORT}`);
}
