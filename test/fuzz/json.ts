/**
 * An ordered JSON tree that can say what `JSON.stringify` cannot: duplicate keys, keys such as
 * `__proto__` as plain data, and raw tokens (`1e309`, `-0`, `NaN`, very deep nesting). The fuzz
 * generators build and mutate these trees and serialize them to request bodies.
 */
import type { Rng } from './prng.js';

/** An object with ordered, possibly duplicate, entries. */
export interface JsonObj {
  kind: 'obj';
  entries: [string, JsonNode][];
}

/** Text inserted verbatim into the output (may be invalid JSON on purpose). */
export interface JsonRaw {
  kind: 'raw';
  text: string;
}

/** A node of the tree. */
export type JsonNode = null | boolean | number | string | JsonNode[] | JsonObj | JsonRaw;

/** A raw token. */
export function raw(text: string): JsonRaw {
  return { kind: 'raw', text };
}

/** An object node from entries. */
export function obj(entries: [string, JsonNode][] = []): JsonObj {
  return { kind: 'obj', entries };
}

/** Whether a node is an object node. */
function isObj(n: JsonNode): n is JsonObj {
  return typeof n === 'object' && n !== null && !Array.isArray(n) && n.kind === 'obj';
}

/** Whether a node is a raw token. */
function isRaw(n: JsonNode): n is JsonRaw {
  return typeof n === 'object' && n !== null && !Array.isArray(n) && n.kind === 'raw';
}

/** Converts a plain JSON-compatible value into a tree (keys keep their order). */
export function fromValue(v: unknown): JsonNode {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(fromValue);
  if (typeof v === 'object') return obj(Object.entries(v as Record<string, unknown>).map(([k, x]): [string, JsonNode] => [k, fromValue(x)]));
  return String(v);
}

