/**
 * Response bodies in JSON, YAML and protobuf. Which protobuf message encodes a value follows its kind (the
 * resource's kind and list kind, its subresources' kinds, meta/v1 Status, PartialObjectMetadata[List]
 * and the discovery documents).
 *
 * A stored object at one resourceVersion never changes, so its encodings are kept by version
 * ({@link EncodedObjects}, a small LRU within a byte budget): lists, GETs and watches of the same
 * version, for any number of clients, encode it about once per format (twice: an encoding is kept from
 * the second request for it).
 */
import protobuf from 'protobufjs';
import { internalError } from '../apimachinery/errors.js';
import { encodeEnveloped, envelopeRaw, META_MESSAGES, ProtobufError, protobufCodecs } from '../apimachinery/protobuf/index.js';
import { isPlainObject, type KubeObject } from '../apimachinery/types.js';
import { toYaml, toYamlSequenceItem } from '../apimachinery/yaml.js';
import type { ResourceDescriptor } from '../registry/types.js';
import type { Format } from './negotiation.js';

const META_KINDS: Readonly<Record<string, string>> = {
  Status: META_MESSAGES.status,
  PartialObjectMetadata: META_MESSAGES.partialObjectMetadata,
  PartialObjectMetadataList: META_MESSAGES.partialObjectMetadataList,
  APIVersions: META_MESSAGES.apiVersions,
  APIGroupList: META_MESSAGES.apiGroupList,
  APIGroup: META_MESSAGES.apiGroup,
  APIResourceList: META_MESSAGES.apiResourceList,
  APIGroupDiscoveryList: META_MESSAGES.apiGroupDiscoveryList,
};

/** The protobuf message of a response value of resource `d`, by the value's kind; undefined when there is none. */
export function protobufMessageOf(d: ResourceDescriptor | undefined, kind: unknown): string | undefined {
  if (typeof kind !== 'string') return undefined;
  const meta = META_KINDS[kind];
  if (meta !== undefined) return meta;
  if (d?.protobuf === undefined) return undefined;
  if (kind === d.kind) return d.protobuf;
  if (kind === d.listKind) return `${d.protobuf}List`;
  return d.subresources.find((s) => s.kind?.kind === kind)?.protobuf;
}

function protobufError(kind: unknown, e: unknown): unknown {
  return e instanceof ProtobufError ? internalError(`unable to encode ${String(kind)} as protobuf: ${e.message}`) : e;
}

/** The message (by kind) and envelope type of a response value; 500 when it has no protobuf form. */
function protobufTarget(d: ResourceDescriptor | undefined, value: unknown): { message: string; apiVersion: string; kind: string } {
  const kind = isPlainObject(value) ? value.kind : undefined;
  const apiVersion = isPlainObject(value) && typeof value.apiVersion === 'string' ? value.apiVersion : '';
  const message = protobufMessageOf(d, kind);
  if (message === undefined) throw internalError(`no protobuf encoding for ${String(kind)}`);
  return { message, apiVersion, kind: kind as string };
}

/**
 * FNV-1a of a string's UTF-16 code units with MurmurHash3's final mix (FNV alone spreads keys that
 * differ in their last characters poorly over the low bits, which pick the slot); never 0, the empty
 * slot of {@link RecentKeys}.
 */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0 || 1;
}

/**
 * Keys asked for recently, by hash in a direct-mapped table: a key is remembered until a later key
 * takes its slot, so about as many keys as the table has slots. A hash collision at most lets one
 * encoding in early or keeps one out; the cache's entries themselves are found by the whole key.
 */
class RecentKeys {
  private readonly slots: Uint32Array;

  /** @param size slots, a power of two */
  constructor(size: number) {
    this.slots = new Uint32Array(size);
  }

  /** Remembers `key`; whether it was remembered already. */
  seenAgain(key: string): boolean {
    const h = hashKey(key);
    const i = h & (this.slots.length - 1);
    if (this.slots[i] === h) return true;
    this.slots[i] = h;
    return false;
  }
}

/**
 * Encoded stored objects by resource, key, version and format; least recently used first out. An
 * encoding is kept from the second time it is asked for while the first is still remembered: one
 * pass over a collection bigger than the cache (a paginated list, an informer's initial events)
 * then keeps none of its encodings, which would each be pushed out before being asked for again,
 * would push out those that repeated reads use, and cost more to keep than to make.
 */
export class EncodedObjects {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;
  private readonly recent: RecentKeys;

  /**
   * @param budget bytes kept at most; one entry may use at most a sixteenth of it.
   * @param remembered keys asked for once that are remembered (a power of two), some times the
   *   entries the budget holds, so that clients reading the same collection side by side share
   */
  constructor(
    private readonly budget: number,
    remembered = 16_384,
  ) {
    this.recent = new RecentKeys(remembered);
  }

  /** The encoding under `key`, made by `encode` when missing (and kept when asked for before). */
  get(key: string | undefined, encode: () => Buffer): Buffer {
    if (key === undefined) return encode();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const made = encode();
    if (made.length <= this.budget / 16 && this.recent.seenAgain(key)) {
      this.entries.set(key, made);
      this.bytes += made.length;
      for (const [k, v] of this.entries) {
        if (this.bytes <= this.budget) break;
        this.entries.delete(k);
        this.bytes -= v.length;
      }
    }
    return made;
  }

  /** Bytes held. */
  get size(): number {
    return this.bytes;
  }
}

/** Encoded objects of all resources: 16 MiB, about 4,000 Shoots in both formats. */
const encoded = new EncodedObjects(16 * 1024 * 1024);

