/**
 * The request generator of the fuzz test. Request `i` of seed `s` is a pure function of (s, i) and the
 * known state, so any request can be rebuilt and replayed on its own (`FUZZ_ONLY`).
 *
 * Safety: requests sent as the admin could legitimately change data. Every admin request with a
 * method other than GET/HEAD therefore carries, first in its query, either `dryRun=All`, or a bogus
 * `dryRun` value (422 before anything is done), or it has a non-empty body that is not JSON under a
 * content type the server parses as JSON (400 before anything is done). The snapshot comparison after
 * the run then also proves that dry runs and rejected requests wrote nothing.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { corruptText, deepNest, fromValue, hostileValue, HOSTILE_KEYS, hugeString, isSyntaxError, mutateTree, obj, raw, serialize, type JsonNode } from './json.js';
import { deriveSeed, Rng } from './prng.js';
import { KUBECONFIG_SHOOT, NAMESPACES, RESOURCES, type FuzzResource, type KnownObject } from './state.js';

/** Who sends a request. */
export type Identity = 'admin' | 'anonymous' | 'forged';

/** Why an admin request cannot change stored data (see the module comment). */
export type Guard = 'read' | 'dryRun' | 'poisonParam' | 'poisonBody' | 'unprivileged';

/** One generated request. */
export interface FuzzRequest {
  index: number;
  identity: Identity;
  method: string;
  /** Path and query exactly as sent. */
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer | undefined;
  category: string;
  notes: string[];
  guard: Guard;
  /** Sent on a connection of its own (it may leave a connection unusable). */
  isolate: boolean;
  /** The request sets `?timeout=`, so a 504 Timeout is a legitimate answer. */
  clientDeadline: boolean;
  /** Closing the connection without an answer is acceptable (CONNECT). */
  mayDrop: boolean;
}

/** What the generator knows about the server's state. */
export interface FuzzContext {
  objects: readonly KnownObject[];
  /** Real continue tokens obtained during set-up (mutated by the generator). */
  continueTokens: readonly string[];
}

/** Largest body the server accepts. */
const MAX_BODY = 3 * 1024 * 1024;

const GROUPS = ['core.gardener.cloud', 'operator.gardener.cloud'] as const;
const ODD_GROUPS = ['CORE.gardener.cloud', 'core.gardener.cloud.', 'apps', 'authentication.gardener.cloud', 'meta.k8s.io', '', '.', '..', 'core.gardener.cloud%00', '%63ore.gardener.cloud', 'core%2Egardener%2Ecloud', '%ZZ', 'x'.repeat(300)];
const ODD_VERSIONS = ['v1', 'v2', 'V1BETA1', 'v1beta1%00', 'v1beta1.', '', '..', '%76%31beta1', 'v1beta1;x', 'latest'];
const ODD_RESOURCES = ['Shoots', 'shoot', 'secrets', 'namespaces', 'internalsecrets.core.gardener.cloud', '*', '..', 'watch', 'status', 'INTERNALSECRETS', 'internalsecrets%00', 'gardens%2Fstatus', 'shoots;x', '__proto__', 'constructor', 'hasOwnProperty', 'toString'];
const ODD_SUBRESOURCES = ['Status', 'scale', 'proxy', 'exec', 'log', 'binding', 'adminKubeconfig', 'status%00', '..', '.', '__proto__', 'constructor', 'toString'];
/** Odd names in decoded form (encoded by the path builder). */
const ODD_NAMES = ['', '.', '..', 'a/b', '../../etc', 'UPPER', 'with.dots', 'x'.repeat(254), 'x'.repeat(4000), '\u0000', 'ä', '🙂', 'a b', 'name;x', '~', '$', '@', '*', '\\', '-', 'a..b', '%', 'metadata', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'watch', 'namespaces', 'secret-1/status', 'shoot-1/adminkubeconfig', '\ud800', '\u202e', '?', '#', 'a?b=c', 'x#frag'];
/** Segments sent verbatim (already-encoded or malformed escapes, raw high bytes). */
const RAW_SEGMENTS = ['%ZZ', '%', '%E0%A4%A', '%C0%AF', '%2e%2e', '%2E', '%00', '%u0041', '%252F', '%2F', '%5C', '..%2F..%2F', ';', '%3B', '\u00e4', '\u00ff', '%ff', '%FF%FE', '%F0%9F', '%C3%A4', '%E2%80%AE', '%EF%BB%BF', '%0A', '%0D%0A', '%20', '+', '%2B'];
const NON_RESOURCE_PATHS = [
  '/',
  '/healthz',
  '/healthz/ping',
  '/healthz/storage',
  '/healthz/nope',
  '/readyz',
  '/readyz/shutdown',
  '/readyz/ping',
  '/livez',
  '/livez/',
  '/version',
  '/version/',
  '/metrics',
  '/openapi/v2',
  '/openapi/v3',
  '/openapi/v3/',
  '/openapi/v3/apis/core.gardener.cloud/v1beta1',
  '/openapi/v3/apis/operator.gardener.cloud/v1alpha1',
  '/openapi/v3/apis/core.gardener.cloud',
  '/openapi/v3/apis/x/y/z',
  '/openapi/v3/apis%2Fcore.gardener.cloud%2Fv1beta1',
  '/openapi/v3/apis/core.gardener.cloud/v1beta1/../../operator.gardener.cloud/v1alpha1',
  '/openapi/v2/..',
  '/apis',
  '/apis/',
  '/apis/core.gardener.cloud',
  '/apis/core.gardener.cloud/',
  '/apis/core.gardener.cloud/v1beta1',
  '/apis/operator.gardener.cloud/v1alpha1',
  '/apis/core.gardener.cloud/v1alpha1',
  '/apis/nope.example.com',
  '/api',
  '/api/v1',
  '/api/v1/namespaces/default/secrets',
  '/debug/pprof/',
  '/.well-known/openid-configuration',
  '/favicon.ico',
  '/index.html',
  '/logs/',
  '/healthz/../apis/core.gardener.cloud/v1beta1/internalsecrets',
  '/apis/core.gardener.cloud/v1beta1/../../../healthz',
  '/apis/core.gardener.cloud/v1beta1/internalsecrets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/healthz',
  '//healthz',
  '//apis/core.gardener.cloud/v1beta1/internalsecrets',
  '///apis',
  '/%2e/apis',
  '/apis/%2e%2e/healthz',
  '/healthz%2F..%2Fapis',
  '/healthz;/../apis/core.gardener.cloud/v1beta1/shoots',
  '*',
  'http://127.0.0.1/apis/core.gardener.cloud/v1beta1/internalsecrets',
  'https://evil.example.com/healthz',
  'http://[bad/apis',
  '/\u00e4\u00ff',
  '/%ZZ',
  '/apis/%ZZ',
  '/openapi/v3/%ZZ',
  '/healthz/%ZZ',
];

