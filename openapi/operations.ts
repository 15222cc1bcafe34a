/**
 * The REST operations of a resource, as kube-apiserver's installer lays them out (paths, operation ids,
 * `x-kubernetes-action`, parameters, bodies, responses), in a form both the Swagger 2.0 and the
 * OpenAPI 3.0 renderers read.
 */
import { DELETE_OPTIONS, PATCH, STATUS, WATCH_EVENT } from './meta.js';
import { paramsOf, PATH_PARAMS, type ParamSpec } from './parameters.js';
import { gvkOf, operationId, operationTag, title, type GroupVersion, type GroupVersionKind, type OpenAPIResource, type OpenAPIVerb } from './resource.js';

/** Media types a PATCH accepts (kinds without strategic merge patch, like custom resources). */
export const PATCH_MEDIA_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'] as const;
/** Media types a PATCH accepts where strategic merge patch is served (kubectl then uses it). */
export const STRATEGIC_PATCH_MEDIA_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'] as const;
/** Media types of create and update bodies. */
export const REQUEST_MEDIA_TYPES = ['application/json', 'application/yaml'] as const;
/** Media types of object responses. */
export const RESPONSE_MEDIA_TYPES = ['application/json'] as const;
/** Media types of list and watch responses. */
export const STREAM_MEDIA_TYPES = ['application/json', 'application/json;stream=watch'] as const;
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** A JSON media type with its protobuf counterpart after it (patch bodies stay JSON). */
function andProtobuf(types: readonly string[]): string[] {
  return types.flatMap((t) => (t === 'application/json' ? [t, PROTOBUF] : t === 'application/json;stream=watch' ? [t, `${PROTOBUF};stream=watch`] : [t]));
}

/** Adds protobuf wherever an operation of a protobuf-speaking resource takes or returns JSON objects. */
function withProtobuf(path: PathSpec): PathSpec {
  const operations = path.operations.map((op) => ({ ...op, consumes: op.body?.patch === true ? op.consumes : andProtobuf(op.consumes), produces: andProtobuf(op.produces) }));
  return { ...path, operations };
}

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';
export type KubeAction = 'get' | 'list' | 'put' | 'patch' | 'post' | 'delete' | 'deletecollection' | 'watch' | 'watchlist';

/** One response: status code, description and the definition of its body (none for 401). */
export interface ResponseSpec {
  code: string;
  description: string;
  definition?: string;
}

/** A request body: its definition (undefined = free-form object) and whether it is a patch. */
export interface BodySpec {
  definition: string | undefined;
  required: boolean;
  patch: boolean;
}

/** One operation. */
export interface OperationSpec {
  method: HttpMethod;
  operationId: string;
  description: string;
  action: KubeAction;
  gvk: GroupVersionKind;
  tag: string;
  parameters: ParamSpec[];
  body?: BodySpec;
  responses: ResponseSpec[];
  consumes: readonly string[];
  produces: readonly string[];
}

/** One path with its shared (path-level) parameters and operations. */
export interface PathSpec {
  path: string;
  parameters: ParamSpec[];
  operations: OperationSpec[];
}

/** Finds the definition name of a kind by its GVK (from the definitions' GVK lists). */
export type KindLookup = (gvk: GroupVersionKind) => string | undefined;

const OK = (definition: string | undefined): ResponseSpec => withDef({ code: '200', description: 'OK' }, definition);
const CREATED = (definition: string | undefined): ResponseSpec => withDef({ code: '201', description: 'Created' }, definition);
const ACCEPTED = (definition: string | undefined): ResponseSpec => withDef({ code: '202', description: 'Accepted' }, definition);
const UNAUTHORIZED: ResponseSpec = { code: '401', description: 'Unauthorized' };

function withDef(r: ResponseSpec, definition: string | undefined): ResponseSpec {
  return definition === undefined ? r : { ...r, definition };
}

/** The group/version of the path an operation is served under (names its id and tag). */
interface PathGroup {
  gv: GroupVersion;
  tag: string;
}

interface Target {
  gvk: GroupVersionKind;
  /** Definition of the objects read and written. */
  definition: string | undefined;
  /** What the operation id names after the verb: `NamespacedInternalSecret`, `NamespacedShootStatus`. */
  name: string;
  /** Lower-case noun for descriptions: `InternalSecret`, `status of the specified Shoot`. */
  noun: string;
}

