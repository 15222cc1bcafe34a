/**
 * Converts between the JSON objects the server keeps and protobuf message bodies, driven by the message
 * definitions of `descriptor.json` (protobufjs reflection; protobufjs' Reader and Writer do the wire
 * encoding). Each message type is compiled once into a table of field plans; encoding walks the JSON
 * object once and writes fields in field-number order, decoding reads fields in any order and builds
 * the JSON object directly.
 *
 * JSON and protobuf differ where Go's types do: the messages of `wellknown.ts` have scalar JSON forms,
 * `bytes` fields are base64 strings in JSON, messages that only wrap a repeated `items` field are JSON
 * arrays, embedded structs ({@link GO_INLINE_FIELDS}) are nested messages whose fields JSON writes in
 * the embedding object, and the zero values of Go's `omitempty` value fields
 * ({@link GO_OMITEMPTY_VALUE_FIELDS}) are dropped on decoding. JSON `null` members are unset fields.
 */
import protobuf from 'protobufjs';
import { isPlainObject } from '../types.js';
import { ProtobufError } from './errors.js';
import { GO_INLINE_FIELDS, GO_OMITEMPTY_VALUE_FIELDS } from './go-fields.js';
import { int64ToNumber, LDELIM, VARINT, WELL_KNOWN, type ValueCodec } from './wellknown.js';

type Reader = protobuf.Reader;
type Writer = protobuf.Writer;
type Holder = Record<string, unknown>;

/** How one field is written and read. */
interface FieldPlan {
  name: string;
  id: number;
  /** An embedded struct: written from and read into the holder itself. */
  inline: boolean;
  /** Writes the field (tag included) for a non-null JSON value; `path` names the holder, for errors. */
  write(value: unknown, w: Writer, path: string): void;
  /** Reads one occurrence of the field (its tag is consumed) into `holder`. */
  read(r: Reader, wire: number, holder: Holder): void;
}

/** A scalar type: its wire type, a checked writer and a reader. */
interface Scalar {
  wire: number;
  /** Writes the value (no tag); false when the JSON value has the wrong type. */
  write(w: Writer, value: unknown): boolean;
  read(r: Reader): unknown;
}

const isInt = Number.isInteger;

const SCALARS: Record<string, Scalar> = {
  string: { wire: LDELIM, write: (w, v) => typeof v === 'string' && (w.string(v), true), read: (r) => r.string() },
  bool: { wire: VARINT, write: (w, v) => typeof v === 'boolean' && (w.bool(v), true), read: (r) => r.bool() },
  int32: { wire: VARINT, write: (w, v) => isInt(v) && (w.int32(v as number), true), read: (r) => r.int32() },
  int64: { wire: VARINT, write: (w, v) => isInt(v) && (w.int64(v as number), true), read: (r) => int64ToNumber(r.int64()) },
  uint32: { wire: VARINT, write: (w, v) => isInt(v) && (w.uint32(v as number), true), read: (r) => r.uint32() },
  uint64: { wire: VARINT, write: (w, v) => isInt(v) && (w.uint64(v as number), true), read: (r) => int64ToNumber(r.uint64(), true) },
  double: { wire: 1, write: (w, v) => typeof v === 'number' && (w.double(v), true), read: (r) => r.double() },
  float: { wire: 5, write: (w, v) => typeof v === 'number' && (w.float(v), true), read: (r) => r.float() },
  bytes: {
    wire: LDELIM,
    write: (w, v) => typeof v === 'string' && (w.bytes(Buffer.from(v, 'base64')), true),
    read: (r) => Buffer.from(r.bytes()).toString('base64'),
  },
};

/** Zero values of scalars, for map entries that leave out their value. */
const SCALAR_ZERO: Record<string, unknown> = { string: '', bytes: '', bool: false, int32: 0, int64: 0, uint32: 0, uint64: 0, double: 0, float: 0 };

function typeError(where: string, type: string): ProtobufError {
  return new ProtobufError(`${where}: the value does not fit protobuf type ${type}`);
}

function wireError(name: string, wire: number): ProtobufError {
  return new ProtobufError(`proto: wrong wireType = ${wire} for field ${name}`);
}

/** Reads a length prefix and returns where the nested body ends. */
function nestedEnd(r: Reader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new ProtobufError('unexpected EOF');
  return end;
}

const isZero = (v: unknown): boolean => v === '' || v === 0 || v === false;

