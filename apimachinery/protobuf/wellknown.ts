/**
 * The messages whose JSON form is not an object of their fields: times, durations, quantities,
 * int-or-string, raw JSON (RawExtension, apiextensions JSON, FieldsV1) and the `items` wrappers Go uses
 * for nullable lists. Each converts between the JSON value the server stores and the message body.
 */
import protobuf from 'protobufjs';
import { DurationError, formatDuration, parseDuration } from '../duration.js';
import { ProtobufError } from './errors.js';

type Reader = protobuf.Reader;
type Writer = protobuf.Writer;

/** Converts one JSON value to and from the body of one message type. */
export interface ValueCodec {
  /** Writes the body of the message for `value` (the caller writes tag and length). */
  write(value: unknown, w: Writer, path: string): void;
  /** Reads a body that ends at `end`; undefined leaves the field out, as Go's JSON does for a zero time. */
  read(r: Reader, end: number): unknown;
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** Wire types. */
export const VARINT = 0;
export const LDELIM = 2;

/** A protobufjs int64 (Long or number) as a number. */
export function int64ToNumber(v: number | protobuf.Long, unsigned = false): number {
  return typeof v === 'number' ? v : protobuf.util.LongBits.from(v).toNumber(unsigned);
}

/** A protobufjs int64 as an exact bigint. */
function int64ToBigInt(v: number | protobuf.Long): bigint {
  if (typeof v === 'number') return BigInt(v);
  return BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0));
}

/** An exact int64 for protobufjs' Writer. */
function bigIntToLong(v: bigint): protobuf.Long {
  const bits = BigInt.asUintN(64, v);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: false };
}

/** Reads the varint and length-delimited fields of a small message into a field-number table. */
function readFields(r: Reader, end: number): Map<number, number | protobuf.Long | Uint8Array> {
  const out = new Map<number, number | protobuf.Long | Uint8Array>();
  while (r.pos < end) {
    const tag = r.uint32();
    const wire = tag & 7;
    if (wire === VARINT) out.set(tag >>> 3, r.int64());
    else if (wire === LDELIM) out.set(tag >>> 3, r.bytes());
    else r.skipType(wire);
  }
  return out;
}

function numberField(fields: Map<number, unknown>, id: number): number {
  const v = fields.get(id);
  if (v === undefined) return 0;
  if (v instanceof Uint8Array) throw new ProtobufError(`field ${id}: expected a varint`);
  return int64ToNumber(v as number | protobuf.Long);
}

function bytesField(fields: Map<number, unknown>, id: number): Uint8Array | undefined {
  const v = fields.get(id);
  if (v === undefined) return undefined;
  if (!(v instanceof Uint8Array)) throw new ProtobufError(`field ${id}: expected bytes`);
  return v;
}

const TEXT = new TextDecoder('utf-8', { fatal: false });

function expectString(value: unknown, path: string, what: string): string {
  if (typeof value !== 'string') throw new ProtobufError(`${path}: ${what} must be a string`);
  return value;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Seconds since the epoch and nanoseconds of an RFC 3339 time. */
export function parseRfc3339(text: string): { seconds: number; nanos: number } {
  const m = RFC3339.exec(text);
  if (m === null) throw new ProtobufError(`invalid time ${JSON.stringify(text)}: not RFC 3339`);
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number(y) < 100) ms = new Date(ms).setUTCFullYear(Number(y));
  if (sign !== undefined) ms -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return { seconds: ms / 1000, nanos: frac === undefined ? 0 : Number(frac.padEnd(9, '0')) };
}

function isoDate(seconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return iso.slice(0, 19);
}

/** Writes a Timestamp message's fields. */
function writeTimestamp(w: protobuf.Writer, seconds: number, nanos: number): void {
  w.uint32(0x08).int64(seconds).uint32(0x10).int32(nanos);
}

/**
 * meta/v1 Time: RFC 3339 in seconds, UTC ("2006-01-02T15:04:05Z"). Go's ProtoTime writes nanos 0
 * whatever the time's fraction (its JSON has none either), and so does this.
 */
