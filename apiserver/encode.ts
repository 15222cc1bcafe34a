/**
 * Response bodies in JSON, YAML and protobuf. Which protobuf message encodes a value follows its kind (the
 * resource's kind and list kind, its subresources' kinds, meta/v1 Status, PartialObjectMetadata[List]
 * and the discovery documents).
 *
 * A stored object at one resourceVersion never changes, so its encodings are kept by version
 * ({@link EncodedObjects}, a small LRU within a byte budget): lists, GETs and watches of the same
 * version, for any number of clients, encode it once per format.
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

/** Encoded stored objects by resource, key, version and format; least recently used first out. */
export class EncodedObjects {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  /** @param budget bytes kept at most; one entry may use at most a sixteenth of it. */
  constructor(private readonly budget: number) {}

  /** The encoding under `key`, made by `encode` when missing. */
  get(key: string | undefined, encode: () => Buffer): Buffer {
    if (key === undefined) return encode();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const made = encode();
    if (made.length <= this.budget / 16) {
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

/** The cache key of a stored object of `d` (undefined for anything else: no name, no version, another kind). */
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

/** YAML of a stored object as an item of a list's block sequence, from the version cache when `stored`. */
export function objectYamlItem(d: ResourceDescriptor, obj: unknown, stored: boolean): Buffer {
  return encoded.get(stored ? versionKey(d, obj, 'yaml-item') : undefined, () => Buffer.from(toYamlSequenceItem(obj)));
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
