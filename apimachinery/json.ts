/**
 * Nesting limits for request bodies. Decoding, validation, patching and field tracking walk values
 * recursively, so a body may not nest objects and arrays deeper than {@link MAX_NESTING_DEPTH}; real
 * API objects stay far below it. JSON is measured on its text, YAML on its token stream (yaml.ts).
 */

/** Deepest nesting of objects and arrays accepted in a request body. */
export const MAX_NESTING_DEPTH = 500;

/** The message for a body nested deeper than {@link MAX_NESTING_DEPTH}. */
export const exceededDepthMessage = `exceeded max depth of ${MAX_NESTING_DEPTH}`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** Whether well-formed JSON `text` nests objects and arrays deeper than `limit`. */
export function jsonDeeperThan(text: string, limit = MAX_NESTING_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}
