/**
 * Whole numbers that a JSON or merge patch writes with a fraction or an exponent (`600.0`, `6e2`).
 * kube-apiserver applies these patches to the object's JSON text and keeps every value's text as
 * the patch wrote it, so Go's decoder then refuses such a number in an integer field; the parsed
 * value (600) cannot tell. A copy of the patch with each such number replaced by a marker string,
 * applied beside the real patch, shows where they land.
 */
import { randomBytes } from 'node:crypto';
import { parse as parseJsonAst, evaluate, type ValueNode } from '@humanwhocodes/momoa';
import { goJsonMarshal } from '../apimachinery/gojson.js';
import type { IntegerLiteral } from '../openapi/fieldtree.js';

/** A patch value with its whole decimal numbers replaced by marker strings, and their texts. */
export interface MarkedPatch {
  value: unknown;
  /** Marker string -> the number as written. */
  texts: Map<string, string>;
}

/** Marks the whole decimal numbers of JSON `text`; undefined when it writes none. */
export function markDecimals(text: string): MarkedPatch | undefined {
  const root = parseJsonAst(text, { mode: 'json' }).body;
  const nonce = randomBytes(6).toString('hex');
  const texts = new Map<string, string>();
  mark(root, text, (literal) => {
    const marker = `\u0000${nonce}-${texts.size}`;
    texts.set(marker, literal);
    return marker;
  });
  return texts.size === 0 ? undefined : { value: evaluate(root), texts };
}

function mark(node: ValueNode, text: string, markerFor: (literal: string) => string): void {
  if (node.type === 'Number') {
    const literal = text.slice(node.loc.start.offset, node.loc.end.offset);
    if (/[.eE]/.test(literal) && Number.isInteger(node.value)) {
      // The node becomes a string node in place; evaluate() then yields the marker.
      Object.assign(node, { type: 'String', value: markerFor(literal) });
    }
  } else if (node.type === 'Object') {
    for (const member of node.members) mark(member.value, text, markerFor);
  } else if (node.type === 'Array') {
    for (const element of node.elements) mark(element.value, text, markerFor);
  }
}

/** Where the markers of `marked` are in `result` (the marked patch applied), with their texts, in Go's decoding order. */
export function landedLiterals(result: unknown, marked: MarkedPatch): IntegerLiteral[] {
  const out: IntegerLiteral[] = [];
  const walk = (v: unknown, segments: string[]): void => {
    if (typeof v === 'string') {
      const literal = marked.texts.get(v);
      if (literal !== undefined) out.push({ segments, text: literal });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...segments, String(i)]));
    } else if (typeof v === 'object' && v !== null) {
      // Objects a patch writes into come out of Go's patching with sorted keys: its decoder meets them so.
      const record = v as Record<string, unknown>;
      for (const k of Object.keys(record).sort()) walk(record[k], [...segments, k]);
    }
  };
  walk(result, []);
  return out;
}

/** Go's JSON of `result` (the marked patch applied) with each number written as the patch wrote it. */
export function marshalWithLiterals(result: unknown, marked: MarkedPatch): string {
  let json = goJsonMarshal(result);
  for (const [marker, literal] of marked.texts) json = json.split(goJsonMarshal(marker)).join(literal);
  return json;
}
