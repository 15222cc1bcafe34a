/**
 * JSON patch failures in the words of the library kube-apiserver applies them with
 * (evanphx/json-patch v4), and its leniencies: `replace` of a member an object lacks adds it, `add`
 * or `replace` without a `value` sets null, `copy` from a member an object lacks copies null, and array
 * elements may be named from the end (`-1` is the last). It reads each operation only when it applies
 * it, so a malformed operation (an unknown `op`, no `path`) fails there, after the ones before it, with 422.
 */
import jsonpatch from 'fast-json-patch';
import { goValueKind } from '../apimachinery/gojson.js';
import { goQuote } from '../apimachinery/goquote.js';
import { isPlainObject } from '../apimachinery/types.js';

const KINDS = new Set(['add', 'remove', 'replace', 'move', 'test', 'copy']);

/** A string field of an operation as evanphx reads it: its value, or why it cannot (missing or null: `missing`). */
function stringField(op: Record<string, unknown>, name: string, missing: string): { value: string; error?: undefined } | { error: string } {
  const v = op[name];
  if (v === undefined || v === null) return { error: missing };
  if (typeof v !== 'string') return { error: `json: cannot unmarshal ${goValueKind(v)} into Go value of type string` };
  return { value: v };
}

/** The value `pointer` names in `doc`, undefined when it names none (or is no pointer). */
export function valueAt(doc: unknown, pointer: string): unknown {
  try {
    return jsonpatch.getValueByPointer(doc, pointer);
  } catch {
    return undefined;
  }
}

/**
 * Why evanphx fails `op` before changing anything (its kind, a `path` or `from` it cannot read, or one
 * that is no pointer), in its words; undefined when it gets as far as applying it.
 */
export function goOperationReadError(doc: unknown, op: unknown): string | undefined {
  const o = isPlainObject(op) ? op : {};
  const kind = typeof o.op === 'string' ? o.op : 'unknown';
  if (!KINDS.has(kind)) return `Unexpected kind: ${kind}`;
  const path = stringField(o, 'path', 'operation missing path field: missing value');
  switch (kind) {
    case 'add':
    case 'remove':
      if (path.error !== undefined) return `${kind} operation failed to decode path: missing value`;
      return path.value.startsWith('/') ? undefined : `${kind} operation does not apply: doc is missing path: "${path.value}": missing value`;
    case 'replace':
    case 'test':
      if (path.error !== undefined) return `${kind} operation failed to decode path: ${path.error}`;
      if (path.value === '' || path.value.startsWith('/')) return undefined;
      return kind === 'replace' ? `replace operation does not apply: doc is missing path: ${path.value}: missing value` : `test operation does not apply: is missing path: ${path.value}: missing value`;
    default: {
      // The source is looked up (and, for a move, removed) before the destination is read.
      const from = stringField(o, 'from', 'operation, missing from field: missing value');
      if (from.error !== undefined) return `${kind} operation failed to decode from: ${from.error}`;
      const source = from.value.startsWith('/') ? locate(doc, from.value) : { container: undefined, key: '' };
      if (source.container === undefined) return `${kind} operation does not apply: doc is missing from path: ${from.value}: missing value`;
      if (kind === 'move' && isPlainObject(source.container) && !Object.hasOwn(source.container, source.key)) {
        return `error in move for path: '${source.key}': Unable to remove nonexistent key: ${source.key}: missing value`;
      }
      if (Array.isArray(source.container) && valueAt(doc, from.value) === undefined) return undefined;
      if (path.error !== undefined) return kind === 'copy' ? 'copy operation failed to decode path: missing value' : `move operation failed to decode path: ${path.error}`;
      return path.value.startsWith('/') ? undefined : `${kind} operation does not apply: doc is missing destination path: ${path.value}: missing value`;
    }
  }
}

/** A pointer token unescaped (`~1` is `/`, `~0` is `~`). */
const unescapeToken = (t: string) => t.replace(/~1/g, '/').replace(/~0/g, '~');

/** The container a pointer's last token lives in and that token (unescaped), or undefined container when missing. */
function locate(doc: unknown, pointer: string): { container: unknown; key: string } {
  const cut = pointer.lastIndexOf('/');
  const key = unescapeToken(pointer.slice(cut + 1));
  const container = cut <= 0 ? doc : valueAt(doc, pointer.slice(0, cut));
  return { container: isPlainObject(container) || Array.isArray(container) ? container : undefined, key };
}

/**
 * `op` as evanphx applies it: `add` and `replace` without a value set null, and a `replace` of a
 * member missing from an existing object is an `add`.
 */
