/**
 * Request info: what a request is about (verb, group, version, resource, subresource, namespace, name),
 * resolved from the path and method the way k8s.io/apiserver's RequestInfoResolver does. Authorization,
 * admission and routing all read it.
 */
import type { IncomingMessage } from 'node:http';
import { parseFieldSelector } from '../apimachinery/fields.js';
import { queryBool } from './query.js';

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; or the lower-cased method. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the resource (name, subresource, extra). */
  parts: string[];
  /** The raw `labelSelector` and `fieldSelector` of a list or watch ('' otherwise), for authorizers. */
  labelSelector: string;
  fieldSelector: string;
}

function isWatchParam(value: string | null): boolean {
  return value !== null && queryBool(value);
}

function nonResource(path: string, method: string): RequestInfo {
  return {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
    labelSelector: '',
    fieldSelector: '',
  };
}

function itemVerb(method: string): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    case 'POST':
      return 'create';
    default:
      return method.toLowerCase();
  }
}

function collectionVerb(method: string, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'DELETE':
      return 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/**
 * Resolves the request info of a method and URL (path plus query): `/apis/<group>/<version>/...` and the
 * legacy core group `/api/<version>/...` (group "").
 */
export function resolveRequestInfo(method: string, url: string): RequestInfo {
  // The path as the router sees it, never through a URL parser: that resolves dot segments (also
  // `%2e%2e`) and turns `\` into `/`, so `/apis/x/%2e%2e/%2e%2e/healthz` would be authorized as
  // `/healthz` and routed elsewhere, and it reads a path starting with `//` as an authority.
  const end = url.search(/[?#]/);
  const path = end < 0 ? url : url.slice(0, end);
  const query = new URLSearchParams(end < 0 || url[end] === '#' ? '' : url.slice(end + 1).replace(/#.*$/s, ''));
  const segments = path.split('/').filter((s) => s !== '');
  const legacy = segments[0] === 'api';
  const first = legacy ? 2 : 3;
  if ((segments[0] !== 'apis' && !legacy) || segments.length <= first) return nonResource(path, method);
  const info: RequestInfo = { ...nonResource(path, method), isResourceRequest: true, apiPrefix: legacy ? 'api' : 'apis' };
  info.apiGroup = legacy ? '' : (segments[1] ?? '');
  info.apiVersion = segments[first - 1] ?? '';
  let rest = segments.slice(first);
  let watch = isWatchParam(query.get('watch'));
  // `/watch/...` makes the verb watch whatever the method, as kube-apiserver's request info reads it
  // (only GET is routed there).
  const watchPrefix = rest[0] === 'watch';
  if (watchPrefix) {
    watch = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    info.namespace = rest[1] ?? '';
    rest = rest.length === 2 ? ['namespaces', info.namespace] : rest.slice(2);
    if (rest[0] === 'namespaces') {
      // `/namespaces/<ns>` itself names the namespace object.
      info.resource = 'namespaces';
      info.name = info.namespace;
      info.namespace = '';
      info.verb = itemVerb(method);
      return info;
    }
  }
  info.resource = rest[0] ?? '';
  info.parts = rest.slice(1);
  info.name = rest[1] ?? '';
  info.subresource = rest[2] ?? '';
  info.verb = watchPrefix ? 'watch' : info.name === '' ? collectionVerb(method, watch) : itemVerb(method);
  const nameFromSelector = fieldSelectorName(query.get('fieldSelector'));
  if (info.verb === 'list' || info.verb === 'watch') {
    if (info.name === '' && nameFromSelector !== undefined) info.name = nameFromSelector;
    info.labelSelector = query.get('labelSelector') ?? '';
    info.fieldSelector = query.get('fieldSelector') ?? '';
  }
  return info;
}

/**
 * The name a `metadata.name=<x>` field selector pins a list or watch to, as kube-apiserver's request
 * info finds it: the parsed selector's exact match, when it can be a path segment. A selector that
 * does not parse names nothing here (the handler refuses it).
 */
function fieldSelectorName(selector: string | null): string | undefined {
  if (selector === null) return undefined;
  let name: string | undefined;
  try {
    name = parseFieldSelector(selector).exactMatch('metadata.name');
  } catch {
    return undefined;
  }
  return name === undefined || name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('%') ? undefined : name;
}

/** Request info of an incoming request. */
export function requestInfoOf(req: IncomingMessage): RequestInfo {
  return resolveRequestInfo(req.method ?? 'GET', req.url ?? '/');
}
