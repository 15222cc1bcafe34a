/**
 * `data` values travel as base64 strings in JSON. Gardener (Go) decodes them with
 * `base64.StdEncoding`: padding required, `\r`/`\n` ignored anywhere, any other stray byte an error
 * `illegal base64 data at input byte N`; reads re-encode the bytes canonically. These helpers do the same.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE_MAP: Int16Array = (() => {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) m[ALPHABET.charCodeAt(i)] = i;
  return m;
})();
const PAD = 0x3d;
const CANONICAL = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A base64 decoding failure, with Go's `base64.CorruptInputError` text. */
export class Base64Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.name = 'Base64Error';
  }
}

const isNewline = (c: number | undefined): boolean => c === 0x0a || c === 0x0d;

function skipNewlines(src: Uint8Array, si: number): number {
  let i = si;
  while (i < src.length && isNewline(src[i])) i++;
  return i;
}

/** After a `=` at quantum position j: checks the rest of the padding; returns the new index. */
function finishPadding(src: Uint8Array, si: number, j: number): number {
  if (j === 0 || j === 1) throw new Base64Error(si - 1);
  let i = si;
  if (j === 2) {
    i = skipNewlines(src, i);
    if (i === src.length) throw new Base64Error(src.length);
    if (src[i] !== PAD) throw new Base64Error(i - 1);
    i++;
  }
  i = skipNewlines(src, i);
  if (i < src.length) throw new Base64Error(i);
  return i;
}

/** Decodes one 4-character quantum starting at si (Go's decodeQuantum); returns the next index. */
function decodeQuantum(src: Uint8Array, start: number, out: number[]): number {
  const digits = [0, 0, 0, 0];
  let si = start;
  let len = 4;
  for (let j = 0; j < 4; j++) {
    if (si === src.length) {
      if (j === 0) return si;
      throw new Base64Error(si - j);
    }
    const c = src[si] ?? 0;
    si++;
    const v = DECODE_MAP[c] ?? -1;
    if (v >= 0) {
      digits[j] = v;
      continue;
    }
    if (isNewline(c)) {
      j--;
      continue;
    }
    if (c !== PAD) throw new Base64Error(si - 1);
    si = finishPadding(src, si, j);
    len = j;
    break;
  }
  const val = ((digits[0] ?? 0) << 18) | ((digits[1] ?? 0) << 12) | ((digits[2] ?? 0) << 6) | (digits[3] ?? 0);
  out.push(...[(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff].slice(0, len - 1));
  return si;
}

/**
 * Decodes standard padded base64 exactly as Go's `base64.StdEncoding.DecodeString`.
 * @throws Base64Error `illegal base64 data at input byte N` (N counts UTF-8 bytes of the input).
 */
export function decodeBase64(s: string): Buffer {
  // Canonical input (the common case) is decoded by Node; the quantum walk below only runs to find
  // where non-canonical input goes wrong, so errors carry Go's offsets.
  const compact = s.includes('\n') || s.includes('\r') ? s.replace(/[\r\n]/g, '') : s;
  if (compact.length % 4 === 0 && CANONICAL.test(compact)) return Buffer.from(compact, 'base64');
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) si = decodeQuantum(src, si, out);
  return Buffer.from(out);
}

/**
 * Whether `s` is already what encoding its decoded bytes gives: padded standard base64 without line
 * breaks whose last character before the padding carries no bits beyond the data (`QR==` decodes to
 * the same byte as `QQ==`, which is what re-encoding writes).
 */
function isCanonicalBase64(s: string): boolean {
  if (s.length % 4 !== 0 || !CANONICAL.test(s)) return false;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  if (pad === 0) return true;
  const last = DECODE_MAP[s.charCodeAt(s.length - pad - 1)] ?? -1;
  return (last & (pad === 2 ? 0b1111 : 0b11)) === 0;
}

/** `s` re-encoded as Go's decode-then-encode writes it; canonical input is returned as it is. */
export function canonicalBase64(s: string): string {
  return isCanonicalBase64(s) ? s : encodeBase64(decodeBase64(s));
}

/** Standard padded base64 of bytes (what reads return). */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Base64 of a string's UTF-8 bytes (how `stringData` enters `data`). */
export function encodeString(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/**
 * The decoded bytes of every `data` entry (null values as empty). Meant for normalized objects: a value
 * that is not valid base64 falls back to Node's lenient decoder rather than throwing.
 */
export function decodeData(data: unknown): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return out;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') {
      out.set(k, Buffer.alloc(0));
      continue;
    }
    try {
      out.set(k, decodeBase64(v));
    } catch (e: unknown) {
      if (!(e instanceof Base64Error)) throw e;
      out.set(k, Buffer.from(v, 'base64'));
    }
  }
  return out;
}