export function goJsonPatchOperation(doc: unknown, op: jsonpatch.Operation): jsonpatch.Operation {
  if ((op.op === 'add' || op.op === 'replace') && (op as { value?: unknown }).value === undefined) op = { ...op, value: null };
  if (op.op === 'copy') {
    // A copy from a member an existing object lacks copies null.
    const source = locate(doc, op.from);
    if (isPlainObject(source.container) && !Object.hasOwn(source.container, source.key)) return { op: 'add', path: op.path, value: null };
  }
  if (op.op !== 'replace') return op;
  const { container, key } = locate(doc, op.path);
  return isPlainObject(container) && !Object.hasOwn(container, key) ? { ...op, op: 'add' } : op;
}

/** The error evanphx/json-patch reports for `op` failing on `doc`, or undefined when it has no wording for it. */
export function goJsonPatchError(doc: unknown, op: jsonpatch.Operation): string | undefined {
  const { path } = op;
  const { container, key } = locate(doc, path);
  const missing = container === undefined;
  switch (op.op) {
    case 'add':
      return missing ? `add operation does not apply: doc is missing path: "${path}": missing value` : undefined;
    case 'remove':
      if (missing) return `remove operation does not apply: doc is missing path: "${path}": missing value`;
      return isPlainObject(container) && !Object.hasOwn(container, key) ? `error in remove for path: '${path}': Unable to remove nonexistent key: ${key}: missing value` : undefined;
    case 'replace':
      return missing ? `replace operation does not apply: doc is missing path: ${path}: missing value` : undefined;
    case 'test':
      return missing ? `test operation does not apply: is missing path: ${path}: missing value` : `testing value ${path} failed: test failed`;
    case 'move':
    case 'copy': {
      if (valueAt(doc, op.from) === undefined) return `${op.op} operation does not apply: doc is missing from path: ${op.from}: missing value`;
      return locate(doc, path).container === undefined ? `${op.op} operation does not apply: doc is missing destination path: ${path}: missing value` : undefined;
    }
    default:
      return undefined;
  }
}

const MAX_INT64 = 2n ** 63n - 1n;

/** Go's strconv.Atoi of an array token: the index, or Atoi's error. */
function atoi(token: string): bigint | string {
  if (!/^[+-]?\d+$/.test(token)) return `strconv.Atoi: parsing ${goQuote(token)}: invalid syntax`;
  const n = BigInt(token);
  return n > MAX_INT64 || n < -MAX_INT64 - 1n ? `strconv.Atoi: parsing ${goQuote(token)}: value out of range` : n;
}

const invalidIndex = (idx: bigint) => `Unable to access invalid index: ${idx}: invalid index referenced`;

/**
 * An array position as evanphx resolves one (negative indices count from the end): `get` an element,
 * `remove` one, or `add` before one (`-` appends). The index, or the library's error.
 */
function arrayIndex(use: 'get' | 'remove' | 'add', length: number, token: string): number | string {
  if (use === 'add' && token === '-') return length;
  const n = atoi(token);
  if (typeof n === 'string') return use === 'add' ? `value was not a proper array index: '${token}': ${n}` : n;
  const size = BigInt(use === 'add' ? length + 1 : length);
  if (n >= size || n < -size) return invalidIndex(n);
  return Number(n < 0n ? n + size : n);
}

/** `pointer` with its last token replaced by `index`. */
function withIndex(pointer: string, index: number): string {
  return `${pointer.slice(0, pointer.lastIndexOf('/'))}/${index}`;
}

/** The array a pointer's last token indexes, with that token; undefined when its container is no array. */
function arrayAt(doc: unknown, pointer: string): { array: unknown[]; key: string } | undefined {
  const { container, key } = locate(doc, pointer);
  return Array.isArray(container) ? { array: container, key } : undefined;
}

/**
 * An operation whose path or source ends in an array element, applied as evanphx/json-patch v4 applies
 * it: negative indices from the end, out-of-range and malformed indices refused in its words, a move's
 * destination resolved after its source is removed. Undefined when no array element is involved (the
 * caller applies the operation as usual).
 */