/**
 * The values of one field, compiled for that field: how one value is written (no tag) and read. `path`
 * names the holder; it is extended only when a nested message is entered, and read only for errors.
 */
interface Element {
  wire: number;
  /** The scalar type, or undefined for a message. */
  scalar: string | undefined;
  write(value: unknown, w: Writer, path: string): void;
  read(r: Reader): unknown;
  /** The value of an absent element (a map entry without value). */
  zero(): unknown;
}

const EMPTY = new Uint8Array(0);

function elementOf(f: protobuf.Field, lookup: (t: protobuf.Type) => ValueCodec): Element {
  const name = f.name;
  if (f.resolvedType instanceof protobuf.Type) {
    const codec = lookup(f.resolvedType);
    return {
      wire: LDELIM,
      scalar: undefined,
      write(value, w, path) {
        w.fork();
        codec.write(value, w, `${path}.${name}`);
        w.ldelim();
      },
      read(r) {
        const end = nestedEnd(r);
        const v = codec.read(r, end);
        r.pos = end;
        return v;
      },
      zero: () => codec.read(protobuf.Reader.create(EMPTY), 0),
    };
  }
  const type = f.type;
  const scalar = SCALARS[type];
  if (scalar === undefined) throw new Error(`unsupported protobuf type ${type} of ${f.fullName}`);
  return {
    wire: scalar.wire,
    scalar: type,
    write(value, w, path) {
      if (!scalar.write(w, value)) throw typeError(`${path}.${name}`, type);
    },
    read: scalar.read,
    zero: () => SCALAR_ZERO[type],
  };
}

/** The compiled codec of one message type, usable as the value codec of fields of that type. */
export class MessageCodec implements ValueCodec {
  private plans: FieldPlan[] = [];
  private byId: (FieldPlan | undefined)[] = [];
  private dropZero: readonly string[] = [];

  constructor(readonly type: protobuf.Type) {}

  /** Fills in the field plans; separate from the constructor so that recursive types resolve. */
  compile(lookup: (t: protobuf.Type) => ValueCodec): void {
    const name = this.type.fullName.slice(1);
    const inline = GO_INLINE_FIELDS[name] ?? [];
    const fields = [...this.type.fieldsArray].sort((a, b) => a.id - b.id);
    this.plans = fields.map((f) => planOf(f, elementOf(f, lookup), inline.includes(f.name)));
    this.byId = [];
    for (const p of this.plans) this.byId[p.id] = p;
    this.dropZero = GO_OMITEMPTY_VALUE_FIELDS[name] ?? [];
  }

  write(value: unknown, w: Writer, path: string): void {
    if (!isPlainObject(value)) throw new ProtobufError(`${path}: must be an object`);
    const plans = this.plans;
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i] as FieldPlan;
      const v = plan.inline ? value : value[plan.name];
      if (v !== undefined && v !== null) plan.write(v, w, path);
    }
  }

  read(r: Reader, end: number): Holder {
    const out: Holder = {};
    const byId = this.byId;
    while (r.pos < end) {
      const tag = r.uint32();
      const plan = byId[tag >>> 3];
      if (plan === undefined) r.skipType(tag & 7);
      else plan.read(r, tag & 7, out);
    }
    if (r.pos !== end) throw new ProtobufError('unexpected EOF');
    const drop = this.dropZero;
    for (let i = 0; i < drop.length; i++) if (isZero(out[drop[i] as string])) delete out[drop[i] as string];
    return out;
  }
}

function planOf(f: protobuf.Field, el: Element, inline: boolean): FieldPlan {
  if (f.map) return mapPlan(f, el);
  if (f.repeated) return repeatedPlan(f, el);
  const tag = (f.id << 3) | el.wire;
  const name = f.name;
  const wire = el.wire;
  return {
    name,
    id: f.id,
    inline,
    write(value, w, path) {
      w.uint32(tag);
      el.write(value, w, path);
    },
    read: inline
      ? (r, got, holder) => {
          if (got !== LDELIM) throw wireError(name, got);
          Object.assign(holder, el.read(r));
        }
      : (r, got, holder) => {
          if (got !== wire) throw wireError(name, got);
          const v = el.read(r);
          if (v === undefined) delete holder[name];
          else holder[name] = v;
        },
  };
}

