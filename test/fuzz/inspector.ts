/**
 * A minimal Chrome DevTools Protocol client for the server process's inspector (`--inspect`), just
 * enough WebSocket (RFC 6455: masked text frames out, unmasked frames in) to force a full garbage
 * collection in the server and read `process.memoryUsage()` there. The fuzz test uses it to measure
 * retained memory precisely instead of guessing from the resident set size alone.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/** `process.memoryUsage()` of the inspected process. */
export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** An open inspector session. */
export interface InspectorSession {
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/** The inspector's WebSocket URL from a process's output (`Debugger listening on ws://…`). */
export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

/** One masked, final WebSocket text frame carrying `text` (clients must mask). */
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, 0x80 | len]) : len < 65536 ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff]) : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), (() => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    return b;
  })()]);
  const mask = randomBytes(4);
  const masked = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) masked[i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
  return Buffer.concat([head, mask, masked]);
}

/** Connects to `wsUrl` (a `ws://127.0.0.1:<port>/<id>` inspector URL). */
export function connectInspector(wsUrl: string, timeoutMs = 10_000): Promise<InspectorSession> {
  const url = new URL(wsUrl);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') },
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error('inspector handshake timed out')));
    req.on('error', reject);
    req.on('response', (res) => reject(new Error(`inspector refused the upgrade: ${res.statusCode ?? 0}`)));
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      let buf = head;
      let fragments: Buffer[] = [];
      let nextId = 1;
      const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
      const fail = (e: Error) => {
        for (const p of pending.values()) p.reject(e);
        pending.clear();
      };
      const onMessage = (text: string) => {
        const msg = JSON.parse(text) as { id?: number; result?: unknown; error?: { message?: string } };
        if (msg.id === undefined) return;
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error !== undefined) p?.reject(new Error(msg.error.message ?? 'inspector error'));
        else p?.resolve(msg.result);
      };
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          if (buf.length < 2) return;
          const b0 = buf[0] ?? 0;
          const b1 = buf[1] ?? 0;
          let len = b1 & 0x7f;
          let off = 2;
          if (len === 126) {
            if (buf.length < 4) return;
            len = buf.readUInt16BE(2);
            off = 4;
          } else if (len === 127) {
            if (buf.length < 10) return;
            len = Number(buf.readBigUInt64BE(2));
            off = 10;
          }
          if (b1 & 0x80) off += 4; // servers do not mask, but tolerate it
          if (buf.length < off + len) return;
          const payload = buf.subarray(off, off + len);
          buf = buf.subarray(off + len);
          const opcode = b0 & 0x0f;
          if (opcode === 8) {
            socket.destroy();
            return;
          }
          if (opcode !== 0 && opcode !== 1) continue;
          fragments.push(payload);
          if (b0 & 0x80) {
            const text = Buffer.concat(fragments).toString('utf8');
            fragments = [];
            onMessage(text);
          }
        }
      });
      socket.on('close', () => fail(new Error('inspector connection closed')));
      socket.on('error', (e: Error) => fail(e));
      resolve({
        call(method, params = {}) {
          const id = nextId++;
          return new Promise((res, rej) => {
            const timer = setTimeout(() => {
              pending.delete(id);
              rej(new Error(`inspector call ${method} timed out`));
            }, timeoutMs);
            pending.set(id, {
              resolve: (v) => {
                clearTimeout(timer);
                res(v);
              },
              reject: (e) => {
                clearTimeout(timer);
                rej(e);
              },
            });
            socket.write(frame(JSON.stringify({ id, method, params })));
          });
        },
        close() {
          socket.destroy();
        },
      });
    });
    req.end();
  });
}

/** Forces full garbage collections in the inspected process and returns its memory usage afterwards. */
export async function memoryAfterGC(wsUrl: string): Promise<MemoryUsage> {
  const session = await connectInspector(wsUrl);
  try {
    for (let i = 0; i < 3; i++) await session.call('HeapProfiler.collectGarbage');
    const result = (await session.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result?: { value?: unknown } };
    const value = result.result?.value;
    if (typeof value !== 'string') throw new Error(`unexpected Runtime.evaluate result: ${JSON.stringify(result).slice(0, 200)}`);
    return JSON.parse(value) as MemoryUsage;
  } finally {
    session.close();
  }
}
