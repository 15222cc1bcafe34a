/**
 * Protobuf for the served kinds, as kube-apiserver speaks it: the message definitions of
 * `descriptor.json` (generated from the upstream `.proto` files by `scripts/proto-descriptor.ts`), the
 * JSON <-> message codecs, the `k8s\0` envelope and watch frames.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { CodecRegistry } from './codec.js';

export { ProtobufError } from './errors.js';
export { decodeMessage, encodeEnveloped, envelopeRaw, MAGIC, openEnvelope, PROTOBUF_MEDIA_TYPE, PROTOBUF_WATCH_MEDIA_TYPE, readWatchFrames, watchFrame } from './envelope.js';
export type { Opened, TypeMeta } from './envelope.js';
export type { ValueCodec } from './wellknown.js';

/** Full names of the meta/v1 (and discovery) messages the server encodes or decodes at the top level. */
export const META_MESSAGES = {
  status: 'k8s.io.apimachinery.pkg.apis.meta.v1.Status',
  partialObjectMetadata: 'k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadata',
  partialObjectMetadataList: 'k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList',
  deleteOptions: 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  apiVersions: 'k8s.io.apimachinery.pkg.apis.meta.v1.APIVersions',
  apiGroupList: 'k8s.io.apimachinery.pkg.apis.meta.v1.APIGroupList',
  apiGroup: 'k8s.io.apimachinery.pkg.apis.meta.v1.APIGroup',
  apiResourceList: 'k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList',
  /** The aggregated discovery document, apidiscovery.k8s.io v2 and v2beta1 (field for field the same). */
  apiGroupDiscoveryList: 'k8s.io.api.apidiscovery.v2.APIGroupDiscoveryList',
} as const;

/** The message definitions, parsed from `descriptor.json`. */
export function loadDescriptorRoot(): protobuf.Root {
  const json: unknown = JSON.parse(readFileSync(new URL('./descriptor.json', import.meta.url), 'utf8'));
  const root = protobuf.Root.fromJSON(json as protobuf.INamespace);
  root.resolveAll();
  return root;
}

let registry: CodecRegistry | undefined;

/** The process-wide codec registry (the descriptor is read on first use). */
export function protobufCodecs(): CodecRegistry {
  registry ??= new CodecRegistry(loadDescriptorRoot());
  return registry;
}
