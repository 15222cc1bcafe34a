/**
 * The request side of server-side apply: the `application/apply-patch+yaml` body (YAML, of which JSON
 * is a subset).
 */
import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { goQuote } from '../../apimachinery/goquote.js';
import { isPlainObject } from '../../apimachinery/types.js';
import { MAX_YAML_ALIASES, parseUntrustedYamlDocuments } from '../../apimachinery/yaml.js';
import { applyPatchError, gvkString } from './errors.js';

/** The media type of apply patches. */
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** The kind the body must be. */
export interface ExpectedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** A decoded apply body. */
export interface DecodedApplyBody {
  /** The configuration as JSON (first YAML document). */
  value: Record<string, unknown>;
  /**
   * Keys repeated in one mapping (the last occurrence wins in `value`), as the strict YAML decoder
   * reports them: `line 3: key "a" already set in map`, with the line of the repeated key's value.
   */
  duplicateKeys: string[];
}

function badRequest(message: string) {
  return applyPatchError(400, 'BadRequest', message);
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}

/**
 * Decodes an apply body and checks what upstream checks before merging (400 otherwise): it is a YAML
 * mapping (`error decoding YAML: ...`), its apiVersion and kind are the resource's
 * (`invalid object type: <group>/<version>, Kind=<kind>`, also when they are missing), and it does not
 * carry `metadata.managedFields` (`metadata.managedFields must be nil`). Types, unknown fields and
 * fieldValidation are left to the usual body checks.
 */
export function decodeApplyBody(raw: Buffer | string, expected: ExpectedKind): DecodedApplyBody {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let docs;
  try {
    docs = parseUntrustedYamlDocuments(text, { uniqueKeys: false });
  } catch (e: unknown) {
    throw badRequest(`error decoding YAML: ${firstLine(e)}`);
  }
  const doc = docs[0];
  const error = doc?.errors[0];
  if (error !== undefined) throw badRequest(`error decoding YAML: ${firstLine(error)}`);
  let value: unknown;
  try {
    value = doc === undefined ? null : doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e: unknown) {
    throw badRequest(`error decoding YAML: ${firstLine(e)}`);
  }
  if (value === null || value === undefined) value = {};
  if (!isPlainObject(value)) {
    const what = Array.isArray(value) ? 'array' : typeof value;
    throw badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  const gvk = gvkString(value);
  const want = `${expected.group}/${expected.version}, Kind=${expected.kind}`;
  if (gvk !== want) throw badRequest(`invalid object type: ${gvk}`);
  const meta = value.metadata;
  if (isPlainObject(meta) && meta.managedFields !== undefined && meta.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const duplicateKeys: string[] = [];
  if (doc?.contents) findDuplicateKeys(doc.contents, lineStarts(text), duplicateKeys);
  return { value, duplicateKeys };
}

/** Offsets at which the lines of `text` start. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The line (from 1) of `offset`. */
function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** A mapping key as Go's `%#v` prints a decoded YAML key: strings quoted, numbers and booleans bare. */
function goKey(key: unknown): string {
  if (typeof key === 'string') return goQuote(key);
  if (key === null || key === undefined) return '<nil>';
  return String(key);
}

/**
 * Repeated keys in the order go-yaml's strict decoder finds them: a value's own repeats before its
 * key's (it decodes the value first), each with the line where the repeated key's value starts.
 */
function findDuplicateKeys(node: Node | null, starts: readonly number[], out: string[]): void {
  if (node === null || isAlias(node)) return;
  if (isSeq(node)) {
    for (const item of node.items) findDuplicateKeys(item as Node | null, starts, out);
    return;
  }
  if (!isMap(node)) return;
  const seen = new Set<string>();
  for (const pair of node.items) {
    const key: unknown = isScalar(pair.key) ? pair.key.value : pair.key;
    const value = pair.value as Node | null;
    findDuplicateKeys(value, starts, out);
    const id = `${typeof key}:${String(key)}`;
    if (seen.has(id)) {
      const at = value?.range?.[0] ?? (isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0);
      out.push(`line ${lineOf(starts, at)}: key ${goKey(key)} already set in map`);
    }
    seen.add(id);
  }
}

/**
 * Repeated keys of an apply body under the fieldValidation directive, as upstream's strict YAML
 * decoding of the body words them: Strict 400 `error strict decoding YAML: error converting YAML to
 * JSON: yaml: unmarshal errors:` with one indented line per key; Warn one warning per key.
 */
export function checkDuplicateKeys(duplicateKeys: readonly string[], mode: 'Strict' | 'Warn' | 'Ignore', warnings: string[]): void {
  if (duplicateKeys.length === 0 || mode === 'Ignore') return;
  if (mode === 'Warn') {
    warnings.push(...duplicateKeys);
    return;
  }
  throw badRequest(`error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  ${duplicateKeys.join('\n  ')}`);
}

/** The PatchOptions of a PATCH request, as far as apply is concerned. */
