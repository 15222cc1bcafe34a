/**
 * The audit webhook's transport: POSTs to the server of a kubeconfig with its CA, client certificate
 * or token (`https:`; `http:` as well, as Go's REST client allows), over kept-alive connections, each
 * attempt given 30 s in all (Go's client timeout for webhooks), slow bodies included.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type AgentOptions, type RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfigFile } from '../../authn/kubeclient.js';

/**
 * POSTs an EventList body; rejects unless the answer is 2xx within the time allowed. `close` lets go
 * of kept-alive connections.
 */
export type WebhookPost = ((body: string) => Promise<void>) & { close?(): void };

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The kubeconfig in `file`; for an `http:` server, marked as needing no TLS verification (there is no
 * TLS), which client-node otherwise refuses to make requests for.
 */
function webhookKubeConfig(file: string): { kc: KubeConfig; url: URL } {
  const kc = loadKubeConfigFile(file);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error(`audit webhook: ${file} has no current cluster`);
  const url = new URL(cluster.server);
  if (url.protocol !== 'http:') return { kc, url };
  const plain = new KubeConfig();
  plain.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.name === cluster.name ? { ...c, skipTLSVerify: true } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return { kc: plain, url };
}

/** One kept-alive agent while the TLS material stays the same (credential plugins may renew it). */
function agents(plain: boolean): { agentFor(opts: RequestOptions): HttpAgent; close(): void } {
  let agent: HttpAgent | undefined;
  let material = '';
  return {
    agentFor(opts) {
      const next = JSON.stringify([opts.ca, opts.cert, opts.key, opts.rejectUnauthorized, opts.servername].map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)));
      if (agent === undefined || next !== material) {
        agent?.destroy();
        material = next;
        agent = plain ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true, ...tlsOf(opts) });
      }
      return agent;
    },
    close: () => agent?.destroy(),
  };
}

/** The TLS options client-node put on `opts`, for an agent. */
function tlsOf(opts: RequestOptions): AgentOptions {
  const out: AgentOptions = {};
  for (const k of ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername'] as const) if (opts[k] !== undefined) Object.assign(out, { [k]: opts[k] });
  return out;
}

/**
 * The POST of the kubeconfig in `configFile` (TLS and credentials as the kubeconfig says); an attempt
 * fails after `timeoutMs` in all.
 */
export function webhookPost(configFile: string, userAgent: string, timeoutMs = REQUEST_TIMEOUT_MS): WebhookPost {
  const { kc, url } = webhookKubeConfig(configFile);
  const plain = url.protocol === 'http:';
  const send = plain ? httpRequest : httpsRequest;
  const pool = agents(plain);
  const post = async (body: string): Promise<void> => {
    const opts: RequestOptions = { method: 'POST', headers: {} };
    await kc.applyToHTTPSOptions(opts);
    opts.agent = pool.agentFor(opts);
    opts.headers = { ...opts.headers, 'Content-Type': 'application/json', Accept: 'application/json, */*', 'User-Agent': userAgent, 'Content-Length': Buffer.byteLength(body) };
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        clearTimeout(timer);
        if (err === undefined) resolve();
        else reject(err);
      };
      const req = send(url, opts, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          settle(code >= 200 && code < 300 ? undefined : new Error(`the server responded with HTTP ${code}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`));
        });
        res.on('error', settle);
      });
      // The whole exchange, not only silence: a receiver trickling its answer is cut off too.
      const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${timeoutMs / 1000}s`)), timeoutMs);
      req.on('error', settle);
      req.end(body);
    });
  };
  return Object.assign(post, { close: pool.close });
}
