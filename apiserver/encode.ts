/**
 * Response bodies in protobuf: which message encodes a value (by its kind: the resource's kind and list
 * kind, its subresources' kinds, meta/v1 Status and PartialObjectMetadata[List]) and the enveloped
 * bytes. JSON needs no such table.
 */
import { internalError } from '../apimachinery/errors.js';
import { encodeEnveloped, META_MESSAGES, ProtobufError, protobufCodecs } from '../apimachinery/protobuf/index.js';
import { isPlainObject } from '../apimachinery/types.js';
import type { ResourceDescriptor } from '../registry/types.js';

const META_KINDS: Readonly<Record<string, string>> = {
  Status: META_MESSAGES.status,
  PartialObjectMetadata: META_MESSAGES.partialObjectMetadata,
  PartialObjectMetadataList: META_MESSAGES.partialObjectMetadataList,
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

/**
 * Encodes a response value (an object with apiVersion and kind) as an enveloped protobuf body.
 * @throws StatusError 500 when the value has no protobuf form.
 */
export function encodeProtobufBody(d: ResourceDescriptor | undefined, value: unknown): Buffer {
  const kind = isPlainObject(value) ? value.kind : undefined;
  const message = protobufMessageOf(d, kind);
  if (message === undefined || !isPlainObject(value)) throw internalError(`no protobuf encoding for ${String(kind)}`);
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  try {
    return encodeEnveloped(protobufCodecs().message(message), { apiVersion, kind: kind as string }, value);
  } catch (e: unknown) {
    if (e instanceof ProtobufError) throw internalError(`unable to encode ${String(kind)} as protobuf: ${e.message}`);
    throw e;
  }
}
