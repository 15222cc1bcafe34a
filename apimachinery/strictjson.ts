/**
 * The strict-decoding errors Kubernetes' JSON decoder (sigs.k8s.io/json, UnmarshalStrict) collects
 * while it reads a text: `duplicate field "<path>"` for a key repeated in one object and `unknown field
 * "<path>"` for a key a struct does not have. Paths join keys with `.` and add indices as `[i]`
 * (`metadata.labels.a`, `[0].op`). Errors come in document order, each once, at most 100.
 */
import { parse as parseJsonAst, type ValueNode } from '@humanwhocodes/momoa';
import { goQuote } from './goquote.js';

/** Most strict errors one decode reports. */
const MAX_STRICT_ERRORS = 100;

/** The shape decoded into: free maps everywhere, or a list of structs with these fields (only `value` free). */
export interface StrictTarget {
  /** Fields of the structs a top-level list holds; absent: decoded as map[string]interface{} throughout. */
  listOfStructs?: { fields: ReadonlySet<string>; freeField: string };
}

class Collector {
  readonly errors: string[] = [];
  private readonly seen = new Set<string>();

  add(kind: 'duplicate' | 'unknown', path: string): void {
    const text = `${kind} field ${goQuote(path)}`;
    if (this.errors.length >= MAX_STRICT_ERRORS || this.seen.has(text)) return;
    this.seen.add(text);
    this.errors.push(text);
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function keyOf(member: { name: { type: string; value?: string; name?: string } }): string {
  return member.name.type === 'String' ? (member.name.value ?? '') : (member.name.name ?? '');
}

/** A free value (interface{}): repeated keys of its objects, at any depth. */
function walkFree(node: ValueNode, path: string, out: Collector): void {
  if (node.type === 'Array') {
    node.elements.forEach((el, i) => walkFree(el.value, `${path}[${i}]`, out));
    return;
  }
  if (node.type !== 'Object') return;
  const keys = new Set<string>();
  for (const member of node.members) {
    const key = keyOf(member);
    if (keys.has(key)) out.add('duplicate', join(path, key));
    keys.add(key);
    walkFree(member.value, join(path, key), out);
  }
}

/** A struct: unknown keys, repeated known ones, and the free field's value. */
function walkStruct(node: ValueNode, path: string, target: NonNullable<StrictTarget['listOfStructs']>, out: Collector): void {
  if (node.type !== 'Object') return;
  const keys = new Set<string>();
  for (const member of node.members) {
    const key = keyOf(member);
    if (!target.fields.has(key)) {
      out.add('unknown', join(path, key));
      continue;
    }
    if (keys.has(key)) out.add('duplicate', join(path, key));
    keys.add(key);
    if (key === target.freeField) walkFree(member.value, join(path, key), out);
  }
}

/**
 * The strict errors of decoding `text` (well-formed JSON) into `target`.
 * @returns their texts, e.g. `duplicate field "metadata.name"`.
 */
export function strictFieldErrors(text: string, target: StrictTarget = {}): string[] {
  const out = new Collector();
  const root = parseJsonAst(text, { mode: 'json' }).body;
  const structs = target.listOfStructs;
  if (structs === undefined) walkFree(root, '', out);
  else if (root.type === 'Array') root.elements.forEach((el, i) => walkStruct(el.value, `[${i}]`, structs, out));
  return out.errors;
}