/** The operation of one verb on one target, or undefined when the verb has no operation there. */
function itemOperation(verb: OpenAPIVerb, t: Target, at: PathGroup): OperationSpec | undefined {
  const base = { gvk: t.gvk, tag: at.tag };
  const id = (v: string): string => operationId(v, at.gv, t.name);
  switch (verb) {
    case 'get':
      return { ...base, method: 'get', action: 'get', operationId: id('read'), description: `read ${t.noun}`, parameters: [], responses: [OK(t.definition), UNAUTHORIZED], consumes: ['*/*'], produces: RESPONSE_MEDIA_TYPES };
    case 'update':
      return {
        ...base, method: 'put', action: 'put', operationId: id('replace'), description: `replace ${t.noun}`, parameters: paramsOf('update'),
        body: { definition: t.definition, required: true, patch: false },
        responses: [OK(t.definition), CREATED(t.definition), UNAUTHORIZED], consumes: REQUEST_MEDIA_TYPES, produces: RESPONSE_MEDIA_TYPES,
      };
    case 'patch':
      return {
        ...base, method: 'patch', action: 'patch', operationId: id('patch'), description: `partially update ${t.noun}`, parameters: paramsOf('patch'),
        body: { definition: PATCH, required: true, patch: true },
        responses: [OK(t.definition), CREATED(t.definition), UNAUTHORIZED], consumes: PATCH_MEDIA_TYPES, produces: RESPONSE_MEDIA_TYPES,
      };
    case 'delete':
      return {
        ...base, method: 'delete', action: 'delete', operationId: id('delete'), description: `delete ${t.noun}`, parameters: paramsOf('delete'),
        body: { definition: DELETE_OPTIONS, required: false, patch: false },
        responses: [OK(STATUS), ACCEPTED(STATUS), UNAUTHORIZED], consumes: REQUEST_MEDIA_TYPES, produces: RESPONSE_MEDIA_TYPES,
      };
    case 'create':
      return {
        ...base, method: 'post', action: 'post', operationId: id('create'), description: `create ${t.noun}`, parameters: paramsOf('create'),
        body: { definition: t.definition, required: true, patch: false },
        responses: [OK(t.definition), CREATED(t.definition), ACCEPTED(t.definition), UNAUTHORIZED], consumes: REQUEST_MEDIA_TYPES, produces: RESPONSE_MEDIA_TYPES,
      };
    default:
      return undefined;
  }
}

/** Collection operations: list, create, deletecollection. */
function collectionOperations(r: OpenAPIResource, kind: Target, listDef: string, at: PathGroup): OperationSpec[] {
  const ops: OperationSpec[] = [];
  const base = { gvk: kind.gvk, tag: at.tag };
  if (r.verbs.includes('list')) {
    ops.push({
      ...base, method: 'get', action: 'list', operationId: operationId('list', kind.gvk, kind.name), description: `list or watch objects of kind ${r.kind}`,
      parameters: paramsOf('list'), responses: [OK(listDef), UNAUTHORIZED], consumes: ['*/*'], produces: STREAM_MEDIA_TYPES,
    });
  }
  if (r.verbs.includes('create')) {
    const create = itemOperation('create', { ...kind, noun: `${article(r.kind)} ${r.kind}` }, at);
    if (create !== undefined) ops.push(create);
  }
  if (r.verbs.includes('deletecollection')) {
    ops.push({
      ...base, method: 'delete', action: 'deletecollection', operationId: operationId('delete', kind.gvk, `Collection${kind.name}`),
      description: `delete collection of ${r.kind}`, parameters: paramsOf('deletecollection'),
      body: { definition: DELETE_OPTIONS, required: false, patch: false },
      responses: [OK(STATUS), UNAUTHORIZED], consumes: REQUEST_MEDIA_TYPES, produces: RESPONSE_MEDIA_TYPES,
    });
  }
  return ops;
}

function watchOperation(gvk: GroupVersionKind, tag: string, list: boolean, name: string, description: string): OperationSpec {
  return {
    gvk, tag, method: 'get', action: list ? 'watchlist' : 'watch', operationId: operationId('watch', gvk, name), description,
    parameters: paramsOf('watch'), responses: [OK(WATCH_EVENT), UNAUTHORIZED], consumes: ['*/*'], produces: STREAM_MEDIA_TYPES,
  };
}

