/**
 * Go's decimal integer parsing (`strconv.ParseInt(v, 10, 64)`, `strconv.ParseUint(v, 10, 64)`), with
 * its error texts, for the places where Kubernetes reports them as they are.
 */
import { goQuote } from './goquote.js';

/** A parsed value, or the error Go's strconv reports. */
export type Parsed = { value: bigint; error?: undefined } | { value?: undefined; error: string };

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function parse(fn: string, v: string, syntax: RegExp, min: bigint, max: bigint): Parsed {
  if (!syntax.test(v)) return { error: `strconv.${fn}: parsing ${goQuote(v)}: invalid syntax` };
  const value = BigInt(v);
  if (value < min || value > max) return { error: `strconv.${fn}: parsing ${goQuote(v)}: value out of range` };
  return { value };
}

/** `strconv.ParseInt(v, 10, 64)`: an optional sign, decimal digits, int64 range. */
export function parseInt64(v: string): Parsed {
  return parse('ParseInt', v, /^[+-]?[0-9]+$/, -INT64_MAX - 1n, INT64_MAX);
}

/** `strconv.ParseUint(v, 10, 64)`: decimal digits (no sign), uint64 range. */
export function parseUint64(v: string): Parsed {
  return parse('ParseUint', v, /^[0-9]+$/, 0n, UINT64_MAX);
}
