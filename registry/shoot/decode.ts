/**
 * What decoding a Shoot into Gardener's Go types does to durations and quantities: a metav1.Duration is
 * parsed as a Go duration and written back in Go's canonical form ("5m" → "5m0s", "168h" → "168h0m0s");
 * a resource.Quantity (a string, or a JSON number such as `0.5`) is written back as Go writes it after
 * decoding: text in its canonical form (`1024Mi` → "1Gi", `0.5` → "500m", 8 → "8"), which is also how
 * the protobuf form carries it. The fields are found by walking the object along the schema.
 * A duration or quantity Go cannot parse is refused as gardener-apiserver refuses it (400 `Shoot in
 * version "v1beta1" cannot be handled as a Shoot: time: unknown unit "d" in duration "45d"`): kept as
 * given a duration could not be written in protobuf, and every protobuf read of a list holding it
 * would fail.
 */
import { undecodableBody } from '../../apimachinery/decoding.js';
import { isPlainObject } from '../../apimachinery/types.js';
import { QUANTITY_SCHEMAS, resolveRef, type Definitions, type Schema } from '../../openapi/schema.js';
import { DurationError, normalizeDuration } from '../../apimachinery/duration.js';
import { canonicalQuantity, quantityOrError } from '../../apimachinery/quantity.js';
import { DURATION_SCHEMAS } from './schema/helpers.js';


/** What the walk needs. */
interface Walk {
  definitions: Definitions;
  kind: string;
  /** The error for a value Go cannot parse, given Go's error text. */
  refuse: (why: string) => Error;
}

/** Normalizes the duration at `holder[key]`; an unparsable one is refused. */
function normalizeAt(holder: Record<string, unknown> | unknown[], key: string | number, w: Walk): void {
  const h = holder as Record<string | number, unknown>;
  const value = h[key];
  if (typeof value !== 'string') return;
  try {
    h[key] = normalizeDuration(value);
  } catch (e: unknown) {
    if (!(e instanceof DurationError)) throw e;
    throw w.refuse(e.message);
  }
}

/**
 * The quantity at `holder[key]` as Go decodes and writes one: a string without surrounding spaces, a
 * JSON number as its text, written back canonical; one that does not parse is refused (400 with Go's
 * error). A number's text here is its shortest form (`1e-7`, `1000`), which is how Go clients write
 * one (kubectl turns YAML's `0.0000001` into `1e-7`); a hand-written `0.0000001` or `1e3` reaches Go
 * as written and may come back in another canonical form (`100n`, `1e3`), and integers beyond 2^53
 * lose digits.
 */
function quantityAt(holder: Record<string, unknown> | unknown[], key: string | number, w: Walk): void {
  const h = holder as Record<string | number, unknown>;
  const value = h[key];
  if (typeof value !== 'string' && typeof value !== 'number') return;
  const text = typeof value === 'number' ? String(value) : value.trim();
  const canonical = canonicalQuantity(text);
  if (canonical === undefined) throw w.refuse(String(quantityOrError(text)));
  h[key] = canonical;
}

/** Normalizes the value at `holder[key]` when `schema` is a duration or a quantity; else walks into it. */
function visit(holder: Record<string, unknown> | unknown[], key: string | number, schema: Schema, w: Walk): void {
  const h = holder as Record<string | number, unknown>;
  if (DURATION_SCHEMAS.has(schema)) normalizeAt(holder, key, w);
  else if (QUANTITY_SCHEMAS.has(schema)) quantityAt(holder, key, w);
  else walk(h[key], schema, w);
}

function walk(value: unknown, schema: Schema, w: Walk): void {
  const s = resolveRef(schema, w.definitions);
  if (Array.isArray(value) && s.items !== undefined) {
    for (let i = 0; i < value.length; i++) visit(value, i, s.items, w);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const child = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (child !== undefined) visit(value, key, child, w);
  }
}

/**
 * Normalizes every duration and quantity field of `obj` in place.
 * @throws the error of `refuse` (by default the decoder's 400 BadRequest) with Go's text for a value it
 *   cannot parse.
 */
export function normalizeDurations(obj: unknown, schema: Schema, definitions: Definitions, kind: string, refuse?: (why: string) => Error): void {
  walk(obj, schema, { definitions, kind, refuse: refuse ?? ((why) => undecodableBody({ kind, version: 'v1beta1' }, kind, why)) });
}
