/**
 * One flood of the load script, in a process of its own (so that the prober measuring the server is
 * not slowed by the flood's own work): `connections` clients, each on its own kept-alive connection,
 * sending requests back to back for `durationMs` as the load client (a bearer token, not
 * system:masters). `list` clients page through every InternalSecret (`limit`, `continue`, consistent
 * reads); `get` clients read single InternalSecrets. Like client-go, a client told 429 waits for the
 * `Retry-After` seconds before its next request. Prints a JSON {@link FloodResult} when done.
 */
import { Agent, request } from 'node:https';
import { secretName } from './names.js';

const GROUP_PATH = '/apis/core.gardener.cloud/v1beta1';

/** What the worker is told (JSON in argv[2]). */
export interface FloodConfig {
  url: string;
  ca: string;
  token: string;
  mode: 'list' | 'get';
  connections: number;
  durationMs: number;
  /** list: page size. */
  limit: number;
  /** get: the seeded objects to pick from (indexes 0 to objects - 1, see `names.ts`). */
  objects: number;
  /** list: the collection to page through. */
  listPath: string;
}

/** What the worker reports. */
export interface FloodResult {
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  bytes: number;
  seconds: number;
  /** Complete paginated lists (list mode). */
  fullLists: number;
  /** First error message seen, for diagnostics. */
  firstError?: string;
}

interface Reply {
  status: number;
  body: Buffer;
  retryAfterSeconds: number;
}

function send(agent: Agent, cfg: FloodConfig, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, cfg.url), { agent, headers: { authorization: `Bearer ${cfg.token}`, accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), retryAfterSeconds: Number(res.headers['retry-after'] ?? 0) }));
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

function continueOf(body: Buffer): string | undefined {
  // The token is in the list's metadata, which comes first; parsing megabytes per page is not needed.
  const m = /"continue":"([^"]+)"/.exec(body.subarray(0, 4096).toString('latin1'));
  return m?.[1];
}

async function run(cfg: FloodConfig): Promise<FloodResult> {
  // maxFreeSockets: Node's default (256) would close the sockets of clients waiting out a 429 and make them
  // reconnect, where each of the clients this models keeps its own connection.
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.connections, maxFreeSockets: cfg.connections, ca: cfg.ca });
  const result: FloodResult = { requests: 0, statuses: {}, errors: 0, bytes: 0, seconds: 0, fullLists: 0 };
  const start = performance.now();
  const deadline = start + cfg.durationMs;
  const record = async (r: Reply) => {
    result.requests++;
    result.bytes += r.body.length;
    result.statuses[r.status] = (result.statuses[r.status] ?? 0) + 1;
    // Waiting past the flood's end would only delay the figures.
    const wait = r.status === 429 ? Math.min(r.retryAfterSeconds * 1000, deadline - performance.now()) : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  const client = async (c: number) => {
    let token: string | undefined;
    let n = c;
    while (performance.now() < deadline) {
      try {
        if (cfg.mode === 'get') {
          n = (n * 7919 + 13) % cfg.objects;
          const { namespace, name } = secretName(n);
          await record(await send(agent, cfg, `${GROUP_PATH}/namespaces/${namespace}/internalsecrets/${name}`));
          continue;
        }
        const r = await send(agent, cfg, `${cfg.listPath}?limit=${cfg.limit}${token === undefined ? '' : `&continue=${token}`}`);
        await record(r);
        token = r.status === 200 ? continueOf(r.body) : undefined;
        if (r.status === 200 && token === undefined) result.fullLists++;
      } catch (e: unknown) {
        result.errors++;
        result.firstError ??= e instanceof Error ? e.message : String(e);
        token = undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.connections }, (_, c) => client(c)));
  result.seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return result;
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as FloodConfig;
run(cfg).then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
