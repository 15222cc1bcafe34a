/**
 * Strict decoding of an `apiserver.config.k8s.io/v1` `EncryptionConfiguration` from YAML or JSON text,
 * like kube-apiserver's strict codec: unknown and duplicate fields are errors, and so is an empty file.
 * Defaults (KMS only) are applied as upstream `SetDefaults_KMSConfiguration` does. Semantic validation
 * lives in `validation.ts`.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { textPosition } from '../../apimachinery/yaml.js';

/** API version and kind accepted by {@link decodeEncryptionConfiguration}. */
export const ENCRYPTION_CONFIG_API_VERSION = 'apiserver.config.k8s.io/v1';
export const ENCRYPTION_CONFIG_KIND = 'EncryptionConfiguration';

/** One named key; `secret` is still base64 (validated later). */
export interface KeyConfiguration {
  name: string;
  secret: string;
}

/** Key list of aescbc, aesgcm and secretbox. */
export interface KeysConfiguration {
  keys: KeyConfiguration[];
}

/** KMS settings after defaulting (validated, then rejected: garden-apiserver has no KMS support). */
export interface KMSConfiguration {
  apiVersion: string;
  name: string;
  /** Absent for v2 unless set in the file. */
  cachesize?: number;
  endpoint: string;
  /** Timeout in milliseconds (default 3 s). */
  timeoutMs: number;
}

/** One element of a provider list: exactly one member is expected (validation checks it). */
export interface ProviderConfiguration {
  identity?: Record<string, never>;
  aescbc?: KeysConfiguration;
  aesgcm?: KeysConfiguration;
  secretbox?: KeysConfiguration;
  kms?: KMSConfiguration;
}

/** One entry of the top-level `resources` list. */
export interface ResourceConfiguration {
  resources: string[];
  providers: ProviderConfiguration[];
}

/** The decoded file. */
export interface EncryptionConfiguration {
  apiVersion: string;
  kind: string;
  resources: ResourceConfiguration[];
}

/** Result of decoding: the object, or the list of problems found (all of them). */
export type DecodeResult = { ok: true; config: EncryptionConfiguration } | { ok: false; errors: string[] };

type Obj = Record<string, unknown>;

const MAX_DEPTH = 64;

class Decoder {
  readonly errors: string[] = [];

  fail(path: string, message: string): undefined {
    this.errors.push(path === '' ? message : `${path}: ${message}`);
    return undefined;
  }

  /** An object with only `allowed` fields; null/absent → undefined. */
  object(v: unknown, path: string, allowed: readonly string[]): Obj | undefined {
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(path, `expected an object, got ${kindOf(v)}`);
    const o = v as Obj;
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.errors.push(`strict decoding error: unknown field "${join(path, k)}"`);
    }
    return o;
  }

  list(v: unknown, path: string): unknown[] {
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) return this.fail(path, `expected a list, got ${kindOf(v)}`) ?? [];
    return v;
  }

  string(v: unknown, path: string): string {
    if (v === null || v === undefined) return '';
    if (typeof v !== 'string') return this.fail(path, `expected a string, got ${kindOf(v)}`) ?? '';
    return v;
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'object' : typeof v;
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

/** YAML AST → plain values, reporting duplicate map keys with their path. */
function toPlain(node: unknown, path: string, doc: Document, d: Decoder, depth = 0): unknown {
  if (depth > MAX_DEPTH) return d.fail(path, 'document is nested too deeply');
  if (isAlias(node)) return toPlain(node.resolve(doc), path, doc, d, depth + 1);
  if (isScalar(node)) return node.value;
  if (isSeq(node)) return node.items.map((item, i) => toPlain(item, `${path}[${i}]`, doc, d, depth + 1));
  if (isMap(node)) {
    const out: Obj = Object.create(null) as Obj;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) {
        d.fail(path, 'map keys must be strings');
        continue;
      }
      if (Object.hasOwn(out, key)) d.errors.push(`strict decoding error: duplicate field "${join(path, key)}"`);
      out[key] = toPlain(pair.value, join(path, key), doc, d, depth + 1);
    }
    return out;
  }
  return node === undefined ? null : node;
}

/**
 * Decodes YAML or JSON text strictly. `source` names the file in messages. Never throws; never puts
 * file content (secrets) into messages.
 */
export function decodeEncryptionConfiguration(text: string, source = 'encryption configuration'): DecodeResult {
  if (text.length === 0) return { ok: false, errors: [`encryption provider configuration file "${source}" is empty`] };
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => `yaml: ${e.message} at ${textPosition(text, e.pos[0])}`) };
  }
  const d = new Decoder();
  let raw: unknown;
  try {
    raw = toPlain(doc.contents, '', doc, d);
  } catch (e: unknown) {
    return { ok: false, errors: [`yaml: ${e instanceof Error ? e.message : String(e)}`] };
  }
  if (raw === null || raw === undefined) {
    return { ok: false, errors: [`encryption provider configuration file "${source}" is empty`] };
  }
  const config = decodeTop(raw, d);
  return d.errors.length > 0 || config === undefined ? { ok: false, errors: d.errors } : { ok: true, config };
}

