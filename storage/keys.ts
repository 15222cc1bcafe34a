/**
 * Key helpers shared by the object store and the adapters. Keys are strings compared in the byte order
 * of their UTF-8 encoding (etcd's order), which equals Unicode code point order.
 */

/**
 * The smallest key greater than every key that starts with `prefix`, like etcd's `GetPrefixRangeEnd`:
 * the last character is incremented (for ASCII this is exactly etcd's "increment the last byte").
 * Trailing U+10FFFF characters cannot be incremented and are dropped. Storage prefixes are ASCII and
 * end in `/`, so in practice `/registry/x/` becomes `/registry/x0`.
 */
export function prefixEnd(prefix: string): string {
  const chars = Array.from(prefix);
  while (chars.length > 0) {
    const last = chars.pop() ?? '';
    const cp = last.codePointAt(0) ?? 0;
    if (cp < 0x10ffff) {
      // Skip the surrogate block: code points there cannot be encoded in UTF-8.
      const next = cp + 1 === 0xd800 ? 0xe000 : cp + 1;
      return chars.join('') + String.fromCodePoint(next);
    }
  }
  return '\u{10ffff}';
}

/** Range end that selects exactly `key` (the smallest key greater than it). */
export function singleKeyEnd(key: string): string {
  return `${key}\u0000`;
}

/** Compares two keys in UTF-8 byte order (negative, zero, positive). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
