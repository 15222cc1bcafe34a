/** Reads a watch stream line by line over HTTPS (the way client-go does). */
import { request } from 'node:https';
import type { AdminCredentials } from './server.js';

export interface StreamedEvent {
  type: string;
  object: Record<string, unknown> & { metadata?: Record<string, unknown> };
}

/** An open watch: events arrive in `events`; `next()` waits for the next one. */
export interface OpenWatch {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  events: StreamedEvent[];
  next(timeoutMs?: number): Promise<StreamedEvent>;
  ended: Promise<void>;
  close(): void;
}

/** Opens `path` (which includes `watch=1`) and collects events. */
export function openWatch(baseUrl: string, path: string, creds: AdminCredentials, accept = 'application/json'): Promise<OpenWatch> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { ca: creds.ca, cert: creds.cert, key: creds.key, headers: { accept } }, (res) => {
      const events: StreamedEvent[] = [];
      let read = 0;
      let buf = '';
      const waiters: (() => void)[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim() !== '') events.push(JSON.parse(line) as StreamedEvent);
        }
        waiters.splice(0).forEach((w) => w());
      });
      const ended = new Promise<void>((r) => res.on('close', () => { waiters.splice(0).forEach((w) => w()); r(); }));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        async next(timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          while (read >= events.length) {
            if (Date.now() > deadline || res.closed) throw new Error(`no watch event within ${timeoutMs} ms (got ${events.length})`);
            await new Promise<void>((r) => {
              waiters.push(r);
              setTimeout(r, 50);
            });
          }
          const ev = events[read++];
          if (ev === undefined) throw new Error('no event');
          return ev;
        },
        close() {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}
