/**
 * Content negotiation for resource responses, as kube-apiserver does it: the Accept clauses are tried
 * by quality (then specificity, then order); the first one the endpoint can serve wins, 406 if none.
 * A clause names a media type (JSON, YAML, or Kubernetes protobuf where the kind has a protobuf
 * message) and may ask for a conversion (`as=Table` or `as=PartialObjectMetadata[List]` with
 * `g=meta.k8s.io;v=...`) or the watch stream (`stream=watch`). Tables are JSON or YAML; metadata-only
 * responses exist in every encoding for every kind, as upstream serves them for custom resources too.
 * YAML has no stream framing: a watch whose preferred acceptable clause is YAML gets 406, as upstream.
 */
import contentType from 'content-type';
import { PROTOBUF_MEDIA_TYPE } from '../apimachinery/protobuf/index.js';
import { badRequest, notAcceptable } from '../apimachinery/errors.js';
import { goQuote } from '../apimachinery/goquote.js';

/** How a body goes over the wire. */
export type Format = 'json' | 'yaml' | 'protobuf';

export type Rendering =
  | { kind: 'object'; format: Format }
  | { kind: 'table'; version: 'v1' | 'v1beta1'; format: 'json' | 'yaml' }
  | { kind: 'metadata'; version: 'v1' | 'v1beta1'; format: Format };

export const JSON_MEDIA_TYPE = 'application/json';
export const YAML_MEDIA_TYPE = 'application/yaml';

/** The Content-Type of a body in `format`. */
export function mediaTypeOf(format: Format): string {
  return format === 'protobuf' ? PROTOBUF_MEDIA_TYPE : format === 'yaml' ? YAML_MEDIA_TYPE : JSON_MEDIA_TYPE;
}

/** What a response holds: one object, a list, or a watch stream of single objects. */
export type Shape = 'object' | 'list' | 'watch';

/** What an endpoint can produce. */
export interface Producible {
  /** The kind has a protobuf message (objects and lists in protobuf). */
  protobuf: boolean;
  shape: Shape;
  /** Whether a Table may be asked for (default true; watch-list requests may not, as upstream). */
  tables?: boolean;
}

/** The metadata-only kinds a response of `shape` can be converted to (a watch's events are single objects). */
const METADATA_KINDS: Record<Shape, readonly string[]> = {
  object: ['PartialObjectMetadata'],
  list: ['PartialObjectMetadataList'],
  watch: ['PartialObjectMetadata', 'PartialObjectMetadataList'],
};

/** Media types listed in a 406 for an endpoint, in upstream's order. */
export function servedMediaTypes(protobuf: boolean): string[] {
  return protobuf ? [JSON_MEDIA_TYPE, YAML_MEDIA_TYPE, PROTOBUF_MEDIA_TYPE] : [JSON_MEDIA_TYPE, YAML_MEDIA_TYPE];
}

/** Media types listed in a 406 for a watch: those with stream framing. */
export function servedStreamMediaTypes(protobuf: boolean): string[] {
  return (protobuf ? [JSON_MEDIA_TYPE, PROTOBUF_MEDIA_TYPE] : [JSON_MEDIA_TYPE]).map((t) => `${t};stream=watch`);
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
  if (c.type === '*/*' || c.type === 'application/*') return ['json', 'yaml', 'protobuf'];
  if (c.type === JSON_MEDIA_TYPE) return ['json'];
  if (c.type === YAML_MEDIA_TYPE) return ['yaml'];
  if (c.type === PROTOBUF_MEDIA_TYPE) return ['protobuf'];
  return [];
}

function renderingOf(c: Clause, format: Format, p: Producible): Rendering | undefined {
  const { as, g, v, stream } = c.params;
  if (stream !== undefined && stream !== '' && stream !== 'watch') return undefined;
  if (as === undefined) return format !== 'protobuf' || p.protobuf ? { kind: 'object', format } : undefined;
  if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) return undefined;
  if (as === 'Table') return format !== 'protobuf' && p.tables !== false ? { kind: 'table', version: v, format } : undefined;
  if (METADATA_KINDS[p.shape].includes(as)) return { kind: 'metadata', version: v, format };
  return undefined;
}

/**
 * The first value `pick` gives, trying the Accept clauses by preference and each clause's formats in
 * the server's order: how every endpoint chooses what to answer.
 */
export function firstAcceptable<T>(accept: string | undefined, pick: (c: Clause, format: Format) => T | undefined): T | undefined {
  for (const c of parseAccept(accept)) {
    for (const format of formatsOf(c)) {
      const r = pick(c, format);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/**
 * Chooses how to render a response; 406 when no clause can be served (listing every media type), and
 * for a watch when the chosen one is YAML, which has no stream framing (listing the stream types).
 */
export function negotiate(accept: string | undefined, p: Producible): Rendering {
  const r = firstAcceptable(accept, (c, format) => renderingOf(c, format, p));
  if (r === undefined) throw notAcceptable(servedMediaTypes(p.protobuf));
  if (p.shape === 'watch' && r.format === 'yaml') throw notAcceptable(servedStreamMediaTypes(p.protobuf));
  return r;
}

/**
 * The encoding of an error Status: the first Accept clause without a conversion that the endpoint can
 * encode (YAML on resource endpoints, protobuf only where the endpoint speaks it); JSON when none
 * fits, as upstream falls back.
 */
export function statusFormat(accept: string | undefined, can: { yaml: boolean; protobuf: boolean }): Format {
  const encodable = (f: Format) => f === 'json' || (f === 'yaml' && can.yaml) || (f === 'protobuf' && can.protobuf);
  return firstAcceptable(accept, (c, f) => (c.params.as === undefined && encodable(f) ? f : undefined)) ?? 'json';
}

/**
 * `includeObject` (None, Metadata (default), Object), which Kubernetes reads only for a Table response
 * and ignores otherwise; a bad value is a 400 in kube-apiserver's words.
 */
export function includeObjectPolicy(rendering: Rendering, value: string | undefined): 'None' | 'Metadata' | 'Object' {
  if (rendering.kind !== 'table' || value === undefined || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(`Unable to convert to Table as requested: includeObject: Invalid value: ${goQuote(value)}: must be 'Metadata', 'Object', 'None', or empty`);
}

/** What Go's strconv.ParseBool reads as true (anything else is false or an error, both "not pretty"). */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
/** User agents that get indented JSON unless they ask otherwise: curl, Wget and browsers. */
const PRETTY_AGENTS = /^(?:curl|Wget|Mozilla\/5\.0)/;

/**
 * Whether a JSON answer is indented with two spaces (Go's json.MarshalIndent), as kube-apiserver
 * decides: the Accept clause answered in JSON says `pretty=1`; or `?pretty=` is given (read as Go's
 * strconv.ParseBool); or, without it, the User-Agent is curl, Wget or a browser. Watches never are.
 */
export function prettyRequested(req: { url?: string | undefined; headers: { accept?: string | undefined; 'user-agent'?: string | undefined } }): boolean {
  const accept = req.headers.accept;
  if (accept?.includes('pretty') === true && parseAccept(accept).find((c) => formatsOf(c).includes('json'))?.params.pretty === '1') return true;
  const query = req.url?.split('?')[1];
  const pretty = query?.includes('pretty') === true ? new URLSearchParams(query).get('pretty') : null;
  if (pretty !== null && pretty !== '') return GO_TRUE.has(pretty);
  return PRETTY_AGENTS.test(req.headers['user-agent'] ?? '');
}
