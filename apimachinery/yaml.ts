/**
 * YAML in and out. Out: {@link toYaml} and {@link toYamlSequenceItem} write response bodies.
 *
 * In: YAML from untrusted callers. The `yaml` library composes nodes recursively and expands aliases
 * into shared (even circular) JavaScript values, so a request body could exhaust the stack with deep
 * nesting or hand the server a value that contains itself. Every YAML body therefore goes through
 * {@link parseUntrustedYamlDocuments}, which refuses, before anything walks the value:
 *
 * - nesting deeper than {@link MAX_YAML_DEPTH} collections (measured on the token stream, which the
 *   library builds without recursion, before the recursive composer sees it),
 * - an alias inside the node its anchor names (`&a [*a]`),
 * - a mapping or sequence as a mapping key (JSON keys are strings),
 * - more than {@link MAX_YAML_ALIASES} aliases, and alias expansion beyond the library's own bound.
 *
 * The messages follow go-yaml's, which kube-apiserver returns for the same documents.
 */
import { Composer, isAlias, isCollection, isMap, isPair, isSeq, parseAllDocuments, Parser, stringify, type Document, type Node } from 'yaml';
import type { CST } from 'yaml';
import { exceededDepthMessage, MAX_NESTING_DEPTH } from './json.js';

/** Deepest nesting of collections accepted in a YAML document, the same as for JSON. */
export const MAX_YAML_DEPTH = MAX_NESTING_DEPTH;
/** Most aliases accepted in one YAML document. */
export const MAX_YAML_ALIASES = 100;

/** A YAML document refused before decoding; the message reads like go-yaml's. */
export class YamlLimitError extends Error {
  override readonly name = 'YamlLimitError';
}

/** The deepest nesting of collections in a token stream. */
export function tokenDepth(tokens: Iterable<CST.Token>): number {
  let max = 0;
  for (const token of tokens) {
    const stack: Array<[CST.Token, number]> = [[token, 0]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [t, depth] = top;
      if (t.type === 'document') {
        if (t.value !== undefined) stack.push([t.value, depth]);
        continue;
      }
      if (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection') continue;
      const inner = depth + 1;
      if (inner > max) max = inner;
      for (const item of t.items as CST.CollectionItem[]) {
        if (item.key) stack.push([item.key, inner]);
        if (item.value) stack.push([item.value, inner]);
      }
    }
  }
  return max;
}

/** The deepest nesting of collections in YAML `text`. */
export function yamlDepth(text: string): number {
  return tokenDepth(new Parser().parse(text));
}

/** The children of an AST node: pair keys and values, sequence items. */
function childrenOf(node: unknown): unknown[] {
  if (isMap(node) || isSeq(node)) return node.items as unknown[];
  if (isPair(node)) return [node.key, node.value];
  return [];
}

/**
 * Refuses aliases that name an enclosing node (the value would contain itself), collections as keys,
 * and documents with more than {@link MAX_YAML_ALIASES} aliases. Anchors are tracked in
 * document order, so a redefined anchor is resolved the way the composer resolves it.
 */
function checkNodes(doc: Document): void {
  const anchors = new Map<string, unknown>();
  const open = new Set<unknown>();
  let aliases = 0;
  // Depth-first in document order; `exit` entries close a node once its children are done.
  const stack: Array<{ node: unknown; exit: boolean }> = [{ node: doc.contents, exit: false }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, exit } = top;
    if (exit) {
      open.delete(node);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (isAlias(node)) {
      aliases++;
      if (aliases > MAX_YAML_ALIASES) throw new YamlLimitError('yaml: document contains excessive aliasing');
      if (open.has(anchors.get(node.source))) throw new YamlLimitError(`yaml: anchor '${node.source}' value contains itself`);
      continue;
    }
    if (isPair(node) && isCollection(isAlias(node.key) ? anchors.get(node.key.source) : node.key)) {
      throw new YamlLimitError('yaml: invalid map key: a mapping or sequence cannot be a key');
    }
    const anchor = (node as Partial<Node>).anchor;
    if (typeof anchor === 'string') anchors.set(anchor, node);
    open.add(node);
    stack.push({ node, exit: true });
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], exit: false });
  }
}

/** `line L, column C` of an offset in a text (both from 1), for messages that must not quote the text. */
export function textPosition(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1] ?? '').length + 1}`;
}

/**
 * Parses YAML from a caller into documents, refusing what could exhaust the server (see the module
 * comment) with a {@link YamlLimitError}. Syntax errors stay in each document's `errors`, with their
 * line and column and without the text; `uniqueKeys` is passed through.
 */
export function parseUntrustedYamlDocuments(text: string, options: { uniqueKeys?: boolean } = {}): Document[] {
  // Lexed once: the depth is measured on the tokens the documents are then composed from.
  const tokens = Array.from(new Parser().parse(text));
  if (tokenDepth(tokens) > MAX_YAML_DEPTH) throw new YamlLimitError(`yaml: ${exceededDepthMessage}`);
  const uniqueKeys = options.uniqueKeys ?? true;
  let docs: Document[] = Array.from(new Composer({ uniqueKeys }).compose(tokens));
  // Invalid YAML is parsed again by the one-call parser, whose errors are worded with their line and
  // column but without the offending text: a body may carry secret values, and the message goes back
  // to the caller (and into logs), as go-yaml's `yaml: line N: ...` does not quote it either.
  if (docs.some((doc) => doc.errors.length > 0)) {
    docs = [...parseAllDocuments(text, { uniqueKeys, prettyErrors: false })];
    for (const doc of docs) for (const e of doc.errors) e.message = `${e.message} at ${textPosition(text, e.pos[0])}`;
  }
  for (const doc of docs) if (doc.errors.length === 0) checkNodes(doc);
  return docs;
}

/**
 * Parses a single-document YAML value from a caller (an empty text is null). Throws the first syntax
 * error, or a {@link YamlLimitError} for input refused by {@link parseUntrustedYamlDocuments}.
 */
export function parseUntrustedYaml(text: string): unknown {
  const docs = parseUntrustedYamlDocuments(text);
  const [doc, second] = docs;
  if (doc === undefined) return null;
  const error = doc.errors[0];
  if (error !== undefined) throw error;
  if (second !== undefined) throw new YamlLimitError('yaml: expected a single document in the stream');
  return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown;
}

const YAML_OUT = {
  version: '1.1',
  sortMapEntries: true,
  indentSeq: false,
  lineWidth: 0,
  // A value shared by two fields is written out twice, as JSON would; YAML anchors are not for clients.
  aliasDuplicateObjects: false,
} as const;

/**
 * A JSON value as YAML, laid out as kube-apiserver writes it (JSON converted by go-yaml): mapping keys
 * sorted, a sequence's items at its key's indentation, multi-line strings in block style, double
 * quotes only where needed, among them strings that a YAML 1.1 reader would take for another type
 * (`yes`, `on`, `0x1F`, `2025-01-01`); long strings are not folded. Ends with a newline.
 */
export function toYaml(value: unknown): string {
  return stringify(value, YAML_OUT);
}

/**
 * {@link toYaml} of `value` as an item of a block sequence at the left margin (a list's `items`): `- `
 * before its first line, two spaces before the others.
 */
export function toYamlSequenceItem(value: unknown): string {
  return `- ${toYaml(value).replace(/\n(?=[^\n])/g, '\n  ')}`;
}
