/**
 * Content negotiation for resource responses: plain JSON, a meta.k8s.io Table, or metadata only
 * (PartialObjectMetadata[List]). The first Accept clause the server can serve wins; 406 if none.
 */
import contentType from 'content-type';
import { badRequest, notAcceptable } from '../apimachinery/errors.js';

export type Rendering =
  | { kind: 'object' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'metadata'; version: 'v1' | 'v1beta1' };

/** Media types listed in a 406. */
export const SERVED_MEDIA_TYPES = [
  'application/json',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v1beta1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
];

interface Clause {
  type: string;
  params: Record<string, string>;
}

/** Splits an Accept header into its clauses (a clause that does not parse is skipped). */
export function parseAccept(header: string | undefined): Clause[] {
  if (header === undefined || header.trim() === '') return [{ type: '*/*', params: {} }];
  const clauses: Clause[] = [];
  for (const part of header.split(',')) {
    if (part.trim() === '') continue;
    try {
      const parsed = contentType.parse(part.trim());
      clauses.push({ type: parsed.type, params: parsed.parameters });
    } catch {
      // An unparsable clause is not one we can serve.
    }
  }
  return clauses;
}

function isJson(type: string): boolean {
  return type === 'application/json' || type === '*/*' || type === 'application/*';
}

function fromClause(c: Clause, list: boolean): Rendering | undefined {
  if (!isJson(c.type)) return undefined;
  const { as, g, v } = c.params;
  if (as === undefined) return { kind: 'object' };
  if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) return undefined;
  if (as === 'Table') return { kind: 'table', version: v };
  if (as === 'PartialObjectMetadata' && !list) return { kind: 'metadata', version: v };
  if (as === 'PartialObjectMetadataList' && list) return { kind: 'metadata', version: v };
  return undefined;
}

/**
 * Chooses how to render a response. `list` tells whether the response is a collection (a watch
 * counts as one); `tableAllowed` is false for writes, where Kubernetes still answers with objects.
 */
export function negotiate(accept: string | undefined, list: boolean): Rendering {
  const clauses = parseAccept(accept);
  for (const c of clauses) {
    const r = fromClause(c, list);
    if (r !== undefined) return r;
  }
  throw notAcceptable(SERVED_MEDIA_TYPES);
}

/** Reads `includeObject` of a Table request (None, Metadata (default), Object); 400 otherwise. */
export function includeObjectPolicy(value: string | undefined): 'None' | 'Metadata' | 'Object' {
  if (value === undefined || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(`includeObject: ${JSON.stringify(value)} is not a valid value, must be one of: None, Metadata, Object`);
}