function repeatedPlan(f: protobuf.Field, el: Element): FieldPlan {
  const wire = el.wire;
  const tag = (f.id << 3) | wire;
  const name = f.name;
  const packable = el.scalar !== undefined && wire !== LDELIM;
  return {
    name,
    id: f.id,
    inline: false,
    write(value, w, path) {
      if (!Array.isArray(value)) throw new ProtobufError(`${path}.${name}: must be an array`);
      for (let i = 0; i < value.length; i++) {
        w.uint32(tag);
        el.write(value[i], w, path);
      }
    },
    read(r, got, holder) {
      const list = (holder[name] ??= []) as unknown[];
      if (packable && got === LDELIM) {
        const end = nestedEnd(r);
        while (r.pos < end) list.push(el.read(r));
        return;
      }
      if (got !== wire) throw wireError(name, got);
      const v = el.read(r);
      list.push(v === undefined ? null : v);
    },
  };
}

/** Map fields: entries of key (field 1) and value (field 2), written in key order as Go writes them. */
function mapPlan(f: protobuf.Field, value: Element): FieldPlan {
  const keyType = (f as unknown as protobuf.MapField).keyType;
  const key = SCALARS[keyType];
  if (key === undefined) throw new Error(`unsupported map key of ${f.fullName}`);
  const tag = (f.id << 3) | LDELIM;
  const keyTag = (1 << 3) | key.wire;
  const valueTag = (2 << 3) | value.wire;
  const name = f.name;
  return {
    name,
    id: f.id,
    inline: false,
    write(obj, w, path) {
      if (!isPlainObject(obj)) throw new ProtobufError(`${path}.${name}: must be an object`);
      for (const k of Object.keys(obj).sort()) {
        const v = obj[k];
        if (v === undefined || v === null) continue;
        w.uint32(tag).fork().uint32(keyTag);
        if (!key.write(w, k)) throw typeError(`${path}.${name}`, keyType);
        w.uint32(valueTag);
        value.write(v, w, `${path}.${name}[${JSON.stringify(k)}]`);
        w.ldelim();
      }
    },
    read(r, wire, holder) {
      if (wire !== LDELIM) throw wireError(name, wire);
      const end = nestedEnd(r);
      let k: unknown = '';
      let v: unknown;
      while (r.pos < end) {
        const t = r.uint32();
        if (t === keyTag) k = key.read(r);
        else if (t === valueTag) v = value.read(r);
        else r.skipType(t & 7);
      }
      const map = (holder[name] ??= {}) as Holder;
      map[String(k)] = v === undefined ? value.zero() : v;
    },
  };
}

/** Is `t` a message that only wraps `repeated items = 1` (Go's nullable named slices)? */
export function isItemsWrapper(t: protobuf.Type): boolean {
  const f = t.fieldsArray;
  return f.length === 1 && f[0]?.name === 'items' && f[0].id === 1 && f[0].repeated;
}

/** The codec of an `items` wrapper: a JSON array. */
function itemsWrapper(item: FieldPlan): ValueCodec {
  return {
    write(value, w, path) {
      if (!Array.isArray(value)) throw new ProtobufError(`${path}: must be an array`);
      item.write(value, w, path);
    },
    read(r, end) {
      const holder: Holder = { [item.name]: [] };
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag >>> 3 === item.id) item.read(r, tag & 7, holder);
        else r.skipType(tag & 7);
      }
      return holder[item.name];
    },
  };
}

/** Compiles message codecs on first use and keeps them. */
export class CodecRegistry {
  private readonly codecs = new Map<protobuf.Type, ValueCodec>();

  constructor(readonly root: protobuf.Root) {}

  /** The codec of a message by full name (`k8s.io.apimachinery.pkg.apis.meta.v1.Status`). */
  message(fullName: string): ValueCodec {
    return this.codecOf(this.root.lookupType(fullName));
  }

  private codecOf = (t: protobuf.Type): ValueCodec => {
    const known = this.codecs.get(t);
    if (known !== undefined) return known;
    const special = WELL_KNOWN.get(t.fullName.slice(1));
    if (special !== undefined) {
      this.codecs.set(t, special);
      return special;
    }
    if (isItemsWrapper(t)) {
      const field = t.fieldsArray[0] as protobuf.Field;
      const codec = itemsWrapper(repeatedPlan(field, elementOf(field, this.codecOf)));
      this.codecs.set(t, codec);
      return codec;
    }
    const codec = new MessageCodec(t);
    this.codecs.set(t, codec);
    codec.compile(this.codecOf);
    return codec;
  };
}