const STANDARD_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const ODD_METHODS = ['TRACE', 'PROPFIND', 'MKCOL', 'SEARCH', 'PURGE', 'LINK', 'UNLINK', 'QUERY', 'M-SEARCH', 'REPORT', 'LOCK', 'BREW', 'FOO', 'GETS', 'PRI', 'X'.repeat(64), 'CONNECT'];

const ACCEPTS = [
  'application/json',
  '*/*',
  '',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v2;g=meta.k8s.io',
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
  'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/yaml;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList, text/html',
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'text/html',
  ';;;',
  'application/json;q=abc',
  'application/json; charset=utf-8; as="Table"; v=v1; g=meta.k8s.io',
  'application/json;as=Table;g=meta.k8s.io;v=v1;as=Table',
  ','.repeat(500),
  'application/json;as=__proto__;g=meta.k8s.io;v=v1',
  'application/json;__proto__=x;constructor=y',
  'application/json;as=Table;v=v1;g=meta.k8s.io;includeObject=Object',
  'a/b;'.repeat(300),
  '\u00e4/\u00ff',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/vnd.kubernetes.protobuf',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  '',
  'application/json;;',
  ';',
  'application/json; charset=utf-16',
  '*/*',
  'application/json-patch+json; charset=bogus',
  'x'.repeat(2000),
  'application/merge-patch+json, application/json',
  'application/json;__proto__=1',
];

const LABEL_SELECTORS = ['a=b', 'app==fuzz', 'app!=fuzz', 'app in (fuzz,other)', 'app notin (fuzz)', 'app', '!app', 'a in ()', 'a in (', '=', '==', '!', '!!a', 'a=b,', ',', 'a=b,,c=d', 'a in (x,,y)', 'a>1', 'a<1', 'a gt 1', `${'x'.repeat(300)}=b`, `a=${'b'.repeat(100)}`, 'a/b/c=d', 'example.com/role=x', '-a=b', 'a=-b', 'a in (x) extra', 'ä=ö', '(', ')', 'a=(b)', '__proto__=x', 'constructor', 'a=b\u0000', Array.from({ length: 3000 }, (_, i) => `k${i}=v`).join(','), 'a in (' + 'x,'.repeat(5000) + 'x)'];
const FIELD_SELECTORS = ['metadata.name=secret-1', 'metadata.name==shoot-1', 'metadata.name!=x', 'metadata.namespace=garden-fuzz-a', 'spec.seedName=seed-a', 'status.seedName=', 'type=Opaque', 'metadata.uid=x', 'spec=1', '=x', 'metadata.name', 'metadata.name in (a,b)', 'metadata.name=a,metadata.name=b', 'metadata.name=a\\,b', 'metadata.name=\\', 'metadata.name=a\\', 'a=b=c', ',,', 'x'.repeat(5000), 'metadata.name=__proto__', 'spec.cloudProfile.Name=aws', 'spec.cloudProfile.name=aws', 'spec.cloudProfileName!=', 'metadata.name=%00', 'metadata.name=ä'];
const INT_VALUES = ['-1', '0', '1', '2', '500', 'abc', '1.5', '1e3', '99999999999999999999999', '9223372036854775807', '9223372036854775808', '-9223372036854775809', '', ' 1', '0x10', '+1', '00001', '2147483648', '4294967296', '1e309', 'NaN', 'Infinity', '-0', '١'];
const BOOL_VALUES = ['true', '1', 'false', '0', '', 'yes', 'TRUE', 'maybe', 'null', 'True'];
const RV_VALUES = ['', '0', '1', '-1', 'abc', '99999999999999999999', '1.5', '1e3', ' 1', '18446744073709551616', '9223372036854775807', '00', '0x1', '9007199254740993', 'null'];

/**
 * `encodeURIComponent` that also takes lone surrogates, encoding them as WTF-8 (`\ud800` becomes
 * `%ED%A0%80`, which is not valid UTF-8).
 */
function enc(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const next = s.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `%${(0xe0 | (c >> 12)).toString(16).toUpperCase()}%${(0x80 | ((c >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`;
    } else out += encodeURIComponent(s[i] ?? '');
  }
  return out;
}

