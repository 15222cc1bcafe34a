/**
 * Read-only `v1` resources standalone mode serves so that gardenctl and kubectl find the garden they
 * expect: Namespaces (those of the Projects) and the `<shoot>.ca-cluster` ConfigMaps of the cluster-CA
 * directory. GET and LIST only, with label and field selectors, as JSON, Table or metadata-only; every
 * other verb is 405. Authorization has already happened (the request info covers `/api/v1`).
 */
import express, { type Request, type Response, type Router } from 'express';
import { methodNotAllowed, notFound } from '../../apimachinery/errors.js';
import { checkSupported, parseFieldSelector } from '../../apimachinery/fields.js';
import { parseLabelSelector } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { translateTimestampSince } from '../../registry/internalsecret/table.js';
import type { TableColumn } from '../../registry/types.js';
import type { StaticResource } from '../discovery.js';
import { withoutTypeMeta } from '../encode.js';
import { includeObjectPolicy, negotiate, type Rendering } from '../negotiation.js';
import { bool, str, type Query } from '../query.js';
import { sendBody } from '../respond.js';

/** One read-only resource: what discovery shows, how it is listed, printed and selected. */
export interface ReadOnlyResource extends StaticResource {
  listKind: string;
  columns: TableColumn[];
  cells(obj: KubeObject): unknown[];
  /** Field selector values of an object (the supported labels are its keys). */
  fields(obj: KubeObject): Record<string, string>;
  /** The objects in `namespace` ('' for all or for a cluster-scoped resource). */
  list(namespace: string): Promise<KubeObject[]>;
}

const col = (name: string, description: string, type: TableColumn['type'] = 'string'): TableColumn => ({ name, type, format: name === 'Name' ? 'name' : '', description, priority: 0 });

/** Namespaces from `list` (the Projects' namespaces). */
export function namespacesResource(list: () => Promise<KubeObject[]>): ReadOnlyResource {
  return {
    name: 'namespaces',
    singularName: 'namespace',
    namespaced: false,
    kind: 'Namespace',
    listKind: 'NamespaceList',
    verbs: ['get', 'list'],
    shortNames: ['ns'],
    columns: [col('Name', 'Name of the namespace.'), col('Status', 'The status of the namespace.'), col('Age', 'Time since the namespace was created.', 'date')],
    cells: (o) => [o.metadata.name ?? '', (o.status as { phase?: string } | undefined)?.phase ?? '', translateTimestampSince(o.metadata.creationTimestamp, Date.now())],
    fields: (o) => ({ 'metadata.name': o.metadata.name ?? '', 'status.phase': (o.status as { phase?: string } | undefined)?.phase ?? '' }),
    list: () => list(),
  };
}

/** ConfigMaps from `list` (the cluster-CA directory's). */
export function configMapsResource(list: (namespace: string) => Promise<KubeObject[]>): ReadOnlyResource {
  const keys = (o: KubeObject) => Object.keys((o.data as Record<string, unknown> | undefined) ?? {}).length;
  return {
    name: 'configmaps',
    singularName: 'configmap',
    namespaced: true,
    kind: 'ConfigMap',
    listKind: 'ConfigMapList',
    verbs: ['get', 'list'],
    shortNames: ['cm'],
    columns: [col('Name', 'Name of the ConfigMap.'), col('Data', 'Number of keys in data.', 'integer'), col('Age', 'Time since the ConfigMap was created.', 'date')],
    cells: (o) => [o.metadata.name ?? '', keys(o), translateTimestampSince(o.metadata.creationTimestamp, Date.now())],
    fields: (o) => ({ 'metadata.name': o.metadata.name ?? '', 'metadata.namespace': o.metadata.namespace ?? '' }),
    list,
  };
}

function partial(obj: KubeObject, version: string): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

