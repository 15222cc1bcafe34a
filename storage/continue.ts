/**
 * Kubernetes list continue tokens (k8s.io/apiserver `storage.EncodeContinue`/`DecodeContinue`):
 * base64 RawURL (no padding) of `{"v":"meta.k8s.io/v1","rv":<int64>,"start":"<key minus prefix>"}`.
 * The `start` is the key the next page starts at (the last returned key followed by `\u0000`), relative
 * to the list's key prefix. `rv` is the revision the first page was read at; `-1` means "latest".
 */
import { goJsonSyntaxError } from '../apimachinery/gojson.js';
import { InvalidRequestError } from './errors.js';

const TOKEN_VERSION = 'meta.k8s.io/v1';

const GENERIC_INVALID = 'continue key is not valid';
const INVALID_START_RV = `${GENERIC_INVALID}: incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`;
const EMPTY_START_KEY = `${GENERIC_INVALID}: encoded start key empty (version ${TOKEN_VERSION})`;
const UNRECOGNIZED_VERSION = `${GENERIC_INVALID}: server does not recognize this encoded version`;

/** A decoded continue token. */
export interface ContinuePosition {
  /** Full key the next page starts at (`keyPrefix` + the token's start). */
  startKey: string;
  /** Revision to read at; `-1` means the latest revision. Never 0. */
  revision: number;
}

/**
 * Encodes the token for the page starting at `key`, which must start with `keyPrefix`.
 * @throws Error when `key` does not start with `keyPrefix`.
 */
export function encodeContinue(key: string, keyPrefix: string, revision: number): string {
  if (!key.startsWith(keyPrefix) || key === keyPrefix) {
    throw new Error('unable to encode next field: the key and key prefix do not match');
  }
  const json = goJSONEscape(JSON.stringify({ v: TOKEN_VERSION, rv: revision, start: key.slice(keyPrefix.length) }));
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Decodes a token for a list of `keyPrefix`.
 * @throws InvalidRequestError `invalid continue token: ...` with Kubernetes' messages.
 */
export function decodeContinue(token: string, keyPrefix: string): ContinuePosition {
  try {
    return decodeUnchecked(token, keyPrefix);
  } catch (e: unknown) {
    const message = e instanceof Error ? e.message : String(e);
    throw new InvalidRequestError(`invalid continue token: ${message}`, keyPrefix);
  }
}

function decodeUnchecked(token: string, keyPrefix: string): ContinuePosition {
  const fields = parseTokenJSON(decodeRawURLBase64(token));
  if (fields.v !== TOKEN_VERSION) throw new Error(`${UNRECOGNIZED_VERSION} ${fields.v}`);
  if (fields.rv === 0) throw new Error(INVALID_START_RV);
  if (fields.start === '') throw new Error(EMPTY_START_KEY);
  const key = fields.start.startsWith('/') ? fields.start : `/${fields.start}`;
  if (cleanRootedPath(key) !== key) throw new Error(`${GENERIC_INVALID}: ${fields.start}`);
  return { startKey: keyPrefix + key.slice(1), revision: fields.rv };
}

/** Go's `base64.RawURLEncoding.DecodeString`: URL alphabet, no padding, strict about stray bytes. */
function decodeRawURLBase64(token: string): Buffer {
  const bad = token.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) throw new Error(`${GENERIC_INVALID}: illegal base64 data at input byte ${bad}`);
  if (token.length % 4 === 1) throw new Error(`${GENERIC_INVALID}: illegal base64 data at input byte ${token.length - 1}`);
  return Buffer.from(token, 'base64url');
}

interface TokenFields {
  v: string;
  rv: number;
  start: string;
}

/** Parses the token JSON like Go's `json.Unmarshal` into the token struct (absent fields are zero). */
function parseTokenJSON(json: Buffer): TokenFields {
  // Go checks the bytes first: its syntax errors, offending byte included, name the problem.
  const syntax = goJsonSyntaxError(json);
  if (syntax !== undefined) throw new Error(`${GENERIC_INVALID}: ${syntax}`);
  const parsed: unknown = JSON.parse(json.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${GENERIC_INVALID}: json: cannot unmarshal ${jsonKind(parsed)} into Go value of type storage.continueToken`);
  }
  const record = parsed as Record<string, unknown>;
  return {
    v: stringField(record, 'v'),
    rv: integerField(record),
    start: stringField(record, 'start'),
  };
}

function stringField(record: Record<string, unknown>, name: 'v' | 'start'): string {
  const value = record[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw new Error(`${GENERIC_INVALID}: json: cannot unmarshal ${jsonKind(value)} into Go struct field continueToken.${name} of type string`);
  }
  return value;
}

function integerField(record: Record<string, unknown>): number {
  const value = record['rv'];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new Error(`${GENERIC_INVALID}: json: cannot unmarshal ${jsonKind(value)} into Go struct field continueToken.rv of type int64`);
  }
  return value;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  return 'object';
}

/** Go's `path.Clean` for a path starting with `/`. */
export function cleanRootedPath(p: string): string {
  const out: string[] = [];
  for (const segment of p.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/** Escapes what Go's `json.Marshal` escapes beyond `JSON.stringify`: `<`, `>`, `&`, U+2028, U+2029. */
function goJSONEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