/** Serializes a tree (iteratively, so deep trees do not overflow the test's stack). */
export function serialize(root: JsonNode): string {
  const out: string[] = [];
  type Frame = { node: JsonNode } | { text: string };
  const stack: Frame[] = [{ node: root }];
  while (stack.length > 0) {
    const f = stack.pop();
    if (f === undefined) break;
    if ('text' in f) {
      out.push(f.text);
      continue;
    }
    const n = f.node;
    if (n === null || typeof n === 'boolean' || typeof n === 'number' || typeof n === 'string') {
      out.push(JSON.stringify(n));
    } else if (Array.isArray(n)) {
      const frames: Frame[] = [{ text: '[' }];
      n.forEach((c, i) => {
        if (i > 0) frames.push({ text: ',' });
        frames.push({ node: c });
      });
      frames.push({ text: ']' });
      for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i] as Frame);
    } else if (isRaw(n)) {
      out.push(n.text);
    } else {
      const frames: Frame[] = [{ text: '{' }];
      n.entries.forEach(([k, c], i) => {
        frames.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(k)}:` });
        frames.push({ node: c });
      });
      frames.push({ text: '}' });
      for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i] as Frame);
    }
  }
  return out.join('');
}

/** Keys that are dangerous as plain property names in JavaScript. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'toJSON',
  'isPrototypeOf',
  '__defineGetter__',
  'length',
  '0',
  '',
  ' ',
  'a.b',
  'a/b',
  '~1',
  '\u0000',
  'f:spec',
  'metadata',
] as const;

/** Raw tokens that are valid JSON but awkward for a JavaScript server. */
export const ODD_VALID_TOKENS = [
  '1e309',
  '-1e309',
  '1E400',
  '-0',
  '0e-400',
  '123456789012345678901234567890',
  '9007199254740993',
  '-9223372036854775809',
  '18446744073709551616',
  '1.7976931348623157e308',
  '5e-324',
  '0.1',
  '-1',
  '"\\u0000"',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\ufeff"',
  '"a\\u0000b"',
  '"\\u202e"',
  '""',
  '{}',
  '[]',
  '[[]]',
  '{"":""}',
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"hasOwnProperty":"x","a":null}',
  '{"toString":"x","valueOf":1}',
  'true',
  'false',
  'null',
] as const;

/** Raw tokens that make the document invalid JSON. */
export const INVALID_TOKENS = ['NaN', 'Infinity', '-Infinity', '01', '.5', '+1', '0x10', 'undefined', "'single'", '1.', '1e', '--1', 'tru', 'nul', '"unterminated', '"\\x41"', '"\\u12"', '[1,]', '{"a":1,}', '{a:1}', '/* c */1'] as const;

/** `depth` nested arrays (or objects when `objects`), as raw text. */
export function deepNest(depth: number, objects = false): JsonRaw {
  return objects ? raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) : raw('['.repeat(depth) + ']'.repeat(depth));
}

/** A JSON string token of about `bytes` bytes. */
export function hugeString(rng: Rng, bytes: number): JsonRaw {
  const unit = rng.pick(['A', 'x', '\\u0000', '\\"', 'ä', '🙂', '\\ud800']);
  const n = Math.max(1, Math.floor(bytes / Buffer.byteLength(unit)));
  return raw(`"${unit.repeat(n)}"`);
}

/** A hostile value: wrong types, odd numbers, proto keys, occasionally deep or large. */
export function hostileValue(rng: Rng, allowBig: boolean): JsonNode {
  return rng.weighted<() => JsonNode>([
    [5, () => raw(rng.pick(ODD_VALID_TOKENS))],
    [2, () => rng.pick([0, -1, 1.5, 2147483648, -2147483649, Number.MAX_SAFE_INTEGER, true, false, null])],
    [3, () => rng.pick(['', ' ', 'x', 'UPPER', 'a/b', '../..', 'x'.repeat(300), '%00', '\u0000', '\ud800', 'ä', '🙂', '2024-13-45T99:99:99Z', 'Zm9v', '!!!not base64'])],
    [2, () => obj([[rng.pick(HOSTILE_KEYS), hostileValue(rng, false)]])],
    [1, () => [hostileValue(rng, false), hostileValue(rng, false)]],
    [allowBig ? 1 : 0, () => deepNest(rng.pick([50, 1000, 10_000]), rng.chance(0.5))],
    [allowBig ? 1 : 0, () => hugeString(rng, rng.pick([10_000, 300_000]))],
    [allowBig ? 0.5 : 0, () => Array.from({ length: rng.pick([1000, 20_000]) }, (_, i) => i)],
  ])();
}

/** Every container position in the tree (bounded), as [container, key-or-index]. */
function positions(root: JsonNode, limit = 400): [JsonObj | JsonNode[], number][] {
  const out: [JsonObj | JsonNode[], number][] = [];
  const queue: JsonNode[] = [root];
  while (queue.length > 0 && out.length < limit) {
    const n = queue.shift();
    if (n === undefined) break;
    if (Array.isArray(n)) {
      n.forEach((c, i) => {
        out.push([n, i]);
        queue.push(c);
      });
    } else if (n !== null && typeof n === 'object' && isObj(n)) {
      n.entries.forEach(([, c], i) => {
        out.push([n, i]);
        queue.push(c);
      });
    }
  }
  return out;
}

/** Applies `count` random structural mutations to the tree in place; returns short descriptions. */
export function mutateTree(rng: Rng, root: JsonNode, count: number, allowBig: boolean): string[] {
  const notes: string[] = [];
  for (let m = 0; m < count; m++) {
    const all = positions(root);
    const pos = all.length > 0 ? rng.pick(all) : undefined;
    if (pos === undefined) break;
    const [container, i] = pos;
    const op = rng.pick(['replace', 'replace', 'wrongType', 'hostileKey', 'duplicate', 'delete', 'wrap'] as const);
    const get = (): JsonNode => (Array.isArray(container) ? container[i] ?? null : container.entries[i]?.[1] ?? null);
    const set = (v: JsonNode) => {
      if (Array.isArray(container)) container[i] = v;
      else {
        const e = container.entries[i];
        if (e) e[1] = v;
      }
    };
    switch (op) {
      case 'replace':
        set(hostileValue(rng, allowBig));
        break;
      case 'wrongType': {
        const cur = get();
        set(typeof cur === 'string' ? rng.pick([1, true, null, [], obj()]) : Array.isArray(cur) ? obj([['0', cur[0] ?? null]]) : isObj(cur as JsonNode) ? [cur] : String(cur));
        break;
      }
      case 'hostileKey': {
        const target = get();
        const o = isObj(target) ? target : Array.isArray(container) ? undefined : container;
        o?.entries.splice(rng.int(0, o.entries.length), 0, [rng.pick(HOSTILE_KEYS), hostileValue(rng, false)]);
        break;
      }
      case 'duplicate':
        if (!Array.isArray(container)) {
          const e = container.entries[i];
          if (e) container.entries.splice(i + 1, 0, [e[0], hostileValue(rng, false)]);
        }
        break;
      case 'delete':
        if (Array.isArray(container)) container.splice(i, 1);
        else container.entries.splice(i, 1);
        break;
      case 'wrap':
        set(rng.chance(0.5) ? [get()] : obj([['value', get()]]));
        break;
    }
    notes.push(op);
  }
  return notes;
}

/** Text-level corruption of a serialized body; the result is usually invalid JSON. */
export function corruptText(rng: Rng, text: string): { bytes: Buffer; note: string } {
  const at = (n: number) => rng.int(0, Math.max(0, n));
  const op = rng.pick(['truncate', 'truncate', 'insert', 'delete', 'bom', 'badUtf8', 'trailing', 'invalidToken', 'utf16', 'nul', 'whitespace'] as const);
  switch (op) {
    case 'truncate':
      return { bytes: Buffer.from(text.slice(0, at(text.length - 1))), note: 'truncated' };
    case 'insert': {
      const p = at(text.length);
      return { bytes: Buffer.from(text.slice(0, p) + rng.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', 'x']) + text.slice(p)), note: 'char inserted' };
    }
    case 'delete': {
      const p = at(text.length - 1);
      return { bytes: Buffer.from(text.slice(0, p) + text.slice(p + 1)), note: 'char deleted' };
    }
    case 'bom':
      return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), note: 'UTF-8 BOM' };
    case 'badUtf8': {
      const p = at(text.length);
      const bad = Buffer.from(rng.pick([[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]]));
      return { bytes: Buffer.concat([Buffer.from(text.slice(0, p)), bad, Buffer.from(text.slice(p))]), note: 'invalid UTF-8' };
    }
    case 'trailing':
      return { bytes: Buffer.from(text + rng.pick(['x', '}', '{}', '\u0000', ' garbage', text])), note: 'trailing garbage' };
    case 'invalidToken': {
      const p = text.indexOf(':', at(text.length - 1));
      const cut = p < 0 ? text.length : p + 1;
      return { bytes: Buffer.from(`${text.slice(0, cut)}${rng.pick(INVALID_TOKENS)}${text.slice(cut)}`), note: 'invalid token' };
    }
    case 'utf16':
      return { bytes: Buffer.from(`\ufeff${text}`, 'utf16le'), note: 'UTF-16LE' };
    case 'nul':
      return { bytes: Buffer.concat([Buffer.from(text), Buffer.alloc(rng.pick([1, 1000]))]), note: 'NUL bytes appended' };
    case 'whitespace':
      return { bytes: Buffer.from(' '.repeat(rng.pick([1000, 500_000])) + text.slice(0, Math.max(0, text.length - 1))), note: 'whitespace then truncated' };
  }
}

/**
 * True when `bytes`, decoded as the server decodes them (UTF-8), is certainly not JSON: `JSON.parse`
 * fails with a SyntaxError. Any other outcome (it parses, or the parser runs out of stack) is false.
 */
export function isSyntaxError(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return false;
  } catch (e: unknown) {
    return e instanceof SyntaxError;
  }
}
