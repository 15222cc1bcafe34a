/** Watches over WebSocket, opened as browser-side clients and the dashboard's earlier kube-client open them. */
import WebSocket from 'ws';
import type { AdminCredentials } from './server.js';

/** One message of a WebSocket watch. */
export interface SocketMessage {
  data: Buffer;
  binary: boolean;
}

/** An open WebSocket watch collecting its messages. */
export interface SocketWatch {
  ws: WebSocket;
  messages: SocketMessage[];
  /** The next message not read yet; rejects once the socket closed without one. */
  next(): Promise<SocketMessage>;
  /** The close code, once closed. */
  closed: Promise<number>;
}

/** A refused upgrade: the HTTP answer instead of 101. */
export interface RefusedUpgrade extends Error {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function collect(ws: WebSocket): SocketWatch {
  const messages: SocketMessage[] = [];
  const waiters: (() => void)[] = [];
  let read = 0;
  ws.on('message', (data: Buffer, binary: boolean) => {
    messages.push({ data, binary });
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<number>((resolve) =>
    ws.on('close', (code: number) => {
      waiters.splice(0).forEach((w) => w());
      resolve(code);
    }),
  );
  return {
    ws,
    messages,
    closed,
    async next() {
      while (read >= messages.length) {
        if (ws.readyState === WebSocket.CLOSED) throw new Error(`the watch closed after ${messages.length} messages`);
        await new Promise<void>((r) => waiters.push(r));
      }
      return messages[read++]!;
    },
  };
}

/**
 * Opens `path` (with `watch=true`) on `baseUrl` over WebSocket as the admin, sending an `Origin` as a
 * browser does; rejects with a {@link RefusedUpgrade} when the server answers without switching.
 */
export function openSocketWatch(baseUrl: string, path: string, creds: AdminCredentials, options: WebSocket.ClientOptions = {}, protocols?: string[]): Promise<SocketWatch> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://${base.host}${path}`, protocols, { origin: base.origin, ca: creds.ca, cert: creds.cert, key: creds.key, ...options });
    const watch = collect(ws);
    ws.once('open', () => resolve(watch));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused with ${res.statusCode}`), { status: res.statusCode ?? 0, headers: res.headers, body })));
    });
    ws.once('error', reject);
  });
}