/** A path segment from a decoded value: usually encoded, sometimes raw or over-encoded. */
function segment(rng: Rng, decoded: string): string {
  const mode = rng.weighted([
    [8, 'encode'],
    [1, 'raw'],
    [1, 'over'],
    [0.5, 'double'],
  ] as const);
  if (mode === 'encode') return enc(decoded);
  if (mode === 'over') return [...Buffer.from(decoded)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  if (mode === 'double') return encodeURIComponent(enc(decoded));
  // Raw: only what an HTTP client can put on a request line (latin1, no spaces or controls).
  return [...decoded].map((ch) => (/^[\u0021-\u00ff]$/.test(ch) ? ch : enc(ch))).join('');
}

/** A name for an object path: mostly known ones, sometimes odd. */
function objectName(rng: Rng, ctx: FuzzContext, r: FuzzResource): string {
  const known = ctx.objects.filter((o) => o.resource.resource === r.resource);
  if (known.length > 0 && rng.chance(0.6)) return enc(rng.pick(known).name);
  if (rng.chance(0.25)) return rng.pick(RAW_SEGMENTS);
  return segment(rng, rng.pick(ODD_NAMES));
}

/** A namespace path segment: mostly the known ones, sometimes odd. */
function namespaceSegment(rng: Rng, ctx: FuzzContext): string {
  if (rng.chance(0.7)) return rng.pick([...NAMESPACES, ...ctx.objects.map((o) => o.namespace).filter((n) => n !== '')]);
  if (rng.chance(0.3)) return rng.pick(RAW_SEGMENTS);
  return segment(rng, rng.pick(['default', 'kube-system', '', '..', '.', 'a/b', 'UPPER', 'x'.repeat(300), '\u0000', 'ä', '-', 'a..b', 'garden-dev/../garden-fuzz-a', 'ns space', '__proto__']));
}

/** Shape of a resource path. */
interface ResourcePathShape {
  r: FuzzResource;
  /** Namespace segment, or undefined for cluster-wide / cluster-scoped. */
  ns: string | undefined;
  name: string | undefined;
  sub: string | undefined;
}

/** Builds a resource path, mostly well-formed, sometimes subtly or grossly odd. */
function resourcePath(rng: Rng, ctx: FuzzContext, shape: ResourcePathShape, notes: string[]): string {
  const { r } = shape;
  const group = rng.chance(0.93) ? r.group : rng.pick(ODD_GROUPS);
  const version = rng.chance(0.93) ? r.version : rng.pick(ODD_VERSIONS);
  const resource = rng.chance(0.93) ? r.resource : rng.pick(ODD_RESOURCES);
  let p = `/apis/${group}/${version}`;
  if (rng.chance(0.04)) p += '/watch';
  if (shape.ns !== undefined) p += `/namespaces/${shape.ns}`;
  else if (rng.chance(0.05)) p += `/namespaces/${namespaceSegment(rng, ctx)}`;
  p += `/${resource}`;
  if (shape.name !== undefined) p += `/${shape.name}`;
  if (shape.sub !== undefined) p += `/${shape.sub}`;
  if (rng.chance(0.03)) p += `/${segment(rng, rng.pick(ODD_NAMES))}`;
  if (rng.chance(0.1)) {
    const odd = rng.pick(['trailingSlash', 'doubleSlash', 'dotSegment', 'dotDot', 'leadingDoubleSlash', 'upper', 'namespaceObject', 'apiPrefix'] as const);
    notes.push(`path:${odd}`);
    switch (odd) {
      case 'trailingSlash':
        p += '/';
        break;
      case 'doubleSlash':
        p = p.replace(/\/(?=[^/]*$)/, '//');
        break;
      case 'dotSegment':
        p = p.replace('/apis/', '/apis/./');
        break;
      case 'dotDot':
        p += rng.pick(['/..', '/../..', '/%2e%2e', '/../../../../healthz', '/x/..']);
        break;
      case 'leadingDoubleSlash':
        p = `/${p}`;
        break;
      case 'upper':
        // ASCII only: upper-casing some Latin-1 letters (ÿ -> Ÿ) leaves Latin-1, which no client can send.
        p = p.replace(/[a-z]+/g, (m) => m.toUpperCase());
        break;
      case 'namespaceObject':
        p = `/apis/${group}/${version}/namespaces/${namespaceSegment(rng, ctx)}`;
        break;
      case 'apiPrefix':
        p = p.replace('/apis/', '/api/');
        break;
    }
  }
  return p;
}

type QueryPair = [string, string];

/** Encodes one query pair: usually properly, sometimes raw (as far as a request line allows). */
function encodePair(rng: Rng, [k, v]: QueryPair): string {
  if (rng.chance(0.85)) return `${enc(k)}=${enc(v)}`;
  const rawish = (s: string) => [...s].map((ch) => (ch === ' ' ? '+' : /^[\u0021-\u00ff]$/.test(ch) ? ch : enc(ch))).join('');
  return rng.chance(0.2) ? rawish(k) : `${rawish(k)}=${rawish(v)}`;
}

/** Query parameters for a request of the given purpose. */
function queryPairs(rng: Rng, ctx: FuzzContext, purpose: 'list' | 'get' | 'write' | 'patch' | 'delete' | 'nonresource' | 'kubeconfig'): QueryPair[] {
  const pairs: QueryPair[] = [];
  const add = (p: number, k: string, values: readonly string[]) => {
    if (rng.chance(p)) pairs.push([k, rng.pick(values)]);
  };
  const rvs = [...RV_VALUES, ...ctx.objects.map((o) => o.resourceVersion)];
  if (purpose === 'list') {
    add(0.3, 'labelSelector', LABEL_SELECTORS);
    add(0.3, 'fieldSelector', FIELD_SELECTORS);
    add(0.25, 'limit', INT_VALUES);
    add(0.2, 'continue', continueValues(rng, ctx));
    add(0.2, 'resourceVersion', rvs);
    add(0.15, 'resourceVersionMatch', ['', 'Exact', 'NotOlderThan', 'exact', 'MostRecent', 'junk']);
    add(0.15, 'watch', BOOL_VALUES);
    add(0.1, 'allowWatchBookmarks', BOOL_VALUES);
    add(0.1, 'sendInitialEvents', BOOL_VALUES);
    add(0.15, 'timeoutSeconds', INT_VALUES);
    add(0.1, 'includeObject', ['None', 'Metadata', 'Object', 'junk', '']);
  }
  if (purpose === 'get') {
    add(0.3, 'resourceVersion', rvs);
    add(0.15, 'includeObject', ['None', 'Metadata', 'Object', 'junk', '']);
    add(0.1, 'watch', BOOL_VALUES);
    add(0.05, 'export', BOOL_VALUES);
  }
  if (purpose === 'write' || purpose === 'patch' || purpose === 'kubeconfig') {
    add(0.3, 'fieldValidation', ['Strict', 'Warn', 'Ignore', 'strict', '', 'junk', 'Strict,Warn']);
    add(0.2, 'fieldManager', ['kubectl', 'x'.repeat(200), 'a\u0001b', '', 'ä', 'kubectl-client-side-apply']);
    add(0.05, 'dryRun', ['All', 'all', '']);
  }
  if (purpose === 'patch') add(0.15, 'force', ['true', '', 'false', 'junk']);
  if (purpose === 'delete') {
    add(0.3, 'propagationPolicy', ['Orphan', 'Background', 'Foreground', 'orphan', '', 'junk']);
    add(0.3, 'gracePeriodSeconds', INT_VALUES);
    add(0.1, 'orphanDependents', BOOL_VALUES);
    add(0.1, 'labelSelector', LABEL_SELECTORS);
    add(0.1, 'fieldSelector', FIELD_SELECTORS);
  }
  if (purpose === 'nonresource') {
    add(0.2, 'verbose', ['', 'true', 'junk']);
    add(0.2, 'exclude', ['ping', 'storage', 'shutdown', '', 'nope', '__proto__']);
    add(0.15, 'hash', ['', 'junk', 'A'.repeat(128), '%ZZ']);
    add(0.05, 'timeout', ['1ms', '0', 'junk', '-1s', '1h', '1e309s']);
  }
  add(0.02, 'timeout', ['1ms', '0', 'junk', '-1s', '1h', '5s', '99999999999h']);
  add(0.04, 'pretty', BOOL_VALUES);
  if (rng.chance(0.06)) pairs.push([rng.pick(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'a[b]', 'limit[]', '', '=', '&', 'ä']), rng.pick(['1', '', 'x', '{}', '[object Object]'])]);
  if (rng.chance(0.04) && pairs.length > 0) {
    const first = pairs[0] as QueryPair;
    pairs.push([first[0], rng.pick(['junk', '', '-1'])]);
  }
  if (rng.chance(0.005)) for (let i = 0; i < 1500; i++) pairs.push([`p${i}`, 'x']);
  return pairs;
}

