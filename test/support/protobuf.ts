/**
 * A protobuf client's side of the wire for tests: enveloped request bodies, decoded responses and watch
 * streams, encoded with the message definitions of the upstream `.proto` files.
 */
import { request } from 'node:https';
import type supertest from 'supertest';
import {
  decodeMessage,
  encodeEnveloped,
  openEnvelope,
  PROTOBUF_MEDIA_TYPE,
  protobufCodecs,
  readWatchFrames,
} from '../../apimachinery/protobuf/index.js';
import type { AdminCredentials } from './server.js';

export const CORE = 'github.com.gardener.gardener.pkg.apis.core.v1beta1';
export const AUTH = 'github.com.gardener.gardener.pkg.apis.authentication.v1alpha1';
export const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
/** What client-go sends for a protobuf client. */
export const PROTOBUF_ACCEPT = `${PROTOBUF_MEDIA_TYPE}, */*`;

/** An enveloped protobuf body of `value` as `message`. */
export function pbBody(message: string, apiVersion: string, kind: string, value: unknown): Buffer {
  return encodeEnveloped(protobufCodecs().message(message), { apiVersion, kind }, value);
}

/** A decoded enveloped body: its type and its JSON form. */
export interface Decoded {
  apiVersion: string;
  kind: string;
  value: Record<string, any>;
}

/** Decodes an enveloped body as `message` (by default the message named by its kind in `CORE`, or meta Status). */
export function decodePb(body: Uint8Array, message?: string): Decoded {
  const opened = openEnvelope(body);
  const name = message ?? (opened.kind === 'Status' ? `${META}.Status` : `${opened.apiVersion.startsWith('meta.k8s.io') ? META : CORE}.${opened.kind}`);
  return { apiVersion: opened.apiVersion, kind: opened.kind, value: decodeMessage(protobufCodecs().message(name), opened.raw) as Record<string, any> };
}

/** Makes supertest keep a binary response body as a Buffer in `res.body`. */
export function binary(test: supertest.Test): supertest.Test {
  return test.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

/** One event of a protobuf watch, with its object decoded. */
export interface PbEvent {
  type: string;
  object: Decoded;
}

/** An open protobuf watch. */
export interface PbWatch {
  status: number;
  contentType: string | undefined;
  events: PbEvent[];
  /** Waits until `n` events have arrived (or the stream ends). */
  waitFor(n: number): Promise<PbEvent[]>;
  ended: Promise<void>;
  close(): void;
}

/** Opens a protobuf watch at `path` with client certificate `creds`. */
export function openPbWatch(baseUrl: string, path: string, creds: AdminCredentials, accept = PROTOBUF_ACCEPT): Promise<PbWatch> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { ca: creds.ca, cert: creds.cert, key: creds.key, headers: { accept } }, (res) => {
      const events: PbEvent[] = [];
      let pending = Buffer.alloc(0);
      const waiters = new Set<() => void>();
      const wake = () => waiters.forEach((w) => w());
      res.on('data', (chunk: Buffer) => {
        const { events: frames, rest } = readWatchFrames(Buffer.concat([pending, chunk]));
        pending = Buffer.from(rest);
        for (const f of frames) events.push({ type: f.type, object: decodePb(f.object) });
        wake();
      });
      const ended = new Promise<void>((r) => res.on('close', () => (wake(), r())));
      let closed = false;
      void ended.then(() => (closed = true));
      resolve({
        status: res.statusCode ?? 0,
        contentType: res.headers['content-type'],
        events,
        ended,
        async waitFor(n) {
          while (events.length < n && !closed) {
            await new Promise<void>((r) => {
              const w = () => (waiters.delete(w), r());
              waiters.add(w);
            });
          }
          return events;
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Counts the complete watch events at the start of `data` (JSON lines or protobuf frames) without decoding them. */
export function readFrames(encoding: 'json' | 'protobuf', data: Buffer): { count: number; rest: Buffer } {
  let count = 0;
  let off = 0;
  if (encoding === 'json') {
    for (let nl = data.indexOf(10, off); nl >= 0; nl = data.indexOf(10, off)) {
      count++;
      off = nl + 1;
    }
  } else {
    while (data.length - off >= 4 && data.length - off - 4 >= data.readUInt32BE(off)) {
      off += 4 + data.readUInt32BE(off);
      count++;
    }
  }
  return { count, rest: data.subarray(off) };
}
