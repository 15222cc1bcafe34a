/**
 * How objects are serialized for storage: JSON with a trailing newline (what Kubernetes' JSON encoder
 * writes), UTF-8, with `metadata.resourceVersion` and `metadata.selfLink` removed. The resourceVersion
 * is not stored; decoding sets it from the key's modRevision.
 */
import { isPlainObject, type KubeObject } from '../apimachinery/types.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** An object in its stored form: the JSON text and its UTF-8 bytes. */
export interface EncodedObject {
  text: string;
  bytes: Uint8Array;
}

/** Serializes `obj` for storage; the input is not modified. */
export function encodeObject(obj: KubeObject): EncodedObject {
  const { resourceVersion: _rv, selfLink: _selfLink, ...metadata } = obj.metadata;
  // apiVersion, kind and metadata first, whatever order the object was built in, so that an update
  // that changes nothing encodes to the stored bytes and is not written.
  const { apiVersion, kind, metadata: _m, ...rest } = obj;
  const text = `${JSON.stringify({ apiVersion, kind, metadata, ...rest })}\n`;
  return { text, bytes: utf8Encoder.encode(text) };
}

/**
 * Parses stored JSON text and sets `metadata.resourceVersion` to `revision` (left unset when absent).
 * @throws Error when the text is not a JSON object with an object `metadata`.
 */
export function decodeText(text: string, revision?: number): KubeObject {
  const parsed: unknown = JSON.parse(text);
  if (!isPlainObject(parsed) || !isPlainObject(parsed['metadata'])) {
    throw new Error('stored value is not an object with metadata');
  }
  const obj = parsed as KubeObject;
  if (revision !== undefined) obj.metadata.resourceVersion = String(revision);
  return obj;
}

/**
 * Decodes stored bytes (already passed through the transformer) into an object whose
 * `metadata.resourceVersion` is `revision`.
 * @throws Error on invalid UTF-8 or JSON, or a value that is not an object with metadata.
 */
export function decodeObject(data: Uint8Array, revision: number): KubeObject {
  return decodeText(utf8Decoder.decode(data), revision);
}

/** True when two byte strings are equal. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