/** Continue values: junk, and real tokens, decoded, mutated and re-encoded. */
function continueValues(rng: Rng, ctx: FuzzContext): string[] {
  const enc = (s: string) => Buffer.from(s).toString(rng.chance(0.5) ? 'base64' : 'base64url');
  const values = ['', 'abc', '!!!', '%ZZ', 'A'.repeat(5000), enc('null'), enc('[]'), enc('{}'), enc('{"__proto__":{"x":1}}'), enc('{"v":"meta.k8s.io/v1","rv":-1,"start":"../.."}'), enc('{"v":"meta.k8s.io/v1","rv":1e309,"start":"\\u0000"}'), enc('{"v":"meta.k8s.io/v1","rv":"1","start":{}}')];
  for (const token of ctx.continueTokens) {
    values.push(token, token.slice(0, -2), `${token}x`, token.toLowerCase());
    try {
      const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
      for (const k of Object.keys(decoded)) {
        const copy: Record<string, unknown> = { ...decoded };
        copy[k] = hostileJsValue(rng);
        values.push(enc(JSON.stringify(copy)));
      }
    } catch (e: unknown) {
      void e; // not a JSON token: used as it is
    }
  }
  return values;
}

/** A value that does not belong in a continue token. */
function hostileJsValue(rng: Rng): unknown {
  return rng.pick([null, -1, 0, 1e308, 'x', '', '../..', '\u0000', [], {}, true, 'a'.repeat(10_000), '9223372036854775808']);
}

/** A body for creating or replacing an object of `r` (before mutation). */
function objectTemplate(rng: Rng, ctx: FuzzContext, r: FuzzResource, name: string | undefined, ns: string | undefined): Record<string, unknown> {
  const known = ctx.objects.filter((o) => o.resource.resource === r.resource);
  if (known.length > 0 && rng.chance(0.5)) {
    const base = structuredClone(rng.pick(known).body);
    if (rng.chance(0.5)) {
      const meta = base.metadata as Record<string, unknown>;
      delete meta.resourceVersion;
      delete meta.uid;
      delete meta.creationTimestamp;
    }
    return base;
  }
  const metadata: Record<string, unknown> = { name: name ?? `fuzz-${rng.string(6)}` };
  if (ns !== undefined && rng.chance(0.5)) metadata.namespace = ns;
  if (rng.chance(0.3)) metadata.labels = { app: 'fuzz', [rng.pick(HOSTILE_KEYS)]: 'x' };
  if (rng.chance(0.2)) metadata.generateName = rng.pick(['gen-', '', 'x'.repeat(300), 'UPPER-']);
  if (rng.chance(0.1)) metadata.finalizers = ['example.com/f', ''];
  const apiVersion = `${r.group}/${r.version}`;
  switch (r.resource) {
    case 'internalsecrets':
      return { apiVersion, kind: r.kind, metadata, type: rng.pick(['Opaque', 'kubernetes.io/tls', '', 'x'.repeat(300)]), data: { k: Buffer.from('v').toString('base64') }, stringData: { s: 'v' }, immutable: rng.chance(0.3) };
    case 'shoots':
      return { apiVersion, kind: r.kind, metadata, spec: { cloudProfileName: 'aws', region: 'eu-west-1', provider: { type: 'aws' }, kubernetes: { version: rng.pick(['1.32.0', '1.33.0', 'x', '']) } }, status: { lastOperation: { type: 'Create' } } };
    default: {
      const example = ctx.objects.find((o) => o.resource.resource === 'gardens');
      const spec = example === undefined ? {} : structuredClone((example.body as { spec?: unknown }).spec ?? {});
      return { apiVersion, kind: r.kind, metadata, spec };
    }
  }
}

/** A JSON patch (RFC 6902) with hostile operations. */
function jsonPatch(rng: Rng, big: boolean): { node: JsonNode; note: string } {
  if (big && rng.chance(0.3)) {
    const n = rng.pick([10_000, 10_001, 50_000]);
    const op = rng.pick(['{"op":"test","path":"/metadata/name","value":"nope"}', '{"op":"add","path":"/metadata/labels/x","value":"y"}', '{"op":"remove","path":"/metadata/labels/app"}']);
    return { node: raw(`[${Array.from({ length: n }, () => op).join(',')}]`), note: `${n} ops` };
  }
  if (big && rng.chance(0.4)) {
    // Doubling copies: each op copies the whole spec into itself (2^n times its size). Kept at sizes
    // a fixed server answers at once and a vulnerable one survives (18: ~1.4 GiB, ~15 s).
    const n = rng.pick([8, 12, 16, 18]);
    const from = rng.pick(['/spec', '/metadata', '/data', '/status']);
    const ops = Array.from({ length: n }, (_, i) => ({ op: 'copy', from, path: `${from}/c${i}` }));
    return { node: fromValue(ops), note: `copy bomb x${n}` };
  }
  const paths = ['/metadata/uid', '/metadata/resourceVersion', '/metadata/name', '/metadata/namespace', '/metadata/creationTimestamp', '/metadata/generation', '/metadata/deletionTimestamp', '/metadata/labels/a~1b', '/metadata/labels/~2', '/metadata/finalizers/-', '/metadata/managedFields/0', '/metadata/labels', '/data/x', '/spec', '/status', '/kind', '/apiVersion', '', '/', '/-', '/__proto__/polluted', '/constructor/prototype/polluted', '/metadata/__proto__/x', '/metadata/labels/__proto__', '/metadata/labels/hasOwnProperty', '/a/b/c/d', '/spec/kubernetes/version', '/status/advertisedAddresses/0/url', '/data', '/metadata/annotations/x'];
  const ops: JsonNode[] = [];
  const n = rng.int(1, 6);
  for (let i = 0; i < n; i++) {
    const op = rng.weighted([
      [3, 'replace'],
      [3, 'add'],
      [2, 'remove'],
      [2, 'test'],
      [1, 'move'],
      [1, 'copy'],
      [1, rng.pick(['junk', '', 'REPLACE', '_get', '__proto__'])],
    ] as const);
    const entries: [string, JsonNode][] = [['op', op], ['path', rng.chance(0.9) ? rng.pick(paths) : hostileValue(rng, false)]];
    if (op !== 'remove' || rng.chance(0.2)) entries.push(['value', rng.chance(0.5) ? rng.pick(['x', 'fuzz', '1', '', 'seed-b']) : hostileValue(rng, big)]);
    if (op === 'move' || op === 'copy' || rng.chance(0.05)) entries.push(['from', rng.pick(paths)]);
    if (rng.chance(0.05)) entries.push(['op', 'add']);
    ops.push(obj(entries));
  }
  if (rng.chance(0.1)) return { node: rng.pick([obj([['op', 'add']]), 'x', null, 1]), note: 'not an array' };
  return { node: ops, note: `${n} ops` };
}

