/**
 * Go's `encoding/json` errors: the syntax error of its scanner (checkValid), which kube-apiserver puts
 * in the 400 for a malformed JSON body, and the error of `json.Unmarshal(data, &map[string]any{})`, used
 * for the `.dockercfg` and `.dockerconfigjson` checks whose messages end up in 422 responses. A
 * byte-level state machine with the same states and texts as Go's scanner, followed by the two decode
 * errors a map target can produce: a non-object top-level value and a number out of float64 range.
 */

/** `'x'` the way Go's scanner quotes an offending byte (quoteChar). */
export function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' };
  const name = named[c];
  if (name !== undefined) return `'${name}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // Go turns the byte into the rune U+00XX; C1 controls, NBSP and the soft hyphen are not printable.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

class SyntaxError_ extends Error {}

type Ctx = 'key' | 'value' | 'array';
type State = (s: Scanner, c: number) => void;

interface Scanner {
  step: State;
  stack: Ctx[];
  endTop: boolean;
  /** Current byte offset, and where the number being scanned started. */
  pos: number;
  numStart: number;
  data: Uint8Array;
  /** First number that does not fit a float64, as Go's decoder would report it. */
  overflow?: string;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const ch = (s: string): number => s.charCodeAt(0);

function fail(c: number, context: string): never {
  throw new SyntaxError_(`invalid character ${quoteChar(c)} ${context}`);
}

function endTop(_s: Scanner, c: number): void {
  if (!isSpace(c)) fail(c, 'after top-level value');
}

function endValue(s: Scanner, c: number): void {
  const top = s.stack.length - 1;
  if (top < 0) {
    s.step = endTop;
    s.endTop = true;
    endTop(s, c);
    return;
  }
  if (isSpace(c)) {
    s.step = endValue;
    return;
  }
  const ctx = s.stack[top];
  if (ctx === 'key') {
    if (c !== ch(':')) fail(c, 'after object key');
    s.stack[top] = 'value';
    s.step = beginValue;
  } else if (ctx === 'value') {
    if (c === ch(',')) {
      s.stack[top] = 'key';
      s.step = beginString;
    } else if (c === ch('}')) popContext(s);
    else fail(c, 'after object key:value pair');
  } else {
    if (c === ch(',')) s.step = beginValue;
    else if (c === ch(']')) popContext(s);
    else fail(c, 'after array element');
  }
}

function popContext(s: Scanner): void {
  s.stack.pop();
  if (s.stack.length === 0) {
    s.step = endTop;
    s.endTop = true;
  } else s.step = endValue;
}

function beginValueOrEmpty(s: Scanner, c: number): void {
  if (isSpace(c)) return;
  if (c === ch(']')) endValue(s, c);
  else beginValue(s, c);
}

function beginStringOrEmpty(s: Scanner, c: number): void {
  if (isSpace(c)) return;
  if (c === ch('}')) {
    s.stack[s.stack.length - 1] = 'value';
    endValue(s, c);
  } else beginString(s, c);
}

function beginString(s: Scanner, c: number): void {
  if (isSpace(c)) return;
  if (c !== ch('"')) fail(c, 'looking for beginning of object key string');
  s.step = inString;
}

const LITERALS: Record<string, string> = { t: 'true', f: 'false', n: 'null' };
/** Go's `maxNestingDepth`. */
const MAX_NESTING_DEPTH = 10000;

function beginValue(s: Scanner, c: number): void {
  if (isSpace(c)) return;
  const literal = LITERALS[String.fromCharCode(c)];
  // Go's scanner refuses nesting beyond 10000 levels.
  if ((c === ch('{') || c === ch('[')) && s.stack.length >= MAX_NESTING_DEPTH) fail(c, 'exceeded max depth');
  if (c === ch('{')) {
    s.stack.push('key');
    s.step = beginStringOrEmpty;
  } else if (c === ch('[')) {
    s.stack.push('array');
    s.step = beginValueOrEmpty;
  } else if (c === ch('"')) s.step = inString;
  else if (c === ch('-') || isDigit(c)) {
    s.numStart = s.pos;
    s.step = c === ch('-') ? neg : c === ch('0') ? zero : one;
  } else if (literal !== undefined) s.step = inLiteral(literal, 1);
  else fail(c, 'looking for beginning of value');
}

function inString(s: Scanner, c: number): void {
  if (c === ch('"')) s.step = endValue;
  else if (c === ch('\\')) s.step = inStringEsc;
  else if (c < 0x20) fail(c, 'in string literal');
}

function inStringEsc(s: Scanner, c: number): void {
  if ('bfnrt\\/"'.includes(String.fromCharCode(c))) s.step = inString;
  else if (c === ch('u')) s.step = inUnicode(4);
  else fail(c, 'in string escape code');
}

function inUnicode(left: number): State {
  return (s, c) => {
    if (!isHex(c)) fail(c, 'in \\u hexadecimal character escape');
    s.step = left === 1 ? inString : inUnicode(left - 1);
  };
}

function inLiteral(word: string, index: number): State {
  return (s, c) => {
    const want = word.charCodeAt(index);
    if (c !== want) fail(c, `in literal ${word} (expecting '${word.charAt(index)}')`);
    s.step = index === word.length - 1 ? endValue : inLiteral(word, index + 1);
  };
}

/** A number ended just before the current byte: remember it if Go could not parse it as float64. */
function endNumber(s: Scanner, c: number): void {
  const text = Buffer.from(s.data.subarray(s.numStart, s.pos)).toString('latin1');
  if (s.overflow === undefined && !Number.isFinite(Number(text))) s.overflow = text;
  endValue(s, c);
}

function neg(s: Scanner, c: number): void {
  if (c === ch('0')) s.step = zero;
  else if (isDigit(c)) s.step = one;
  else fail(c, 'in numeric literal');
}

function one(s: Scanner, c: number): void {
  if (isDigit(c)) return;
  zero(s, c);
}

function zero(s: Scanner, c: number): void {
  if (c === ch('.')) s.step = dot;
  else if (c === ch('e') || c === ch('E')) s.step = exp;
  else endNumber(s, c);
}

function dot(s: Scanner, c: number): void {
  if (!isDigit(c)) fail(c, 'after decimal point in numeric literal');
  s.step = dot0;
}

function dot0(s: Scanner, c: number): void {
  if (isDigit(c)) return;
  if (c === ch('e') || c === ch('E')) s.step = exp;
  else endNumber(s, c);
}

function exp(s: Scanner, c: number): void {
  if (c === ch('+') || c === ch('-')) s.step = expSign;
  else expSign(s, c);
}

function expSign(s: Scanner, c: number): void {
  if (!isDigit(c)) fail(c, 'in exponent of numeric literal');
  s.step = exp0;
}

function exp0(s: Scanner, c: number): void {
  if (isDigit(c)) return;
  endNumber(s, c);
}

/** Go's checkValid: the first syntax error, including the quirky ones at end of input. */
function scan(data: Uint8Array): Scanner {
  const s: Scanner = { step: beginValue, stack: [], endTop: false, pos: 0, numStart: 0, data };
  for (; s.pos < data.length; s.pos++) s.step(s, data[s.pos] ?? 0);
  if (!s.endTop) s.step(s, 0x20);
  if (!s.endTop) throw new SyntaxError_('unexpected end of JSON input');
  return s;
}

const TOP_LEVEL_KIND: Record<string, string> = { '[': 'array', '"': 'string', t: 'bool', f: 'bool' };

/** Go's syntax error for `data` (`invalid character 'a' looking for beginning of value`), or undefined when it is valid JSON. */
export function goJsonSyntaxError(data: Uint8Array): string | undefined {
  try {
    scan(data);
    return undefined;
  } catch (e: unknown) {
    if (e instanceof SyntaxError_) return e.message;
    throw e;
  }
}

/**
 * The error text of Go's `json.Unmarshal(data, &map[string]any{})`, or undefined when it succeeds
 * (`null` included).
 */
export function goUnmarshalMapError(data: Uint8Array): string | undefined {
  let s: Scanner;
  try {
    s = scan(data);
  } catch (e: unknown) {
    if (e instanceof SyntaxError_) return e.message;
    throw e;
  }
  const first = data.find((c) => !isSpace(c)) ?? 0;
  const kind = TOP_LEVEL_KIND[String.fromCharCode(first)] ?? (first === ch('-') || isDigit(first) ? 'number' : undefined);
  if (kind !== undefined) return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
  if (s.overflow !== undefined) return `json: cannot unmarshal number ${s.overflow} into Go value of type float64`;
  return undefined;
}

/** Go's name of a decoded JSON value's type in its unmarshal errors. */
export function goValueKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * The error kube-apiserver's decoder gives a body that is not a JSON object (nor null): it reads the
 * type meta into a struct first.
 */
export function typeMetaTargetError(value: unknown): string {
  return `couldn't get version/kind; json parse error: json: cannot unmarshal ${goValueKind(value)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
}

/**
 * The error kube-apiserver's decoder gives a body whose `apiVersion` or `kind` is neither a string nor
 * null (it reads both into strings to find the kind before anything else), for the first such field in
 * the body's order; undefined when there is none.
 */
export function typeMetaUnmarshalError(body: Record<string, unknown>): string | undefined {
  for (const [field, v] of Object.entries(body)) {
    if ((field !== 'apiVersion' && field !== 'kind') || v === null || typeof v === 'string') continue;
    return `couldn't get version/kind; json parse error: json: cannot unmarshal ${goValueKind(v)} into Go struct field .${field} of type string`;
  }
  return undefined;
}

/**
 * `json.Marshal` of a value that JSON.stringify writes the same way apart from escaping: Go also
 * escapes `<`, `>` and `&` (as \u003c, \u003e, \u0026) and U+2028/U+2029, which only occur inside strings.
 */
export function goJsonMarshal(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
