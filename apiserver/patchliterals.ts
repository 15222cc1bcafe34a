/**
 * Whole numbers that a JSON or merge patch writes with a fraction or an exponent (`600.0`, `6e2`).
 * kube-apiserver applies these patches to the object's JSON text and keeps every value's text as
 * the patch wrote it: Go's decoder then refuses such a number in an integer field, and a JSON
 * patch's `test` compares values by their text (`1.0` is not `1`). The parsed value (600) cannot
 * tell. A copy of the patch with each such number replaced by a marker string (one per text),
 * applied beside the real patch, shows where they land and makes `test` compare as upstream does.
 */
import { randomBytes } from 'node:crypto';
import { parse as parseJsonAst, evaluate, type ValueNode } from '@humanwhocodes/momoa';
import { goJsonMarshal } from '../apimachinery/gojson.js';
import type { IntegerLiteral } from '../openapi/fieldtree.js';

/** A patch value with its whole decimal numbers replaced by marker strings, and their texts. */
export interface MarkedPatch {
  value: unknown;
  /** The numbers as written, by marker index. */
  byIndex: readonly string[];
  /** Unique part of this patch's markers (`\0<nonce>-<index>`). */
  nonce: string;
}

/** Marks the whole decimal numbers of JSON `text`; undefined when it writes none. */
export function markDecimals(text: string): MarkedPatch | undefined {
  const root = parseJsonAst(text, { mode: 'json' }).body;
  const nonce = randomBytes(6).toString('hex');
  const markers = new Map<string, string>();
  const byIndex: string[] = [];
  mark(root, text, (literal) => {
    let marker = markers.get(literal);
    if (marker === undefined) {
      marker = `\u0000${nonce}-${byIndex.length}`;
      byIndex.push(literal);
      markers.set(literal, marker);
    }
    return marker;
  });
  return byIndex.length === 0 ? undefined : { value: evaluate(root), byIndex, nonce };
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

/**
 * Where the markers of `marked` are in `result` (the marked patch applied), with their texts, in the
 * order Go's decoder meets them: objects that Go's patching parsed come out with sorted keys
 * (`sorted(segments)` says which; all by default), the others as the patch wrote them.
 */
export function landedLiterals(result: unknown, marked: MarkedPatch, sorted: (segments: readonly string[]) => boolean = () => true): IntegerLiteral[] {
  const out: IntegerLiteral[] = [];
  const walk = (v: unknown, segments: string[]): void => {
    if (typeof v === 'string') {
      const literal = literalOf(v, marked);
      if (literal !== undefined) out.push({ segments, text: literal });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...segments, String(i)]));
    } else if (typeof v === 'object' && v !== null) {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      if (sorted(segments)) keys.sort();
      for (const k of keys) walk(record[k], [...segments, k]);
    }
  };
  walk(result, []);
  return out;
}

/** The number `marker` stands for, as written; undefined for any other string. */
function literalOf(marker: string, marked: MarkedPatch): string | undefined {
  const prefix = `\u0000${marked.nonce}-`;
  return marker.startsWith(prefix) ? marked.byIndex[Number(marker.slice(prefix.length))] : undefined;
}

/** Go's JSON of `result` (the marked patch applied) with each number written as the patch wrote it. */
export function marshalWithLiterals(result: unknown, marked: MarkedPatch): string {
  // goJsonMarshal writes a marker's NUL as \u0000; one pass puts every number back.
  const pattern = new RegExp(`"\\\\u0000${marked.nonce}-(\\d+)"`, 'g');
  return goJsonMarshal(result).replace(pattern, (whole, index: string) => marked.byIndex[Number(index)] ?? whole);
}