/** A merge patch (RFC 7396) with hostile content. */
function mergePatch(rng: Rng, ctx: FuzzContext, r: FuzzResource, big: boolean): JsonNode {
  const pick = rng.int(0, 7);
  switch (pick) {
    case 0:
      return fromValue({ metadata: { uid: 'x', resourceVersion: rng.pick(['1', '', '-1', 'abc']), name: 'other', namespace: 'other', creationTimestamp: 'junk' } });
    case 1:
      return fromValue({ metadata: null, spec: null, status: null, data: null });
    case 2:
      return raw(rng.pick(['{"__proto__":{"polluted":"yes"}}', '{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}', '{"constructor":{"prototype":{"polluted":"yes"}}}', '{"metadata":{"labels":{"hasOwnProperty":"x","app":null}}}', '{"metadata":{"annotations":{"toString":"x","valueOf":null}}}', '{"data":{"hasOwnProperty":"eA==","k":null}}']));
    case 3:
      return obj([['metadata', obj([['labels', obj([['app', 'x'], ['app', null]])]])]]);
    case 4:
      return fromValue([1, 2, 3]);
    case 5:
      return big ? obj([['spec', deepNest(rng.pick([10_000, 100_000]), true)]]) : obj([['spec', hostileValue(rng, false)]]);
    default: {
      const t = fromValue(objectTemplate(rng, ctx, r, undefined, undefined));
      mutateTree(rng, t, rng.int(1, 4), big);
      return t;
    }
  }
}

let gzipBomb: Buffer | undefined;

/** YAML bodies: tags, anchors (also self-referencing ones), merge keys, several documents, odd keys. */
const YAML_BODIES = [
  'a: b\n',
  '- x\n',
  '!!js/function "x"',
  'a: &a [*a, *a]',
  'metadata: {name: y, annotations: &a {k: *a}}',
  'metadata:\n  name: y\n  <<: *z',
  'metadata: {name: y, labels: {<<: {a: b}}}',
  'x: !!binary AAAA',
  `${'- '.repeat(5000)}x`,
  `key: [${'['.repeat(3000)}`,
  'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
  'metadata: {name: y}\n---\nmetadata: {name: z}',
  'metadata: {name: y, labels: {? [a, b] : c}}',
  'metadata: {name: y, labels: {__proto__: {a: b}}}',
  'metadata: {name: y, labels: {hasOwnProperty: a, constructor: b}}',
  '%YAML 1.1\n---\nmetadata: {name: y}',
  'metadata: {name: !!timestamp 2001-12-14}',
  'metadata: {name: y, annotations: {a: !!set {a, b}, b: .inf, c: .nan, d: 0o777}}',
  '\ufeffmetadata: {name: y}',
  'metadata: {name: y}\n\t- bad indentation',
];

/** A Shoot whose RawExtension field contains itself through a YAML alias. */
const CIRCULAR_SHOOT_YAML = [
  'apiVersion: core.gardener.cloud/v1beta1',
  'kind: Shoot',
  'metadata: {name: circular}',
  'spec:',
  '  cloudProfileName: aws',
  '  region: eu-west-1',
  '  kubernetes: {version: 1.32.0}',
  '  provider:',
  '    type: aws',
  '    infrastructureConfig: &a {apiVersion: v1, kind: X, x: *a}',
  '',
].join('\n');

/** Compressed or mislabelled encodings of a body. */
function encodeBody(rng: Rng, body: Buffer, headers: Record<string, string | string[]>, notes: string[]): Buffer {
  const enc = rng.pick(['gzip', 'deflate', 'br', 'identity', 'bogus', 'gzip, gzip', 'x-gzip', 'gzip-lie', 'bomb'] as const);
  notes.push(`content-encoding:${enc}`);
  switch (enc) {
    case 'gzip':
    case 'x-gzip':
      headers['content-encoding'] = enc;
      return gzipSync(body);
    case 'deflate':
      headers['content-encoding'] = enc;
      return deflateSync(body);
    case 'br':
      headers['content-encoding'] = enc;
      return brotliCompressSync(body);
    case 'gzip, gzip':
      headers['content-encoding'] = enc;
      return gzipSync(gzipSync(body));
    case 'gzip-lie':
      headers['content-encoding'] = 'gzip';
      return body;
    case 'bomb':
      // 64 MiB of zeros in about 64 KiB: must be refused after 3 MiB of output, not inflated in full.
      headers['content-encoding'] = 'gzip';
      gzipBomb ??= gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
      return gzipBomb;
    default:
      headers['content-encoding'] = enc;
      return body;
  }
}

