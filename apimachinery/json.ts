/**
 * Facts about request JSON read from its text in one pass: how deep it nests (decoding, validation,
 * patching and field tracking walk values recursively, so a body may not nest objects and arrays
 * deeper than {@link MAX_NESTING_DEPTH}; real API objects stay far below it) and how many object
 * members it writes (more than the parsed value holds means a key was repeated).
 */

/** Deepest nesting of objects and arrays accepted in a request body (YAML uses the same limit). */
export const MAX_NESTING_DEPTH = 500;

/** The message for a body nested deeper than {@link MAX_NESTING_DEPTH}. */
export const exceededDepthMessage = `exceeded max depth of ${MAX_NESTING_DEPTH}`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const ZERO = 0x30;
const NINE = 0x39;

/** What {@link scanJson} reads from well-formed JSON text. */
export interface JsonShape {
  /** Deepest nesting of objects and arrays (0 for a scalar). */
  depth: number;
  /** Object members written in the text, repeated keys included (one `:` each). */
  members: number;
  /** Whether some number is written with a fraction or an exponent (`600.0`, `1e3`). */
  decimals: boolean;
}

/** Depth, member count and decimals of well-formed JSON `text` (the figures mean nothing for malformed text). */
export function scanJson(text: string): JsonShape {
  let depth = 0;
  let max = 0;
  let members = 0;
  let decimals = false;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === COLON) {
      members++;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) max = depth;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    } else if (c === DOT || ((c === LOWER_E || c === UPPER_E) && isDigit(text.charCodeAt(i - 1)))) {
      // Outside strings a dot, or an e after a digit, is part of a number (true and false have no digit before their e).
      decimals = true;
    }
  }
  return { depth: max, members, decimals };
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** Whether well-formed JSON `text` nests objects and arrays deeper than {@link MAX_NESTING_DEPTH}. */
export function jsonTooDeep(text: string): boolean {
  return scanJson(text).depth > MAX_NESTING_DEPTH;
}

/** Object members in a parsed JSON value (walked without recursion). */
export function memberCount(value: unknown): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
      continue;
    }
    const values = Object.values(v);
    count += values.length;
    for (const item of values) stack.push(item);
  }
  return count;
}