const time: ValueCodec = {
  write(value, w, path) {
    writeTimestamp(w, parseRfc3339(expectString(value, path, 'a time')).seconds, 0);
  },
  read(r, end) {
    if (r.pos === end) return undefined;
    const f = readFields(r, end);
    return `${isoDate(numberField(f, 1))}Z`;
  },
};

/** meta/v1 MicroTime: RFC 3339 with six fraction digits ("2006-01-02T15:04:05.000000Z"). */
const microTime: ValueCodec = {
  write(value, w, path) {
    const { seconds, nanos } = parseRfc3339(expectString(value, path, 'a time'));
    writeTimestamp(w, seconds, nanos);
  },
  read(r, end) {
    if (r.pos === end) return undefined;
    const f = readFields(r, end);
    const micros = Math.floor(numberField(f, 2) / 1000);
    return `${isoDate(numberField(f, 1))}.${String(micros).padStart(6, '0')}Z`;
  },
};

/** Parsed durations by text: objects repeat the same few ("1h0m0s"), and parsing goes through bigint. */
const durations = new Map<string, protobuf.Long>();

function durationLong(text: string, path: string): protobuf.Long {
  const known = durations.get(text);
  if (known !== undefined) return known;
  let long: protobuf.Long;
  try {
    long = bigIntToLong(parseDuration(text));
  } catch (e: unknown) {
    if (e instanceof DurationError) throw new ProtobufError(`${path}: ${e.message}`);
    throw e;
  }
  if (durations.size >= 1024) durations.clear();
  durations.set(text, long);
  return long;
}

/** meta/v1 Duration: Go's duration text, nanoseconds on the wire. */
const duration: ValueCodec = {
  write(value, w, path) {
    w.uint32(0x08).int64(durationLong(expectString(value, path, 'a duration'), path));
  },
  read(r, end) {
    const f = readFields(r, end);
    const v = f.get(1);
    if (v instanceof Uint8Array) throw new ProtobufError('Duration: expected a varint');
    return formatDuration(v === undefined ? 0n : int64ToBigInt(v));
  },
};

/** resource.Quantity: its text, as written. */
const quantity: ValueCodec = {
  write(value, w, path) {
    if (typeof value !== 'string' && typeof value !== 'number') throw new ProtobufError(`${path}: a quantity must be a string or a number`);
    w.uint32(0x0a).string(String(value));
  },
  read(r, end) {
    const b = bytesField(readFields(r, end), 1);
    return b === undefined ? '' : TEXT.decode(b);
  },
};

/** intstr.IntOrString: a number (type 0) or a string (type 1). */
const intOrString: ValueCodec = {
  write(value, w, path) {
    if (typeof value === 'number') w.uint32(0x08).int64(0).uint32(0x10).int32(value).uint32(0x1a).string('');
    else if (typeof value === 'string') w.uint32(0x08).int64(1).uint32(0x10).int32(0).uint32(0x1a).string(value);
    else throw new ProtobufError(`${path}: must be an integer or a string`);
  },
  read(r, end) {
    const f = readFields(r, end);
    if (numberField(f, 1) === 1) {
      const b = bytesField(f, 3);
      return b === undefined ? '' : TEXT.decode(b);
    }
    return numberField(f, 2);
  },
};

/** A message whose field 1 holds raw JSON (RawExtension, apiextensions JSON, FieldsV1). */
const rawJson: ValueCodec = {
  write(value, w) {
    w.uint32(0x0a).bytes(Buffer.from(JSON.stringify(value)));
  },
  read(r, end) {
    const b = bytesField(readFields(r, end), 1);
    if (b === undefined || b.length === 0) return undefined;
    try {
      return JSON.parse(TEXT.decode(b)) as unknown;
    } catch (e: unknown) {
      throw new ProtobufError(`raw extension is not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};

/** Codecs by full message name (without the leading dot). */
export const WELL_KNOWN: ReadonlyMap<string, ValueCodec> = new Map([
  [`${META}.Time`, time],
  [`${META}.MicroTime`, microTime],
  [`${META}.Duration`, duration],
  [`${META}.FieldsV1`, rawJson],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', quantity],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', intOrString],
  ['k8s.io.apimachinery.pkg.runtime.RawExtension', rawJson],
  ['k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON', rawJson],
]);