function article(word: string): string {
  return /^[AEIOU]/.test(word) ? 'an' : 'a';
}

/**
 * The paths of one resource, like kube-apiserver's: collection, item, all-namespaces list, the legacy
 * `watch/` paths, and one path per subresource. `lookup` resolves a subresource's own kind to its
 * definition; `definitionName + "List"` is the list definition.
 */
export function resourcePaths(r: OpenAPIResource, lookup: KindLookup): PathSpec[] {
  const gvk = gvkOf(r);
  const tag = operationTag(gvk);
  const at: PathGroup = { gv: gvk, tag };
  const root = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced ? 'Namespaced' : '';
  const scope = r.namespaced ? '/namespaces/{namespace}' : '';
  const scopeParams = r.namespaced ? [PATH_PARAMS.namespace] : [];
  const collection = `${root}${scope}/${r.resource}`;
  const item = `${collection}/{name}`;
  const kind: Target = { gvk, definition: r.definitionName, name: `${ns}${r.kind}`, noun: `the specified ${r.kind}` };
  const has = (v: OpenAPIVerb): boolean => r.verbs.includes(v);
  const paths: PathSpec[] = [];
  const add = (path: string, parameters: ParamSpec[], operations: OperationSpec[]): void => {
    if (operations.length > 0) paths.push({ path, parameters: [...parameters, PATH_PARAMS.pretty], operations });
  };

  add(collection, scopeParams, collectionOperations(r, kind, `${r.definitionName}List`, at));
  const itemVerbs: OpenAPIVerb[] = ['get', 'update', 'patch', 'delete'];
  add(item, [PATH_PARAMS.name, ...scopeParams], itemVerbs.filter(has).flatMap((v) => itemOperation(v, kind, at) ?? []));
  if (r.namespaced && has('list')) {
    add(`${root}/${r.resource}`, [], [{
      gvk, tag, method: 'get', action: 'list', operationId: operationId('list', gvk, `${r.kind}ForAllNamespaces`),
      description: `list or watch objects of kind ${r.kind}`, parameters: paramsOf('list'),
      responses: [OK(`${r.definitionName}List`), UNAUTHORIZED], consumes: ['*/*'], produces: STREAM_MEDIA_TYPES,
    }]);
  }
  if (has('watch')) {
    const deprecated = 'deprecated: use the \'watch\' parameter with a list operation instead';
    const listText = `watch individual changes to a list of ${r.kind}. ${deprecated}.`;
    add(`${root}/watch${scope}/${r.resource}`, scopeParams, [watchOperation(gvk, tag, true, `${ns}${r.kind}List`, listText)]);
    const itemText = `watch changes to an object of kind ${r.kind}. ${deprecated}, filtered to a single item with the 'fieldSelector' parameter.`;
    add(`${root}/watch${scope}/${r.resource}/{name}`, [PATH_PARAMS.name, ...scopeParams], [watchOperation(gvk, tag, false, `${ns}${r.kind}`, itemText)]);
    if (r.namespaced) add(`${root}/watch/${r.resource}`, [], [watchOperation(gvk, tag, true, `${r.kind}ListForAllNamespaces`, listText)]);
  }
  for (const sub of r.subresources) {
    const subGvk = sub.kind ?? gvk;
    const target: Target = {
      gvk: subGvk,
      definition: sub.kind === undefined ? r.definitionName : lookup(sub.kind),
      name: `${ns}${r.kind}${title(sub.name)}`,
      noun: `${sub.name} of the specified ${r.kind}`,
    };
    const verbs: OpenAPIVerb[] = ['get', 'update', 'patch', 'create', 'delete'];
    add(`${item}/${sub.name}`, [PATH_PARAMS.name, ...scopeParams], verbs.filter((v) => sub.verbs.includes(v)).flatMap((v) => itemOperation(v, target, at) ?? []));
  }
  const served = r.strategicMergePatch === true ? paths.map(withStrategicPatch) : paths;
  return r.protobuf === undefined ? served : served.map(withProtobuf);
}

/** PATCH operations of a kind with strategic merge patch accept it. */
function withStrategicPatch(path: PathSpec): PathSpec {
  return { ...path, operations: path.operations.map((op) => (op.body?.patch === true ? { ...op, consumes: STRATEGIC_PATCH_MEDIA_TYPES } : op)) };
}
