/**
 * Content negotiation for resource responses, as kube-apiserver does it: the Accept clauses are tried
 * by quality (then specificity, then order); the first one the endpoint can serve wins, 406 if none.
 * A clause names a media type (JSON, or Kubernetes protobuf where the kind has a protobuf message) and
 * may ask for a conversion (`as=Table` or `as=PartialObjectMetadata[List]` with `g=meta.k8s.io;v=...`)
 * or the watch stream (`stream=watch`). Tables are JSON only; metadata-only responses exist in both
 * encodings for every kind, as upstream serves them for custom resources too.
 */
import contentType from 'content-type';
import { PROTOBUF_MEDIA_TYPE } from '../apimachinery/protobuf/index.js';
import { badRequest, notAcceptable } from '../apimachinery/errors.js';

/** How a body goes over the wire. */
export type Format = 'json' | 'protobuf';

export type Rendering =
  | { kind: 'object'; format: Format }
  | { kind: 'table'; version: 'v1' | 'v1beta1'; format: 'json' }
  | { kind: 'metadata'; version: 'v1' | 'v1beta1'; format: Format };

export const JSON_MEDIA_TYPE = 'application/json';

/** What a response holds: one object, a list, or a watch stream of single objects. */
export type Shape = 'object' | 'list' | 'watch';

/** What an endpoint can produce. */
export interface Producible {
  /** The kind has a protobuf message (objects and lists in protobuf). */
  protobuf: boolean;
  shape: Shape;
}

/** The metadata-only kinds a response of `shape` can be converted to (a watch's events are single objects). */
const METADATA_KINDS: Record<Shape, readonly string[]> = {
  object: ['PartialObjectMetadata'],
  list: ['PartialObjectMetadataList'],
  watch: ['PartialObjectMetadata', 'PartialObjectMetadataList'],
};

/** Media types listed in a 406 for an endpoint. */
export function servedMediaTypes(protobuf: boolean): string[] {
  return protobuf ? [JSON_MEDIA_TYPE, PROTOBUF_MEDIA_TYPE] : [JSON_MEDIA_TYPE];
}

/** One clause of an Accept header: the media type (`type/subtype`, lower case), its parameters and quality. */
export interface Clause {
  type: string;
  params: Record<string, string>;
  q: number;
}

/** Higher quality first, then concrete types before wildcards; equal clauses keep their order. */
function byPreference(a: Clause, b: Clause): number {
  if (a.q !== b.q) return b.q - a.q;
  const wild = (c: Clause) => (c.type === '*/*' ? 2 : c.type.endsWith('/*') ? 1 : 0);
  return wild(a) - wild(b);
}

/** Splits an Accept header into its clauses, most preferred first (a clause that does not parse is skipped). */
export function parseAccept(header: string | undefined): Clause[] {
  if (header === undefined || header.trim() === '') return [{ type: '*/*', params: {}, q: 1 }];
  const clauses: Clause[] = [];
  for (const part of header.split(',')) {
    if (part.trim() === '') continue;
    try {
      const parsed = contentType.parse(part.trim());
      const { q, ...params } = parsed.parameters;
      const quality = q === undefined ? 1 : Number(q);
      if (Number.isNaN(quality) || quality <= 0) continue;
      clauses.push({ type: parsed.type, params, q: quality });
    } catch {
      // An unparsable clause is not one we can serve.
    }
  }
  return clauses.sort(byPreference);
}

/** The formats a clause's media type matches, in the server's order of preference. */
function formatsOf(c: Clause): Format[] {
  if (c.type === '*/*' || c.type === 'application/*') return ['json', 'protobuf'];
  if (c.type === JSON_MEDIA_TYPE) return ['json'];
  if (c.type === PROTOBUF_MEDIA_TYPE) return ['protobuf'];
  return [];
}

function renderingOf(c: Clause, format: Format, p: Producible): Rendering | undefined {
  const { as, g, v, stream } = c.params;
  if (stream !== undefined && stream !== '' && stream !== 'watch') return undefined;
  if (as === undefined) return format === 'json' || p.protobuf ? { kind: 'object', format } : undefined;
  if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) return undefined;
  if (as === 'Table') return format === 'json' ? { kind: 'table', version: v, format } : undefined;
  if (METADATA_KINDS[p.shape].includes(as)) return { kind: 'metadata', version: v, format };
  return undefined;
}

/** Chooses how to render a response; 406 when no clause can be served. */
export function negotiate(accept: string | undefined, p: Producible): Rendering {
  for (const c of parseAccept(accept)) {
    for (const format of formatsOf(c)) {
      const r = renderingOf(c, format, p);
      if (r !== undefined) return r;
    }
  }
  throw notAcceptable(servedMediaTypes(p.protobuf));
}

/**
 * The encoding of an error Status: the first Accept clause without a conversion that the endpoint can
 * encode (protobuf only where the endpoint speaks it); JSON when none fits, as upstream falls back.
 */
export function statusFormat(accept: string | undefined, protobuf: boolean): Format {
  if (!protobuf) return 'json';
  for (const c of parseAccept(accept)) {
    if (c.params.as !== undefined) continue;
    const formats = formatsOf(c);
    if (formats.length > 0) return formats[0] as Format;
  }
  return 'json';
}

/** Reads `includeObject` of a Table request (None, Metadata (default), Object); 400 otherwise. */
export function includeObjectPolicy(value: string | undefined): 'None' | 'Metadata' | 'Object' {
  if (value === undefined || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(`includeObject: ${JSON.stringify(value)} is not a valid value, must be one of: None, Metadata, Object`);
}
