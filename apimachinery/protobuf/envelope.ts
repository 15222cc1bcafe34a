/**
 * Kubernetes' protobuf envelope: the 4-byte magic `k8s\0` followed by a `runtime.Unknown` whose
 * `typeMeta` names apiVersion and kind and whose `raw` holds the object's own message; and the watch
 * stream's frames, a 4-byte big-endian length before each `meta.v1.WatchEvent`.
 */
import protobuf from 'protobufjs';
import { ProtobufError } from './errors.js';
import type { ValueCodec } from './wellknown.js';

/** The media type of protobuf bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
/** The media type of protobuf watch streams. */
export const PROTOBUF_WATCH_MEDIA_TYPE = `${PROTOBUF_MEDIA_TYPE};stream=watch`;

/** The bytes every enveloped body starts with. */
export const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** apiVersion and kind of an enveloped object. */
export interface TypeMeta {
  apiVersion: string;
  kind: string;
}

/** An enveloped body, opened: its type and the object's message bytes. */
export interface Opened extends TypeMeta {
  raw: Uint8Array;
}

/**
 * Envelopes `obj` encoded with `codec`: magic, then Unknown{typeMeta, raw, contentEncoding,
 * contentType} with every field written, as Go writes it.
 */
export function encodeEnveloped(codec: ValueCodec, type: TypeMeta, obj: unknown): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(0x0a).fork().uint32(0x0a).string(type.apiVersion).uint32(0x12).string(type.kind).ldelim();
  w.uint32(0x12).fork();
  codec.write(obj, w, '');
  w.ldelim();
  w.uint32(0x1a).string('').uint32(0x22).string('');
  return Buffer.concat([MAGIC, w.finish()]);
}

/** Envelopes a message body that is already encoded. */
export function envelopeRaw(type: TypeMeta, raw: Uint8Array): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(0x0a).fork().uint32(0x0a).string(type.apiVersion).uint32(0x12).string(type.kind).ldelim();
  w.uint32(0x12).bytes(raw).uint32(0x1a).string('').uint32(0x22).string('');
  return Buffer.concat([MAGIC, w.finish()]);
}

function readTypeMeta(r: protobuf.Reader, end: number): TypeMeta {
  const out: TypeMeta = { apiVersion: '', kind: '' };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) out.apiVersion = r.string();
    else if (tag === 0x12) out.kind = r.string();
    else r.skipType(tag & 7);
  }
  return out;
}

/**
 * Opens an enveloped body.
 * @throws ProtobufError with Go's messages for an empty body, a missing magic or a broken Unknown.
 */
export function openEnvelope(body: Uint8Array): Opened {
  if (body.length === 0) throw new ProtobufError('empty data');
  if (body.length < MAGIC.length || !MAGIC.equals(body.subarray(0, MAGIC.length))) {
    throw new ProtobufError(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  if (body.length === MAGIC.length) throw new ProtobufError('empty body');
  const r = protobuf.Reader.create(body.subarray(MAGIC.length));
  const out: Opened = { apiVersion: '', kind: '', raw: new Uint8Array(0) as Uint8Array };
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === 0x0a) {
        const len = r.uint32();
        Object.assign(out, readTypeMeta(r, r.pos + len));
      } else if (tag === 0x12) out.raw = r.bytes();
      else r.skipType(tag & 7);
    }
  } catch (e: unknown) {
    if (e instanceof RangeError) throw new ProtobufError('unexpected EOF');
    throw e;
  }
  return out;
}

/** Decodes a message body with `codec`; malformed input becomes a ProtobufError. */
export function decodeMessage(codec: ValueCodec, raw: Uint8Array): unknown {
  const r = protobuf.Reader.create(raw);
  try {
    return codec.read(r, r.len);
  } catch (e: unknown) {
    if (e instanceof RangeError) throw new ProtobufError('unexpected EOF');
    throw e;
  }
}

/** One watch frame: length, then WatchEvent{type, object: RawExtension{raw: enveloped object}}. */
export function watchFrame(type: string, enveloped: Uint8Array): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(0x0a).string(type).uint32(0x12).fork().uint32(0x0a).bytes(enveloped).ldelim();
  const event = w.finish();
  const frame = Buffer.allocUnsafe(4 + event.length);
  frame.writeUInt32BE(event.length, 0);
  frame.set(event, 4);
  return frame;
}

/** Splits a watch stream into WatchEvents (for clients and tests); returns the unread rest. */
export function readWatchFrames(data: Buffer): { events: { type: string; object: Uint8Array }[]; rest: Buffer } {
  const events: { type: string; object: Uint8Array }[] = [];
  let off = 0;
  while (data.length - off >= 4) {
    const len = data.readUInt32BE(off);
    if (data.length - off - 4 < len) break;
    const r = protobuf.Reader.create(data.subarray(off + 4, off + 4 + len));
    const ev: { type: string; object: Uint8Array } = { type: '', object: new Uint8Array() };
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === 0x0a) ev.type = r.string();
      else if (tag === 0x12) {
        const len = r.uint32();
        const end = r.pos + len;
        while (r.pos < end) {
          const t = r.uint32();
          if (t === 0x0a) ev.object = r.bytes();
          else r.skipType(t & 7);
        }
      } else r.skipType(tag & 7);
    }
    events.push(ev);
    off += 4 + len;
  }
  return { events, rest: data.subarray(off) };
}
