/**
 * The strict-decoding errors Kubernetes' JSON decoder (sigs.k8s.io/json, UnmarshalStrict) collects
 * while it reads a text into a map or a list of structs: `duplicate field "<path>"` for a key repeated
 * in one object and `unknown field "<path>"` for a key a struct does not have (paths as
 * {@link findDuplicateFields} writes them: `metadata.labels.a`, `[0].op`). Errors come in document
 * order, each once, at most as many as the decoder reports.
 */
import { parse as parseJsonAst, type ValueNode } from '@humanwhocodes/momoa';
import { ANY_NODE, findDuplicateFields, joinPath } from './fieldtree.js';
import { strictErrorText, uniqueStrictErrors } from './validate.js';

/** The shape decoded into: free maps everywhere, or a list of structs with these fields (only `value` free). */
export interface StrictTarget {
  /** Fields of the structs a top-level list holds; absent: decoded as map[string]interface{} throughout. */
  listOfStructs?: { fields: ReadonlySet<string>; freeField: string };
}

/** Repeated keys of a free value (interface{}), at any depth, as error texts. */
function freeErrors(node: ValueNode, path: string, out: string[]): void {
  const paths: string[] = [];
  findDuplicateFields(node, ANY_NODE, path, paths);
  out.push(...paths.map((p) => strictErrorText('duplicate', p)));
}

/** A struct: unknown keys, repeated known ones, and the free field's value. */
function structErrors(node: ValueNode, path: string, target: NonNullable<StrictTarget['listOfStructs']>, out: string[]): void {
  if (node.type !== 'Object') return;
  const keys = new Set<string>();
  for (const member of node.members) {
    const key = member.name.type === 'String' ? member.name.value : member.name.name;
    const at = joinPath(path, key);
    if (!target.fields.has(key)) {
      out.push(strictErrorText('unknown', at));
      continue;
    }
    if (keys.has(key)) out.push(strictErrorText('duplicate', at));
    keys.add(key);
    if (key === target.freeField) freeErrors(member.value, at, out);
  }
}

/**
 * The strict errors of decoding `text` (well-formed JSON) into `target`.
 * @returns their texts, e.g. `duplicate field "metadata.name"`.
 */
export function strictFieldErrors(text: string, target: StrictTarget = {}): string[] {
  const out: string[] = [];
  const root = parseJsonAst(text, { mode: 'json' }).body;
  const structs = target.listOfStructs;
  if (structs === undefined) freeErrors(root, '', out);
  else if (root.type === 'Array') root.elements.forEach((el, i) => structErrors(el.value, `[${i}]`, structs, out));
  return uniqueStrictErrors(out);
}
