/**
 * The query and path parameters of the REST operations, with the sets each kind of operation takes
 * (as kube-apiserver's installer attaches them). `fieldValidation` on PATCH is what makes kubectl
 * leave field validation to the server.
 */

/** One non-body parameter. */
export interface ParamSpec {
  name: string;
  in: 'query' | 'path';
  description: string;
  type: 'string' | 'integer' | 'boolean';
  required?: boolean;
}

const query = (name: string, type: ParamSpec['type'], description: string): ParamSpec => ({ name, in: 'query', type, description });

/** Query parameters by name. */
export const QUERY_PARAMS = {
  allowWatchBookmarks: query(
    'allowWatchBookmarks',
    'boolean',
    'Asks for BOOKMARK events in a watch: objects that carry only a resource version, sent so the client can resume from a recent point. The server may send them at its discretion; ignored outside watches.',
  ),
  continue: query(
    'continue',
    'string',
    'The continue token of a previous, limited list call, to fetch the next page with the same query. A token older than the compaction window is rejected with 410 Gone.',
  ),
  dryRun: query('dryRun', 'string', 'When present, the request is processed in full but nothing is persisted. The only valid value is "All".'),
  fieldManager: query(
    'fieldManager',
    'string',
    'Name of the actor (field manager) making the change, as recorded in managedFields: at most 128 printable characters. Required for apply patches.',
  ),
  fieldSelector: query('fieldSelector', 'string', 'Restricts the result to objects whose fields match, e.g. metadata.name=x. Defaults to everything.'),
  fieldValidation: query(
    'fieldValidation',
    'string',
    'How the server treats unknown and duplicate fields in the body: "Ignore" drops them silently, "Warn" (the default) drops them and sends one Warning header per field, "Strict" rejects the request with 400 BadRequest.',
  ),
  force: query('force', 'boolean', 'Makes an apply patch take over fields other managers own instead of failing with a conflict. Only valid for apply patches.'),
  gracePeriodSeconds: query(
    'gracePeriodSeconds',
    'integer',
    'Seconds to wait before the object is deleted; zero deletes immediately. Absent means the kind\'s default.',
  ),
  labelSelector: query('labelSelector', 'string', 'Restricts the result to objects whose labels match the selector. Defaults to everything.'),
  limit: query(
    'limit',
    'integer',
    'The maximum number of items in the response. When more exist, the list metadata carries a continue token for the next page.',
  ),
  pretty: query('pretty', 'string', 'If "true", the output is indented.'),
  propagationPolicy: query(
    'propagationPolicy',
    'string',
    'Whether and how garbage collection removes dependents: "Orphan" leaves them, "Background" deletes them afterwards, "Foreground" deletes them first.',
  ),
  resourceVersion: query(
    'resourceVersion',
    'string',
    'Which state a list or watch is served from; what it means depends on resourceVersionMatch. Absent means the most recent state.',
  ),
  resourceVersionMatch: query(
    'resourceVersionMatch',
    'string',
    'How resourceVersion applies to a list: "NotOlderThan" or "Exact". Only valid together with resourceVersion.',
  ),
  sendInitialEvents: query(
    'sendInitialEvents',
    'boolean',
    'With watch=true, starts the watch with synthetic ADDED events for the current objects, followed by a bookmark marking the end of that initial state.',
  ),
  timeoutSeconds: query('timeoutSeconds', 'integer', 'Ends a list or watch call after this many seconds, whether or not there was activity.'),
  watch: query(
    'watch',
    'boolean',
    'Turns a list into a watch: a stream of add, update and delete events for the selected objects. Give resourceVersion to start from a known point.',
  ),
} satisfies Record<string, ParamSpec>;

/** Path parameters (and `pretty`, which kube-apiserver declares at path level too). */
export const PATH_PARAMS = {
  name: { name: 'name', in: 'path', type: 'string', required: true, description: 'Name of the object.' },
  namespace: { name: 'namespace', in: 'path', type: 'string', required: true, description: 'Namespace of the objects; one namespace in a cluster holds names unique for each kind.' },
  pretty: QUERY_PARAMS.pretty,
} satisfies Record<string, ParamSpec>;

type OperationKind = 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

const q = QUERY_PARAMS;
const LIST: ParamSpec[] = [
  q.allowWatchBookmarks, q.continue, q.fieldSelector, q.labelSelector, q.limit,
  q.resourceVersion, q.resourceVersionMatch, q.sendInitialEvents, q.timeoutSeconds, q.watch,
];

const BY_OPERATION: Record<OperationKind, ParamSpec[]> = {
  list: LIST,
  watch: LIST,
  create: [q.dryRun, q.fieldManager, q.fieldValidation],
  update: [q.dryRun, q.fieldManager, q.fieldValidation],
  patch: [q.dryRun, q.fieldManager, q.fieldValidation, q.force],
  delete: [q.dryRun, q.gracePeriodSeconds, q.propagationPolicy],
  deletecollection: [
    q.continue, q.dryRun, q.fieldSelector, q.gracePeriodSeconds, q.labelSelector, q.limit,
    q.propagationPolicy, q.resourceVersion, q.resourceVersionMatch, q.sendInitialEvents, q.timeoutSeconds,
  ],
};

/** The operation-level query parameters of one kind of operation (a fresh array). */
export function paramsOf(op: OperationKind): ParamSpec[] {
  return [...BY_OPERATION[op]];
}
