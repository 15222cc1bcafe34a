/** Go's `%q` (strconv.Quote and QuoteRune), for messages that carry a value as Go prints it, and unicode.IsPrint. */

const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's unicode.IsPrint for one character: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrintable(c: string): boolean {
  return GO_PRINTABLE.test(c);
}
const NAMED: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' };

/** One character inside Go quotes delimited by `quote`. */
function escape(c: string, quote: string): string {
  if (c === quote) return `\\${c}`;
  const named = NAMED[c];
  if (named !== undefined) return named;
  if (isGoPrintable(c)) return c;
  const cp = c.codePointAt(0) ?? 0;
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** A string as Go's `%q` prints it: double-quoted, non-printable characters escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) out += escape(c, '"');
  return `${out}"`;
}

/** A rune as Go's `%q` prints it: a quoted character literal. */
export function goQuoteRune(c: string): string {
  return `'${escape(c, "'")}'`;
}

/** A string slice as Go's `%#v` prints it: `[]string{"a", "b"}` (how field errors show a bad []string). */
export function goStringSliceSyntax(values: readonly string[]): string {
  return `[]string{${values.map(goQuote).join(', ')}}`;
}
