/**
 * JSON patch failures in the words of the library kube-apiserver applies them with
 * (evanphx/json-patch v4), and its leniencies: `replace` of a member an object lacks adds it, `add`
 * or `replace` without a `value` sets null, and `copy` from a member an object lacks copies null. It reads each operation only when it applies it, so
 * a malformed operation (an unknown `op`, no `path`) fails there, after the ones before it, with 422.
 */
import jsonpatch from 'fast-json-patch';
import { goValueKind } from '../apimachinery/gojson.js';
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

/** The container a pointer's last token lives in and that token (unescaped), or undefined container when missing. */
function locate(doc: unknown, pointer: string): { container: unknown; key: string } {
  const cut = pointer.lastIndexOf('/');
  const key = pointer.slice(cut + 1).replace(/~1/g, '/').replace(/~0/g, '~');
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