function decodeTop(raw: unknown, d: Decoder): EncryptionConfiguration | undefined {
  const o = d.object(raw, '', ['apiVersion', 'kind', 'resources']);
  if (o === undefined) return undefined;
  const apiVersion = d.string(o['apiVersion'], 'apiVersion');
  const kind = d.string(o['kind'], 'kind');
  if (kind === '') d.fail('kind', "Object 'Kind' is missing");
  else if (kind !== ENCRYPTION_CONFIG_KIND) d.fail('kind', `expected "${ENCRYPTION_CONFIG_KIND}", got "${kind}"`);
  if (apiVersion !== ENCRYPTION_CONFIG_API_VERSION) {
    d.fail('apiVersion', `expected "${ENCRYPTION_CONFIG_API_VERSION}", got "${apiVersion}"`);
  }
  const resources = d.list(o['resources'], 'resources').map((r, i) => decodeResource(r, `resources[${i}]`, d));
  return { apiVersion, kind, resources };
}

function decodeResource(raw: unknown, path: string, d: Decoder): ResourceConfiguration {
  const o = d.object(raw, path, ['resources', 'providers']) ?? {};
  const resources = d.list(o['resources'], `${path}.resources`).map((r, i) => d.string(r, `${path}.resources[${i}]`));
  const providers = d.list(o['providers'], `${path}.providers`).map((p, i) => decodeProvider(p, `${path}.providers[${i}]`, d));
  return { resources, providers };
}

function decodeProvider(raw: unknown, path: string, d: Decoder): ProviderConfiguration {
  const o = d.object(raw, path, ['identity', 'aescbc', 'aesgcm', 'secretbox', 'kms']) ?? {};
  const out: ProviderConfiguration = {};
  if (d.object(o['identity'], `${path}.identity`, []) !== undefined) out.identity = {};
  for (const kind of ['aescbc', 'aesgcm', 'secretbox'] as const) {
    const keys = decodeKeys(o[kind], `${path}.${kind}`, d);
    if (keys !== undefined) out[kind] = keys;
  }
  const kms = decodeKMS(o['kms'], `${path}.kms`, d);
  if (kms !== undefined) out.kms = kms;
  return out;
}

function decodeKeys(raw: unknown, path: string, d: Decoder): KeysConfiguration | undefined {
  const o = d.object(raw, path, ['keys']);
  if (o === undefined) return undefined;
  const keys = d.list(o['keys'], `${path}.keys`).map((k, i) => {
    const kp = `${path}.keys[${i}]`;
    const ko = d.object(k, kp, ['name', 'secret']) ?? {};
    return { name: d.string(ko['name'], `${kp}.name`), secret: d.string(ko['secret'], `${kp}.secret`) };
  });
  return { keys };
}

const DEFAULT_KMS_TIMEOUT_MS = 3000;
const DEFAULT_KMS_CACHE_SIZE = 1000;

function decodeKMS(raw: unknown, path: string, d: Decoder): KMSConfiguration | undefined {
  const o = d.object(raw, path, ['apiVersion', 'name', 'cachesize', 'endpoint', 'timeout']);
  if (o === undefined) return undefined;
  const apiVersion = d.string(o['apiVersion'], `${path}.apiVersion`) || 'v1';
  const out: KMSConfiguration = {
    apiVersion,
    name: d.string(o['name'], `${path}.name`),
    endpoint: d.string(o['endpoint'], `${path}.endpoint`),
    timeoutMs: DEFAULT_KMS_TIMEOUT_MS,
  };
  const cache = o['cachesize'];
  if (cache !== null && cache !== undefined) {
    if (typeof cache !== 'number' || !Number.isInteger(cache)) d.fail(`${path}.cachesize`, `expected an integer, got ${kindOf(cache)}`);
    else out.cachesize = cache;
  } else if (apiVersion === 'v1') {
    out.cachesize = DEFAULT_KMS_CACHE_SIZE;
  }
  const timeout = o['timeout'];
  if (timeout !== null && timeout !== undefined) {
    const ms = typeof timeout === 'string' ? parseGoDuration(timeout) : undefined;
    if (ms === undefined) d.fail(`${path}.timeout`, `invalid duration ${JSON.stringify(timeout)}`);
    else out.timeoutMs = ms;
  }
  return out;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go `time.Duration` string (`3s`, `1m30s`, `-1.5h`, `0`) into milliseconds. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([+-]?)(.*)$/su.exec(s);
  const sign = m?.[1] === '-' ? -1 : 1;
  const rest = m?.[2] ?? '';
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/guy;
  let total = 0;
  let consumed = 0;
  for (let p = part.exec(rest); p !== null; p = part.exec(rest)) {
    total += Number(p[1]) * (DURATION_UNITS[p[2] ?? ''] ?? Number.NaN);
    consumed = part.lastIndex;
  }
  return consumed === rest.length && Number.isFinite(total) ? sign * total : undefined;
}
