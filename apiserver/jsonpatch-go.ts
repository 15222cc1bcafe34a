/**
 * JSON patch failures in the words of the library kube-apiserver applies them with
 * (evanphx/json-patch v4), and its one leniency: `replace` of a member an object lacks adds it.
 */
import jsonpatch from 'fast-json-patch';
import { isPlainObject } from '../apimachinery/types.js';

/** The container a pointer's last token lives in and that token (unescaped), or undefined container when missing. */
function locate(doc: unknown, pointer: string): { container: unknown; key: string } {
  const cut = pointer.lastIndexOf('/');
  const key = pointer.slice(cut + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  let container: unknown;
  try {
    container = cut <= 0 ? doc : jsonpatch.getValueByPointer(doc, pointer.slice(0, cut));
  } catch {
    container = undefined;
  }
  return { container: isPlainObject(container) || Array.isArray(container) ? container : undefined, key };
}

/** `op` as evanphx applies it: a `replace` of a member missing from an existing object is an `add`. */
export function goJsonPatchOperation(doc: unknown, op: jsonpatch.Operation): jsonpatch.Operation {
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
      let from: unknown;
      try {
        from = jsonpatch.getValueByPointer(doc, op.from);
      } catch {
        from = undefined;
      }
      if (from === undefined) return `${op.op} operation does not apply: doc is missing from path: ${op.from}: missing value`;
      return locate(doc, path).container === undefined ? `${op.op} operation does not apply: doc is missing destination path: ${path}: missing value` : undefined;
    }
    default:
      return undefined;
  }
}