export function applyArrayOperation(doc: unknown, op: jsonpatch.Operation, apply: (doc: unknown, op: jsonpatch.Operation) => unknown): { doc: unknown } | { error: string } | undefined {
  if (op.op === 'move' || op.op === 'copy') {
    const source = arrayAt(doc, op.from);
    return source === undefined && arrayAt(doc, op.path) === undefined ? undefined : moveOrCopy(doc, op, source, apply);
  }
  const target = arrayAt(doc, op.path);
  if (target === undefined) return undefined;
  const index = (use: 'get' | 'remove' | 'add') => arrayIndex(use, target.array.length, target.key);
  switch (op.op) {
    case 'add': {
      const at = index('add');
      if (typeof at === 'string') return { error: `error in add for path: '${op.path}': ${at}` };
      return { doc: apply(doc, goJsonPatchOperation(doc, { ...op, path: withIndex(op.path, at) })) };
    }
    case 'remove': {
      const at = index('remove');
      if (typeof at === 'string') return { error: `error in remove for path: '${op.path}': ${at}` };
      return { doc: apply(doc, { ...op, path: withIndex(op.path, at) }) };
    }
    case 'replace': {
      const at = index('get');
      if (typeof at === 'string') return { error: `replace operation does not apply: doc is missing key: ${op.path}: missing value` };
      return { doc: apply(doc, goJsonPatchOperation(doc, { ...op, path: withIndex(op.path, at) })) };
    }
    case 'test': {
      const at = index('get');
      if (typeof at === 'string') return { error: `error in test for path: '${op.path}': ${at}` };
      try {
        return { doc: apply(doc, { ...op, path: withIndex(op.path, at) }) };
      } catch {
        return { error: `testing value ${op.path} failed: test failed` };
      }
    }
    default:
      return undefined;
  }
}

/** A copy or move touching an array element (see {@link applyArrayOperation}). */
function moveOrCopy(
  doc: unknown,
  op: jsonpatch.MoveOperation | jsonpatch.CopyOperation,
  source: { array: unknown[]; key: string } | undefined,
  apply: (doc: unknown, op: jsonpatch.Operation) => unknown,
): { doc: unknown } | { error: string } | undefined {
  let from = op.from;
  if (source !== undefined) {
    const at = arrayIndex('get', source.array.length, source.key);
    if (typeof at === 'string') return { error: op.op === 'move' ? `error in move for path: '${source.key}': ${at}` : `error in copy for from: '${op.from}': ${at}` };
    from = withIndex(op.from, at);
  }
  const value = structuredClone(valueAt(doc, from));
  if (value === undefined) return undefined;
  // A move removes its source first; its destination is found in what remains.
  const rest = op.op === 'move' ? apply(doc, { op: 'remove', path: from }) : doc;
  const target = arrayAt(rest, op.path);
  if (target === undefined) {
    if (locate(rest, op.path).container === undefined) return { error: `${op.op} operation does not apply: doc is missing destination path: ${op.path}: missing value` };
    return { doc: apply(rest, { op: 'add', path: op.path, value }) };
  }
  const at = arrayIndex('add', target.array.length, target.key);
  if (typeof at === 'string') return { error: `error in ${op.op} for path: '${op.path}': ${at}` };
  return { doc: apply(rest, { op: 'add', path: withIndex(op.path, at), value }) };
}

/**
 * `pointer` with the array indices among its parents (all tokens but the last) written as evanphx
 * resolves them when it walks to the parent: negative ones counted from the end. Unchanged when the
 * walk fails (the operation then reports the missing path in the library's words).
 */
function resolveParents(doc: unknown, pointer: string): string {
  if (!pointer.startsWith('/')) return pointer;
  const tokens = pointer.split('/').slice(1);
  const out: string[] = [];
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) {
      const at = arrayIndex('get', node.length, unescapeToken(token));
      if (typeof at === 'string') return pointer;
      out.push(String(at));
      node = node[at];
      continue;
    }
    const key = unescapeToken(token);
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return pointer;
    out.push(token);
    node = node[key];
  }
  return ['', ...out, tokens.at(-1) ?? ''].join('/');
}

/**
 * `op` with the parents of its `path` and `from` resolved (see {@link resolveParents}), and a function
 * that puts the pointers as sent back into a message about the resolved operation.
 */
export function withResolvedParents(doc: unknown, op: jsonpatch.Operation): { op: jsonpatch.Operation; restore: (message: string) => string } {
  if (!isPlainObject(op)) return { op, restore: (m) => m };
  const pairs: [string, string][] = [];
  const resolved: Record<string, unknown> = { ...op };
  for (const field of ['path', 'from'] as const) {
    const sent = (op as unknown as Record<string, unknown>)[field];
    if (typeof sent !== 'string') continue;
    const now = resolveParents(doc, sent);
    if (now !== sent) {
      resolved[field] = now;
      pairs.push([now, sent]);
    }
  }
  if (pairs.length === 0) return { op, restore: (m) => m };
  return { op: resolved as unknown as jsonpatch.Operation, restore: (m) => pairs.reduce((text, [now, sent]) => text.split(now).join(sent), m) };
}