/**
 * The cache key of a stored object of `d` (undefined for anything else: no name, no version, another
 * kind). The key stands for the object's content: only objects exactly as stored at their
 * resourceVersion may be encoded through it.
 */
function versionKey(d: ResourceDescriptor, obj: unknown, format: Format | 'yaml-item'): string | undefined {
  if (!isPlainObject(obj) || obj.kind !== d.kind || !isPlainObject(obj.metadata)) return undefined;
  const { name, namespace, resourceVersion } = obj.metadata;
  if (typeof name !== 'string' || typeof resourceVersion !== 'string' || resourceVersion === '') return undefined;
  return `${format} ${d.group}/${d.resource}/${typeof namespace === 'string' ? namespace : ''}/${name}@${resourceVersion}`;
}

/** JSON of a stored object, from the version cache when `stored`. */
export function objectJson(d: ResourceDescriptor, obj: unknown, stored: boolean): Buffer {
  return encoded.get(stored ? versionKey(d, obj, 'json') : undefined, () => Buffer.from(JSON.stringify(obj)));
}

/** YAML of a stored object, from the version cache when `stored`. */
export function objectYaml(d: ResourceDescriptor, obj: unknown, stored: boolean): Buffer {
  return encoded.get(stored ? versionKey(d, obj, 'yaml') : undefined, () => Buffer.from(toYaml(obj)));
}

/** YAML of a stored object as an item of a list's block sequence ({@link listItemOf}), from the version cache when `stored`. */
export function objectYamlItem(d: ResourceDescriptor, obj: unknown, stored: boolean): Buffer {
  return encoded.get(stored ? versionKey(d, obj, 'yaml-item') : undefined, () => Buffer.from(toYamlSequenceItem(listItemOf(d, obj))));
}

/**
 * An object of `d`'s kind as an item of its list: without `apiVersion` and `kind` unless the kind keeps
 * them there (`listItemsTyped`, custom resources); anything else as it is.
 */
export function listItemOf(d: ResourceDescriptor, item: unknown): unknown {
  return d.listItemsTyped === true || !isKindOf(d, item) ? item : withoutTypeMeta(item);
}

/** `obj` without `apiVersion` and `kind` (a copy), as a Go-typed list holds its items. */
export function withoutTypeMeta(obj: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = obj;
  return rest;
}

/** `{"apiVersion":…,"kind":…,` as the JSON of stored objects begins, by apiVersion and kind. */
const typeMetaPrefixes = new Map<string, Buffer>();

function typeMetaPrefix(obj: KubeObject): Buffer {
  const key = `${obj.apiVersion}\n${obj.kind}`;
  let prefix = typeMetaPrefixes.get(key);
  if (prefix === undefined) {
    prefix = Buffer.from(`{"apiVersion":${JSON.stringify(obj.apiVersion)},"kind":${JSON.stringify(obj.kind)},`);
    if (typeMetaPrefixes.size < 64) typeMetaPrefixes.set(key, prefix);
  }
  return prefix;
}

const OPEN_BRACE = Buffer.from('{');

/**
 * The compact JSON of a list item ({@link listItemOf}), as one or two pieces: a stored object's cached
 * JSON with its leading type meta cut off (no copy), or the item encoded.
 */
export function listItemJson(d: ResourceDescriptor, item: unknown, stored: boolean): Buffer[] {
  if (!isKindOf(d, item)) return [Buffer.from(JSON.stringify(item))];
  const json = objectJson(d, item, stored);
  if (d.listItemsTyped === true) return [json];
  const prefix = typeMetaPrefix(item);
  if (json.length > prefix.length && json.compare(prefix, 0, prefix.length, 0, prefix.length) === 0) return [OPEN_BRACE, json.subarray(prefix.length)];
  return [Buffer.from(JSON.stringify(listItemOf(d, item)))];
}

/** The protobuf message body (no envelope) of a stored object of `d`'s kind. */
export function objectMessage(d: ResourceDescriptor, obj: unknown, stored: boolean): Buffer {
  return encoded.get(stored ? versionKey(d, obj, 'protobuf') : undefined, () => {
    const { message } = protobufTarget(d, obj);
    const w = protobuf.Writer.create();
    try {
      protobufCodecs().message(message).write(obj, w, '');
    } catch (e: unknown) {
      throw protobufError(d.kind, e);
    }
    return Buffer.from(w.finish());
  });
}

/**
 * A response value as an enveloped protobuf body. Objects of `d`'s kind that are `stored` versions go
 * through the version cache.
 * @throws StatusError 500 when the value has no protobuf form.
 */
export function encodeProtobufBody(d: ResourceDescriptor | undefined, value: unknown, stored = false): Buffer {
  const target = protobufTarget(d, value);
  if (d !== undefined && target.kind === d.kind) return envelopeRaw(target, objectMessage(d, value, stored));
  try {
    return encodeEnveloped(protobufCodecs().message(target.message), target, value);
  } catch (e: unknown) {
    throw protobufError(target.kind, e);
  }
}

/** A response value in `format`; stored objects of `d`'s kind come from the version cache. */
export function encodeBody(d: ResourceDescriptor | undefined, value: unknown, format: Format, stored = false): Buffer | string {
  if (format === 'protobuf') return encodeProtobufBody(d, value, stored);
  if (format === 'yaml') return d !== undefined && stored ? objectYaml(d, value, true) : toYaml(value);
  return d !== undefined && stored ? objectJson(d, value, true) : JSON.stringify(value);
}

/** Whether `value` is an object of `d`'s kind (the values the version cache holds). */
export function isKindOf(d: ResourceDescriptor, value: unknown): value is KubeObject {
  return isPlainObject(value) && value.kind === d.kind;
}