/** Identity headers a client must not be able to forge, and other header noise. */
function noiseHeaders(rng: Rng, headers: Record<string, string | string[]>, notes: string[], forgeLikely: boolean): void {
  if (rng.chance(forgeLikely ? 0.6 : 0.25)) {
    const forged: Record<string, string | string[]> = {};
    if (rng.chance(0.8)) forged['x-remote-user'] = rng.pick(['admin', 'system:admin', 'system:kube-aggregator', '', 'system:serviceaccount:kube-system:default', 'gardenlet']);
    if (rng.chance(0.8)) forged['x-remote-group'] = rng.chance(0.5) ? 'system:masters' : ['system:authenticated', 'system:masters'];
    if (rng.chance(0.3)) forged['x-remote-extra-scopes'] = 'all';
    if (rng.chance(0.2)) forged['x-remote-uid'] = '0';
    if (rng.chance(0.3)) forged.authorization = rng.pick(['Bearer junk', 'Bearer ', `Bearer ${'a'.repeat(8000)}`, 'Basic YWRtaW46YWRtaW4=', 'bearer x', 'Negotiate x', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.']);
    if (rng.chance(0.3)) forged['impersonate-user'] = rng.pick(['admin', 'system:admin', '']);
    if (rng.chance(0.2)) forged['impersonate-group'] = 'system:masters';
    if (rng.chance(0.1)) forged['impersonate-extra-scopes'] = 'x';
    if (rng.chance(0.1)) forged['sec-websocket-protocol'] = 'base64url.bearer.authorization.k8s.io.YWRtaW4';
    Object.assign(headers, forged);
    notes.push(`forged:${Object.keys(forged).join('+')}`);
  }
  if (rng.chance(0.08)) headers['x-forwarded-for'] = rng.pick(['127.0.0.1', '10.0.0.1, 127.0.0.1', 'junk']);
  if (rng.chance(0.05)) headers['x-http-method-override'] = rng.pick(['DELETE', 'PUT', 'PATCH']);
  if (rng.chance(0.05)) headers.host = rng.pick(['evil.example.com', 'localhost:1', '', '[::1]', 'x'.repeat(300)]);
  if (rng.chance(0.04)) headers['if-none-match'] = rng.pick(['*', '"junk"', 'W/"x"', '']);
  if (rng.chance(0.03)) headers['if-match'] = '"nope"';
  if (rng.chance(0.03)) headers.range = 'bytes=0-10';
  if (rng.chance(0.03)) headers.cookie = 'a=b; __proto__=x';
  if (rng.chance(0.03)) headers.origin = 'https://evil.example.com';
  if (rng.chance(0.03)) {
    headers.upgrade = rng.pick(['websocket', 'h2c', 'SPDY/3.1']);
    headers.connection = 'Upgrade';
  }
  if (rng.chance(0.02)) headers.expect = rng.pick(['100-continue', 'junk']);
  if (rng.chance(0.02)) headers['accept-encoding'] = 'gzip, br, deflate';
  if (rng.chance(0.01)) headers['x-huge'] = 'x'.repeat(rng.pick([9000, 20_000]));
  if (rng.chance(0.01)) for (let i = 0; i < 300; i++) headers[`x-many-${i}`] = 'y';
}

/** The kinds of request the generator makes. */
export const CATEGORIES = ['write', 'patch', 'delete', 'read', 'path', 'nonresource', 'kubeconfig', 'protocol', 'bomb'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Whether `v` names a category. */
export function isCategory(v: string): v is Category {
  return (CATEGORIES as readonly string[]).includes(v);
}

/** Builds request `index` of the run seeded with `seed` (of `category` when given). */
export function generateRequest(seed: number, index: number, ctx: FuzzContext, category?: Category): FuzzRequest {
  const rng = new Rng(deriveSeed(seed, index));
  const identity = rng.weighted<Identity>([
    [60, 'admin'],
    [25, 'anonymous'],
    [15, 'forged'],
  ]);
  const drawn = rng.weighted<Category>([
    [16, 'write'],
    [10, 'patch'],
    [6, 'delete'],
    [20, 'read'],
    [12, 'path'],
    [10, 'nonresource'],
    [7, 'kubeconfig'],
    [8, 'protocol'],
    [3, 'bomb'],
  ]);
  category ??= drawn;
  const notes: string[] = [];
  const headers: Record<string, string | string[]> = {};
  let method: string = 'GET';
  let path = '/';
  let pairs: QueryPair[] = [];
  let body: Buffer | undefined;
  let isolate = false;
  const r = rng.pick(RESOURCES);
  const nsFor = (res: FuzzResource) => (res.namespaced ? namespaceSegment(rng, ctx) : undefined);

  const setBody = (node: JsonNode, corruptP: number) => {
    const text = serialize(node);
    if (rng.chance(corruptP)) {
      const c = corruptText(rng, text);
      body = c.bytes;
      notes.push(c.note);
    } else body = Buffer.from(text);
  };

  switch (category) {
    case 'write': {
      const update = rng.chance(0.5);
      const ns = nsFor(r);
      const sub = update && r.subresources.includes('status') && rng.chance(0.3) ? 'status' : undefined;
      const name = update ? objectName(rng, ctx, r) : undefined;
      method = update ? 'PUT' : 'POST';
      if (rng.chance(0.05)) method = rng.pick(STANDARD_METHODS);
      path = resourcePath(rng, ctx, { r, ns, name, sub }, notes);
      pairs = queryPairs(rng, ctx, 'write');
      const decodedName = name === undefined ? undefined : safeDecode(name);
      const t = fromValue(objectTemplate(rng, ctx, r, decodedName, ns));
      notes.push(...mutateTree(rng, t, rng.int(0, 4), false));
      setBody(t, 0.35);
      headers['content-type'] = rng.chance(0.7) ? rng.pick(['application/json', 'application/json; charset=utf-8', '']) : rng.pick(CONTENT_TYPES);
      if (headers['content-type'] === 'application/yaml' && body !== undefined && rng.chance(0.5)) {
        body = Buffer.from(rng.pick(YAML_BODIES));
        notes.push('yaml body');
      }
      if (rng.chance(0.05) && body !== undefined) body = encodeBody(rng, body, headers, notes);
      break;
    }
    case 'patch': {
      const ns = nsFor(r);
      const sub = r.subresources.includes('status') && rng.chance(0.3) ? 'status' : undefined;
      method = rng.chance(0.95) ? 'PATCH' : rng.pick(STANDARD_METHODS);
      path = resourcePath(rng, ctx, { r, ns, name: objectName(rng, ctx, r), sub }, notes);
      pairs = queryPairs(rng, ctx, 'patch');
      const type = rng.weighted([
        [5, 'application/json-patch+json'],
        [5, 'application/merge-patch+json'],
        [1, 'application/strategic-merge-patch+json'],
        [1, 'application/apply-patch+yaml'],
        [1, rng.pick(CONTENT_TYPES)],
      ] as const);
      headers['content-type'] = type;
      if (type.startsWith('application/json-patch')) {
        const p = jsonPatch(rng, false);
        notes.push(p.note);
        setBody(p.node, 0.15);
      } else setBody(mergePatch(rng, ctx, r, false), 0.15);
      break;
    }
    case 'delete': {
      const collection = rng.chance(0.3);
      method = 'DELETE';
      path = resourcePath(rng, ctx, { r, ns: nsFor(r), name: collection ? undefined : objectName(rng, ctx, r), sub: undefined }, notes);
      pairs = queryPairs(rng, ctx, 'delete');
      if (rng.chance(0.6)) {
        const opts = fromValue({
          kind: rng.pick(['DeleteOptions', 'Status', '']),
          apiVersion: rng.pick(['meta.k8s.io/v1', 'v1', 'junk/v9']),
          gracePeriodSeconds: rng.pick([0, -1, 30, 1e308, 'x', null]),
          propagationPolicy: rng.pick(['Orphan', 'Background', 'Foreground', 'junk', 1, null]),
          preconditions: rng.pick([{ uid: 'nope' }, { resourceVersion: '1' }, { uid: ctx.objects[0]?.uid ?? '', resourceVersion: ctx.objects[0]?.resourceVersion ?? '' }, 'x', null]),
          dryRun: rng.pick([['All'], ['all'], [], 'All', [1], null]),
          orphanDependents: rng.pick([true, 'x', null]),
        });
        notes.push(...mutateTree(rng, opts, rng.int(0, 2), false));
        setBody(opts, 0.2);
        headers['content-type'] = rng.pick(['application/json', ...CONTENT_TYPES]);
      }
      break;
    }
    case 'read': {
      const item = rng.chance(0.4);
      method = rng.chance(0.9) ? 'GET' : 'HEAD';
      path = resourcePath(rng, ctx, { r, ns: rng.chance(0.5) ? nsFor(r) : undefined, name: item ? objectName(rng, ctx, r) : undefined, sub: item && r.subresources.length > 0 && rng.chance(0.3) ? rng.pick(r.subresources) : undefined }, notes);
      pairs = queryPairs(rng, ctx, item ? 'get' : 'list');
      if (rng.chance(0.5)) headers.accept = rng.pick(ACCEPTS);
      break;
    }
    case 'path': {
      method = rng.chance(0.7) ? rng.pick(STANDARD_METHODS) : rng.pick(ODD_METHODS);
      const pieces: string[] = ['apis'];
      const depth = rng.int(1, 9);
      for (let i = 0; i < depth; i++) {
        pieces.push(
          rng.weighted([
            [3, () => rng.pick([...GROUPS, 'v1beta1', 'v1alpha1', 'namespaces', ...NAMESPACES, 'internalsecrets', 'shoots', 'gardens', 'status', 'watch', 'secret-1', 'shoot-1'])],
            [1, () => rng.pick(RAW_SEGMENTS)],
            [1, () => segment(rng, rng.pick(ODD_NAMES))],
            [1, () => rng.pick(ODD_SUBRESOURCES)],
            [0.3, () => 'x'.repeat(rng.pick([1000, 9000, 20_000]))],
          ])(),
        );
      }
      path = `/${pieces.join('/')}`;
      if (rng.chance(0.15)) path = path.replace(/\//g, rng.pick(['//', '/./', '/%2F']));
      pairs = queryPairs(rng, ctx, rng.pick(['list', 'get', 'write', 'delete'] as const));
      if (method !== 'GET' && method !== 'HEAD' && rng.chance(0.5)) setBody(fromValue({ metadata: { name: 'x' } }), 0.5);
      isolate = !(STANDARD_METHODS as readonly string[]).includes(method);
      break;
    }
    case 'nonresource': {
      method = rng.chance(0.8) ? 'GET' : rng.pick([...STANDARD_METHODS, ...ODD_METHODS]);
      path = rng.pick(NON_RESOURCE_PATHS);
      pairs = queryPairs(rng, ctx, 'nonresource');
      if (rng.chance(0.6)) headers.accept = rng.pick(ACCEPTS);
      if (method !== 'GET' && method !== 'HEAD' && rng.chance(0.4)) setBody(hostileValue(rng, false), 0.3);
      isolate = !(STANDARD_METHODS as readonly string[]).includes(method) || !path.startsWith('/');
      break;
    }
    case 'kubeconfig': {
      const shoots = RESOURCES[1] as FuzzResource;
      const sub = rng.pick(['adminkubeconfig', 'viewerkubeconfig', 'adminkubeconfig', 'Adminkubeconfig', 'status']);
      const known = rng.chance(0.8);
      const ns = known ? KUBECONFIG_SHOOT.namespace : namespaceSegment(rng, ctx);
      const name = known ? KUBECONFIG_SHOOT.name : objectName(rng, ctx, shoots);
      method = rng.chance(0.9) ? 'POST' : rng.pick(STANDARD_METHODS);
      path = resourcePath(rng, ctx, { r: shoots, ns, name, sub }, notes);
      pairs = queryPairs(rng, ctx, 'kubeconfig');
      const kind = sub === 'viewerkubeconfig' ? 'ViewerKubeconfigRequest' : 'AdminKubeconfigRequest';
      const req = fromValue({ apiVersion: rng.pick(['authentication.gardener.cloud/v1alpha1', 'v1', '']), kind: rng.pick([kind, 'Shoot', '']), spec: { expirationSeconds: rng.pick([600, 0, -1, 1, 86_400 * 365 * 100, 2 ** 31, 2 ** 53, 1.5, 'x', null]) } });
      notes.push(...mutateTree(rng, req, rng.int(0, 3), false));
      setBody(req, 0.2);
      headers['content-type'] = rng.chance(0.8) ? 'application/json' : rng.pick(CONTENT_TYPES);
      break;
    }
    case 'protocol': {
      const variant = rng.pick(['oddMethod', 'encoding', 'hugeHeader', 'bodyOnGet', 'chunked', 'absoluteForm', 'emptyBody', 'expect'] as const);
      notes.push(variant);
      const ns = nsFor(r);
      path = resourcePath(rng, ctx, { r, ns, name: rng.chance(0.5) ? objectName(rng, ctx, r) : undefined, sub: undefined }, notes);
      pairs = queryPairs(rng, ctx, rng.pick(['list', 'write'] as const));
      method = rng.pick(['POST', 'PUT', 'PATCH', 'GET']);
      switch (variant) {
        case 'oddMethod':
          method = rng.pick(ODD_METHODS);
          isolate = true;
          if (rng.chance(0.5)) setBody(fromValue({ metadata: { name: 'x' } }), 0);
          break;
        case 'encoding':
          setBody(fromValue(objectTemplate(rng, ctx, r, undefined, ns)), 0.1);
          headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
          if (body !== undefined) body = encodeBody(rng, body, headers, notes);
          break;
        case 'hugeHeader':
          headers[rng.pick(['accept', 'x-junk', 'content-type', 'authorization', 'x-remote-user'])] = 'x'.repeat(rng.pick([8000, 17_000, 70_000]));
          isolate = true;
          break;
        case 'bodyOnGet':
          method = 'GET';
          setBody(fromValue({ metadata: { name: 'x' } }), 0.5);
          headers['content-type'] = 'application/json';
          break;
        case 'chunked':
          headers['transfer-encoding'] = 'chunked';
          setBody(fromValue(objectTemplate(rng, ctx, r, undefined, ns)), 0.3);
          headers['content-type'] = 'application/json';
          break;
        case 'absoluteForm':
          path = `https://127.0.0.1${path}`;
          isolate = true;
          break;
        case 'emptyBody':
          body = Buffer.alloc(0);
          headers['content-type'] = rng.pick(CONTENT_TYPES);
          headers['content-length'] = '0';
          break;
        case 'expect':
          headers.expect = '100-continue';
          setBody(fromValue(objectTemplate(rng, ctx, r, undefined, ns)), 0.5);
          headers['content-type'] = 'application/json';
          isolate = true;
          break;
      }
      break;
    }
    case 'bomb': {
      // Mostly aimed at a stored object (right resource, namespace and name), so that the body is
      // really decoded, patched and validated.
      const known = ctx.objects.length > 0 && rng.chance(0.8) ? rng.pick(ctx.objects) : undefined;
      const br = known?.resource ?? r;
      const ns = known === undefined ? nsFor(br) : br.namespaced ? known.namespace : undefined;
      const existing = known === undefined ? objectName(rng, ctx, br) : enc(known.name);
      const variant = rng.pick(['oversize', 'nearLimit', 'deepArray', 'deepObject', 'manyKeys', 'longArray', 'jsonPatchBomb', 'mergeDeep', 'hugeName', 'deepYaml'] as const);
      notes.push(variant);
      method = variant === 'jsonPatchBomb' || variant === 'mergeDeep' ? 'PATCH' : rng.pick(['POST', 'PUT', 'PATCH']);
      const name = method === 'POST' ? undefined : existing;
      path = resourcePath(rng, ctx, { r: br, ns, name, sub: undefined }, notes);
      pairs = queryPairs(rng, ctx, 'write');
      const head = `{"apiVersion":${JSON.stringify(`${br.group}/${br.version}`)},"kind":${JSON.stringify(br.kind)},"metadata":{"name":${JSON.stringify(name === undefined ? 'bomb' : safeDecode(name))}}`;
      const wrap = (inner: string, field: string) => raw(`${head},${JSON.stringify(field)}:${inner}}`);
      headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      switch (variant) {
        case 'oversize':
          setBody(wrap(hugeString(rng, MAX_BODY + rng.int(1, 65_536)).text, 'data'), 0);
          break;
        case 'nearLimit':
          setBody(wrap(`{"k":${hugeString(rng, MAX_BODY - 4096).text}}`, rng.pick(['data', 'spec', 'metadata'])), 0);
          break;
        case 'deepArray':
          setBody(wrap(deepNest(rng.pick([10_000, 100_000, 1_000_000])).text, rng.pick(['data', 'spec', 'status'])), 0);
          break;
        case 'deepObject':
          setBody(wrap(deepNest(rng.pick([10_000, 100_000]), true).text, rng.pick(['data', 'spec', 'metadata'])), 0);
          break;
        case 'manyKeys': {
          const n = rng.pick([10_000, 100_000]);
          const labels = Array.from({ length: n }, (_, i) => `"k${i}":"v"`).join(',');
          setBody(raw(`{"metadata":{"name":"many","labels":{${labels}}}}`), 0);
          break;
        }
        case 'longArray':
          setBody(wrap(`[${'0,'.repeat(399_999)}0]`, 'spec'), 0);
          break;
        case 'jsonPatchBomb': {
          headers['content-type'] = 'application/json-patch+json';
          const p = jsonPatch(rng, true);
          notes.push(p.note);
          setBody(p.node, 0);
          break;
        }
        case 'mergeDeep':
          setBody(mergePatch(rng, ctx, br, true), 0);
          break;
        case 'hugeName':
          setBody(raw(`{"metadata":{"name":${hugeString(rng, rng.pick([300, 100_000])).text},"namespace":${hugeString(rng, 1000).text}}}`), 0);
          break;
        case 'deepYaml': {
          const yaml = rng.weighted<() => string>([
            [2, () => '['.repeat(100_000)],
            [2, () => '{a: '.repeat(50_000)],
            [1, () => `x: ${'- '.repeat(100_000)}`],
            [2, () => `a: &a [${'*a, '.repeat(150)}]`],
            [0.5, () => `a: &a [${'*a, '.repeat(400)}]`],
            [0.6, () => CIRCULAR_SHOOT_YAML],
          ])();
          if (yaml === CIRCULAR_SHOOT_YAML) {
            method = 'POST';
            path = resourcePath(rng, ctx, { r: RESOURCES[1] as FuzzResource, ns: KUBECONFIG_SHOOT.namespace, name: undefined, sub: undefined }, notes);
            notes.push('circular alias in a RawExtension');
          }
          headers['content-type'] = method === 'PATCH' ? 'application/apply-patch+yaml' : 'application/yaml';
          body = Buffer.from(yaml);
          break;
        }
      }
      isolate = true;
      break;
    }
  }

  if (body !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = String(body.length);
  noiseHeaders(rng, headers, notes, identity !== 'admin');
  if (headers.upgrade !== undefined || headers['x-huge'] !== undefined || method === 'HEAD') isolate = true;

  let guard = guardFor(rng, identity, method, headers, body);
  if (guard === 'poisonBody' && body !== undefined && !isSyntaxError(body)) {
    // Make a well-formed body malformed (bounded attempts; a dry run otherwise).
    guard = 'dryRun';
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = corruptText(rng, body.toString('utf8'));
      if (c.bytes.length > 0 && isSyntaxError(c.bytes)) {
        body = c.bytes;
        headers['content-length'] = String(body.length);
        notes.push(c.note);
        guard = 'poisonBody';
        break;
      }
    }
  }
  const query = pairs.map((p) => encodePair(rng, p));
  let full = path;
  if (guard === 'dryRun' || guard === 'poisonParam') {
    // The guard parameter goes first: the query parser keeps only the first 1000 keys, and nothing
    // before it may end the query (`#`) or the path (`?`).
    full = full.replace(/\?/g, '%3F').replace(/#/g, '%23');
    const value = guard === 'dryRun' ? 'All' : rng.pick(['all', 'ALL', 'None', '', 'All%20', '%20All', 'All,All', 'true', '1', 'Al', 'All%00']);
    query.unshift(`dryRun=${value}`);
    notes.push(`guard:dryRun=${value}`);
  } else if (guard === 'poisonBody') {
    full = full.replace(/\?/g, '%3F').replace(/#/g, '%23');
    notes.push('guard:invalid-json-body');
  }
  if (query.length > 0) full += `${full.includes('?') ? '&' : '?'}${query.join('&')}`;
  const clientDeadline = /[?&]timeout=/.test(full);
  return { index, identity, method, path: full, headers, body, category, notes, guard, isolate, clientDeadline, mayDrop: method === 'CONNECT' };
}

/** `decodeURIComponent`, or the input itself when it has malformed escapes. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch (e: unknown) {
    void e; // a malformed escape: keep it as it is
    return s;
  }
}

/** Media type (lower case, no parameters) of a Content-Type header value. */
function mediaTypeOf(v: string | string[] | undefined): string {
  const first = Array.isArray(v) ? v[0] : v;
  return (first ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Chooses how an admin request is kept from changing data (see the module comment). */
function guardFor(rng: Rng, identity: Identity, method: string, headers: Record<string, string | string[]>, body: Buffer | undefined): Guard {
  if (identity !== 'admin') return 'unprivileged';
  if (method === 'GET' || method === 'HEAD') return 'read';
  // Whether the server would JSON-parse this body before doing anything (the generator may still
  // have to make it malformed; it must not be compressed, chunked or YAML).
  const poisonable =
    body !== undefined &&
    body.length > 0 &&
    body.length < MAX_BODY &&
    headers['content-encoding'] === undefined &&
    headers['transfer-encoding'] === undefined &&
    mediaTypeOf(headers['content-type']) !== 'application/yaml';
  const choice = rng.weighted([
    [65, 'dryRun'],
    [10, 'poisonParam'],
    [25, 'poisonBody'],
  ] as const);
  if (choice === 'poisonBody' && !poisonable) return 'dryRun';
  return choice;
}
