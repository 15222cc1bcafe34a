/**
 * Static bearer tokens from `--token-auth-file`, in Kubernetes' CSV format:
 * `token,user,uid[,"group1,group2,..."]` per line (RFC 4180 quoting, as Go's encoding/csv reads it).
 * No CSV library is installed, so a small parser with Go's rules lives here.
 */
import { readFileSync } from 'node:fs';
import type { UserInfo } from '../../registry/types.js';
import type { TokenAuthenticator } from './bearer.js';

/** A CSV syntax error, with its 1-based line. */
export class CsvError extends Error {
  override name = 'CsvError';
}

interface CsvState {
  text: string;
  pos: number;
  line: number;
}

function quotedField(s: CsvState): string {
  const startLine = s.line;
  let value = '';
  s.pos++; // opening quote
  for (;;) {
    const q = s.text.indexOf('"', s.pos);
    if (q < 0) throw new CsvError(`record on line ${startLine}: extraneous or missing " in quoted-field`);
    const chunk = s.text.slice(s.pos, q);
    s.line += chunk.split('\n').length - 1;
    value += chunk;
    s.pos = q + 1;
    if (s.text[s.pos] === '"') {
      value += '"';
      s.pos++;
      continue;
    }
    const next = s.text[s.pos];
    if (next === undefined || next === ',' || next === '\n') return value;
    throw new CsvError(`record on line ${startLine}: extraneous or missing " in quoted-field`);
  }
}

function plainField(s: CsvState): string {
  let end = s.pos;
  while (end < s.text.length && s.text[end] !== ',' && s.text[end] !== '\n') end++;
  const value = s.text.slice(s.pos, end);
  if (value.includes('"')) throw new CsvError(`record on line ${s.line}: bare " in non-quoted-field`);
  s.pos = end;
  return value;
}

function record(s: CsvState): string[] {
  const fields: string[] = [];
  for (;;) {
    fields.push(s.text[s.pos] === '"' ? quotedField(s) : plainField(s));
    const sep = s.text[s.pos];
    s.pos++;
    if (sep !== ',') {
      s.line++;
      return fields;
    }
  }
}

/** Parses CSV text into records (empty lines skipped, `\r\n` accepted, variable field counts). */
export function parseCsv(text: string): string[][] {
  const s: CsvState = { text: text.replace(/\r\n/g, '\n'), pos: 0, line: 1 };
  const records: string[][] = [];
  while (s.pos < s.text.length) {
    if (s.text[s.pos] === '\n') {
      s.pos++;
      s.line++;
      continue;
    }
    records.push(record(s));
  }
  return records;
}

/**
 * Token -> user of a token file's content. Rows need at least 3 columns (token, user name, uid; an
 * error otherwise); rows with an empty token are skipped; a later duplicate token wins; the optional
 * 4th column is a comma-separated group list (empty entries dropped).
 */
export function parseTokenFile(text: string, path = 'token file'): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (e: unknown) {
    throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const r of records) {
    if (r.length < 3) throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${r.length}`);
    const [token = '', name = '', uid = '', groups] = r;
    if (token === '') continue;
    const user: UserInfo = { name, groups: groups === undefined ? [] : groups.split(',').filter((g) => g !== '') };
    if (uid !== '') user.uid = uid;
    tokens.set(token, user);
  }
  return tokens;
}

/** A token authenticator over a parsed token map: unknown tokens -> null. */
export function staticTokenAuthenticator(tokens: ReadonlyMap<string, UserInfo>): TokenAuthenticator {
  return {
    async authenticateToken(token) {
      const user = tokens.get(token);
      return user === undefined ? null : { ...user, groups: [...user.groups] };
    },
  };
}

/** Reads `--token-auth-file` once (as Kubernetes does) and authenticates its tokens. Throws when it cannot be read or parsed. */
export function tokenFileAuthenticator(path: string): TokenAuthenticator {
  return staticTokenAuthenticator(parseTokenFile(readFileSync(path, 'utf8'), path));
}
