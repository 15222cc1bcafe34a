/**
 * What decoding a Shoot into Gardener's Go types does to durations: a metav1.Duration is parsed as a Go
 * duration and written back in Go's canonical form ("5m" → "5m0s", "168h" → "168h0m0s"). The duration
 * fields are found by walking the object along the schema.
 *
 * Deviation: gardener-apiserver rejects a value Go cannot parse (400 `Shoot in version "v1beta1" cannot
 * be handled as a Shoot: time: unknown unit "d" in duration "45d"`). The upstream Shoot example, which
 * must apply with its commented fields enabled, has `maxTokenExpiration: 45d`, so by default such values
 * are kept as given; {@link normalizeDurations} rejects them only when asked to be strict.
 */
import { badRequest } from '../../apimachinery/errors.js';
import { isPlainObject } from '../../apimachinery/types.js';
import { refName, type Definitions, type Schema } from '../../openapi/schema.js';
import { decodeErrorMessage } from '../../openapi/validate.js';
import { DurationError, normalizeDuration } from '../../apimachinery/duration.js';
import { DURATION_SCHEMAS } from './schema/helpers.js';

function resolve(schema: Schema, definitions: Definitions): Schema {
  const name = refName(schema);
  return name === undefined ? schema : (definitions[name] ?? schema);
}

/** How the walk treats durations. */
interface Walk {
  definitions: Definitions;
  kind: string;
  strict: boolean;
}

/** Normalizes the duration at `holder[key]`; an unparsable one is kept, or rejected when strict. */
function normalizeAt(holder: Record<string, unknown> | unknown[], key: string | number, w: Walk): void {
  const h = holder as Record<string | number, unknown>;
  const value = h[key];
  if (typeof value !== 'string') return;
  try {
    h[key] = normalizeDuration(value);
  } catch (e: unknown) {
    if (!(e instanceof DurationError)) throw e;
    if (w.strict) throw badRequest(decodeErrorMessage(w.kind, 'v1beta1', [e.message]));
  }
}

function walk(value: unknown, schema: Schema, w: Walk): void {
  const s = resolve(schema, w.definitions);
  if (Array.isArray(value) && s.items !== undefined) {
    const items = s.items;
    value.forEach((v, i) => (DURATION_SCHEMAS.has(items) ? normalizeAt(value, i, w) : walk(v, items, w)));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const child = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (child === undefined) continue;
    if (DURATION_SCHEMAS.has(child)) normalizeAt(value, key, w);
    else walk(v, child, w);
  }
}

/**
 * Normalizes every duration field of `obj` in place.
 * @throws StatusError 400 BadRequest, when `strict`, for a value Go's time.ParseDuration rejects.
 */
export function normalizeDurations(obj: unknown, schema: Schema, definitions: Definitions, kind: string, strict = false): void {
  walk(obj, schema, { definitions, kind, strict });
}
