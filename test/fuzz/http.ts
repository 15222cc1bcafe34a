/**
 * Sends one fuzz request over HTTPS exactly as generated (method, raw path, headers, body bytes) and
 * classifies what came back: a complete response, an open stream (a watch), a timeout, or a dropped
 * connection. Every request is bounded by a client-side deadline.
 */
import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

/** TLS client material of one identity (no cert/key: anonymous). */
export interface TlsIdentity {
  ca: string;
  cert?: string;
  key?: string;
}

/** What happened to one request. */
export interface Outcome {
  /** `response`: complete answer; `stream`: 200 that kept streaming (a watch) and was closed by us. */
  kind: 'response' | 'stream' | 'timeout' | 'dropped' | 'client-error';
  status: number;
  headers: IncomingHttpHeaders;
  /** The first bytes of the body (for reports). */
  bodyHead: string;
  bodyBytes: number;
  ms: number;
  error?: string;
}

/** A raw request. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer | undefined;
  /** Use a connection of its own instead of the keep-alive pool. */
  isolate: boolean;
}

/** How long a streaming 200 (watch) is read before we close it. */
const STREAM_READ_MS = 120;
/** How much of a body is kept for reports. */
const HEAD_BYTES = 600;

/** A keep-alive connection pool for one identity plus the identity itself (for isolated requests). */
export interface Endpoint {
  base: URL;
  identity: TlsIdentity;
  agent: Agent;
}

/**
 * How long a pooled connection may sit unused before the client closes it: below the server's
 * keep-alive timeout (65 s), so that the client never sends a request on a connection the server is
 * closing as idle at that moment (an HTTP/1.1 race that would look like a dropped request).
 */
const IDLE_SOCKET_MS = 30_000;

/** Creates the pool of one identity against `baseUrl`. */
export function endpoint(baseUrl: string, identity: TlsIdentity, maxSockets: number): Endpoint {
  return { base: new URL(baseUrl), identity, agent: new Agent({ keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS, ...identity }) };
}

/** Sends `r` and resolves (never rejects) with its outcome within about `timeoutMs`. */
export function send(ep: Endpoint, r: RawRequest, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const head: Buffer[] = [];
    let headLen = 0;
    let bodyBytes = 0;
    let deadline: NodeJS.Timeout | undefined;
    const finish = (kind: Outcome['kind'], error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      const out: Outcome = { kind, status, headers, bodyHead: Buffer.concat(head).toString('utf8'), bodyBytes, ms: Math.round(performance.now() - started) };
      if (error !== undefined) out.error = error;
      resolve(out);
    };
    const options: RequestOptions = {
      host: ep.base.hostname,
      port: ep.base.port,
      method: r.method,
      path: r.path,
      headers: r.headers,
      // No SNI: Node would otherwise derive it from a (fuzzed) Host header, and OpenSSL throws
      // asynchronously on names it does not like.
      servername: '',
      ...(r.isolate ? { agent: false, ...ep.identity } : { agent: ep.agent }),
    };
    let req: ReturnType<typeof request>;
    try {
      req = request(options);
    } catch (e: unknown) {
      finish('client-error', e instanceof Error ? e.message : String(e));
      return;
    }
    deadline = setTimeout(() => {
      finish('timeout', `no complete answer within ${timeoutMs} ms`);
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      headers = res.headers;
      const streaming = status === 200 && res.headers['content-length'] === undefined && res.headers['transfer-encoding'] === 'chunked';
      if (streaming) {
        setTimeout(() => {
          finish('stream');
          req.destroy();
        }, STREAM_READ_MS);
      }
      res.on('data', (c: Buffer) => {
        bodyBytes += c.length;
        if (headLen < HEAD_BYTES) {
          head.push(c.subarray(0, HEAD_BYTES - headLen));
          headLen += Math.min(c.length, HEAD_BYTES - headLen);
        }
      });
      res.on('end', () => finish('response'));
      res.on('error', (e: Error) => finish(status > 0 ? 'response' : 'dropped', e.message));
      res.on('aborted', () => finish('dropped', 'response aborted'));
    });
    // CONNECT answers arrive as 'connect' (Node closes the tunnel socket itself when nobody listens).
    req.on('connect', (res, socket) => {
      status = res.statusCode ?? 0;
      headers = res.headers;
      socket.destroy();
      finish('response');
    });
    // A connection that closes before the answer is complete (Node drops some requests silently).
    req.on('close', () => finish('dropped', 'connection closed before a complete answer'));
    req.on('error', (e: Error) => {
      // An error after a complete status line (e.g. EPIPE while still uploading a body the server
      // refused) still counts as an answer; without one the connection was dropped.
      finish(status > 0 ? 'response' : 'dropped', e.message);
    });
    try {
      req.end(r.body);
    } catch (e: unknown) {
      finish('client-error', e instanceof Error ? e.message : String(e));
      req.destroy();
    }
  });
}