function newest(items: readonly KubeObject[]): string {
  let rv = 0n;
  for (const o of items) {
    const v = o.metadata.resourceVersion ?? '';
    if (/^\d+$/.test(v) && BigInt(v) > rv) rv = BigInt(v);
  }
  return String(rv);
}

/** Sends one object or a list as the Accept header asks. */
function sendRendered(r: ReadOnlyResource, req: Request, res: Response, items: readonly KubeObject[], single: boolean): void {
  const rendering = negotiate(req.headers.accept, { protobuf: false, shape: single ? 'object' : 'list' });
  sendBody(res, 200, render(r, req, rendering, items, single), rendering.format);
}

/** One object or a list as negotiated. */
function render(r: ReadOnlyResource, req: Request, rendering: Rendering, items: readonly KubeObject[], single: boolean): unknown {
  const rv = newest(items);
  if (rendering.kind === 'table') {
    const include = includeObjectPolicy(rendering, str(req.query as Query, 'includeObject'));
    const rows = items.map((o) => ({ cells: r.cells(o), ...(include !== 'None' && { object: include === 'Object' ? o : partial(o, rendering.version) }) }));
    return { kind: 'Table', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: { resourceVersion: rv }, columnDefinitions: r.columns, rows };
  }
  if (single) return rendering.kind === 'metadata' ? partial(items[0] as KubeObject, rendering.version) : items[0];
  if (rendering.kind === 'metadata') return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: { resourceVersion: rv }, items: items.map((o) => partial(o, rendering.version)) };
  // Built-in kinds: the list names the kind, its items do not (single objects and tables keep it).
  return { kind: r.listKind, apiVersion: 'v1', metadata: { resourceVersion: rv }, items: items.map(withoutTypeMeta) };
}

async function getOne(r: ReadOnlyResource, req: Request, res: Response, namespace: string, name: string): Promise<void> {
  const obj = (await r.list(namespace)).find((o) => o.metadata.name === name);
  if (obj === undefined) throw notFound({ group: '', resource: r.name }, name);
  sendRendered(r, req, res, [obj], true);
}

async function listAll(r: ReadOnlyResource, req: Request, res: Response, namespace: string): Promise<void> {
  const q = req.query as Query;
  if (bool(q, 'watch') === true) throw methodNotAllowed('watch', r.kind);
  const labels = parseLabelSelector(str(q, 'labelSelector') ?? '');
  const fields = parseFieldSelector(str(q, 'fieldSelector') ?? '');
  checkSupported(fields, new Set(Object.keys(r.fields({ metadata: {} }))));
  const items = (await r.list(namespace)).filter((o) => labels.matches(o.metadata.labels) && fields.matches(r.fields(o)));
  sendRendered(r, req, res, items, false);
}

/** The routes of `resources` under `/api/v1` (mounted at `/api/v1`). */
export function coreV1Router(resources: readonly ReadOnlyResource[]): Router {
  const router = express.Router();
  const refuse = (r: ReadOnlyResource) => (req: Request) => {
    throw methodNotAllowed(req.method === 'POST' ? 'create' : req.method.toLowerCase(), r.kind);
  };
  for (const r of resources) {
    if (r.namespaced) {
      router.get(`/${r.name}`, (req, res) => listAll(r, req, res, ''));
      router.get(`/namespaces/:namespace/${r.name}`, (req, res) => listAll(r, req, res, String(req.params.namespace)));
      router.get(`/namespaces/:namespace/${r.name}/:name`, (req, res) => getOne(r, req, res, String(req.params.namespace), String(req.params.name)));
      router.all([`/namespaces/:namespace/${r.name}`, `/namespaces/:namespace/${r.name}/:name`], refuse(r));
    } else {
      router.get(`/${r.name}`, (req, res) => listAll(r, req, res, ''));
      router.get(`/${r.name}/:name`, (req, res) => getOne(r, req, res, '', String(req.params.name)));
      router.all([`/${r.name}`, `/${r.name}/:name`], refuse(r));
    }
  }
  return router;
}
