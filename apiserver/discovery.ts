/**
 * API discovery from the resource table: legacy `/apis`, `/apis/<g>`, `/apis/<g>/<v>`, and aggregated
 * discovery (apidiscovery.k8s.io v2 and v2beta1) with ETag/304; each in JSON, YAML or protobuf as the
 * Accept header asks (406 when it asks for none of them). Resources served outside the table
 * (standalone mode's core/v1 reads and authorization.k8s.io) are described by {@link StaticGroup}s; the
 * core group ("") is then also discovered at `/api` and `/api/v1`.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { notAcceptable, pathNotFound } from '../apimachinery/errors.js';
import type { ResourceDescriptor } from '../registry/types.js';
import { encodeBody } from './encode.js';
import { firstAcceptable, mediaTypeOf, servedMediaTypes, type Format } from './negotiation.js';
import { sendBody } from './respond.js';
import type { ResourceIndex } from './resources.js';

/** A resource served outside the resource table, as discovery lists it. */
export interface StaticResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
}

/** One version of a group served outside the resource table ("" is the legacy core group). */
export interface StaticGroup {
  group: string;
  version: string;
  resources: StaticResource[];
}

/** base64 of the first 8 bytes of sha256("<group>/<version>/<Kind>"). */
export function storageVersionHash(d: ResourceDescriptor): string {
  return createHash('sha256').update(`${d.group}/${d.version}/${d.kind}`).digest().subarray(0, 8).toString('base64');
}

function groupEntry(name: string, versions: string[]) {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

function staticEntry(r: StaticResource): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: r.name, singularName: r.singularName, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
  if (r.shortNames !== undefined) entry.shortNames = r.shortNames;
  return entry;
}

function resourceList(index: ResourceIndex, group: string, version: string, extra: readonly StaticGroup[]) {
  const resources: Record<string, unknown>[] = [];
  for (const g of extra) if (g.group === group && g.version === version) resources.push(...g.resources.map(staticEntry));
  for (const d of index.descriptors().filter((x) => x.group === group && x.version === version)) {
    const entry: Record<string, unknown> = {
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
    };
    if (d.shortNames.length > 0) entry.shortNames = d.shortNames;
    if (d.categories.length > 0) entry.categories = d.categories;
    entry.storageVersionHash = storageVersionHash(d);
    resources.push(entry);
    for (const s of d.subresources) {
      const sub: Record<string, unknown> = { name: `${d.resource}/${s.name}`, singularName: '', namespaced: d.namespaced, kind: s.kind?.kind ?? d.kind, verbs: s.verbs };
      if (s.kind) Object.assign(sub, { group: s.kind.group, version: s.kind.version });
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}

function discoveryResource(d: ResourceDescriptor) {
  const out: Record<string, unknown> = {
    resource: d.resource,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: d.verbs,
  };
  if (d.shortNames.length > 0) out.shortNames = d.shortNames;
  if (d.categories.length > 0) out.categories = d.categories;
  if (d.subresources.length > 0) {
    out.subresources = d.subresources.map((s) => {
      const kind = s.kind ?? { group: d.group, version: d.version, kind: d.kind };
      const sub: Record<string, unknown> = { subresource: s.name, responseKind: kind, verbs: s.verbs };
      if (s.kind) sub.acceptedTypes = [s.kind];
      return sub;
    });
  }
  return out;
}

function staticDiscoveryResource(r: StaticResource, g: StaticGroup): Record<string, unknown> {
  const out: Record<string, unknown> = {
    resource: r.name,
    responseKind: { group: g.group, version: g.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singularName,
    verbs: r.verbs,
  };
  if (r.shortNames !== undefined) out.shortNames = r.shortNames;
  return out;
}

/** Group -> versions of the resource table and the static groups; `legacy` selects the core group alone. */
function allGroups(index: ResourceIndex, extra: readonly StaticGroup[], legacy: boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [g, versions] of [...index.groups(), ...extra.map((x): [string, string[]] => [x.group, [x.version]])]) {
    if ((g === '') !== legacy) continue;
    out.set(g, [...new Set([...(out.get(g) ?? []), ...versions])]);
  }
  return out;
}

function aggregated(index: ResourceIndex, extra: readonly StaticGroup[], apiVersion: string, legacy: boolean) {
  const items = [...allGroups(index, extra, legacy)].map(([group, versions]) => ({
    metadata: { name: group },
    versions: versions.map((version) => ({
      version,
      resources: [
        ...index.descriptors().filter((d) => d.group === group && d.version === version).map(discoveryResource),
        ...extra.filter((g) => g.group === group && g.version === version).flatMap((g) => g.resources.map((r) => staticDiscoveryResource(r, g))),
      ],
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

type AggregatedVersion = 'v2' | 'v2beta1';

/** What a discovery request asks for: the aggregated document of a version, or the legacy one; and in which format. */
interface DiscoveryAnswer {
  aggregated?: AggregatedVersion;
  format: Format;
}

/**
 * The first Accept clause a discovery endpoint can serve: a plain media type (the legacy document) or,
 * where `aggregated` is offered (`/apis`, `/api`), a conversion to apidiscovery.k8s.io v2 or v2beta1
 * `APIGroupDiscoveryList`; 406 when none fits, as upstream.
 */
function discoveryAnswer(accept: string | undefined, aggregated: boolean): DiscoveryAnswer {
  const answer = firstAcceptable(accept, (c, format): DiscoveryAnswer | undefined => {
    const { as, g, v, stream } = c.params;
    if (stream !== undefined && stream !== '') return undefined;
    if (as === undefined) return { format };
    if (aggregated && g === 'apidiscovery.k8s.io' && as === 'APIGroupDiscoveryList' && (v === 'v2' || v === 'v2beta1')) return { aggregated: v, format };
    return undefined;
  });
  if (answer === undefined) throw notAcceptable(servedMediaTypes(true));
  return answer;
}

/** An aggregated document: the value, its ETag (of its JSON, for every format) and its encodings, made on first use. */
class AggregatedDoc {
  readonly etag: string;
  private readonly bodies = new Map<Format, Buffer | string>();

  constructor(private readonly doc: Record<string, unknown>) {
    this.etag = `"${createHash('sha512').update(this.body('json')).digest('hex').toUpperCase()}"`;
  }

  body(format: Format): Buffer | string {
    let body = this.bodies.get(format);
    if (body === undefined) {
      body = encodeBody(undefined, this.doc, format);
      this.bodies.set(format, body);
    }
    return body;
  }
}

/** The aggregated documents of both versions (for `/apis`, or `/api` when `legacy`), built once. */
function aggregatedDocs(index: ResourceIndex, extra: readonly StaticGroup[], legacy: boolean): Record<AggregatedVersion, AggregatedDoc> {
  const build = (v: AggregatedVersion) => new AggregatedDoc(aggregated(index, extra, `apidiscovery.k8s.io/${v}`, legacy));
  return { v2: build('v2'), v2beta1: build('v2beta1') };
}

/** Answers `/apis` or `/api`: the aggregated document when asked for (ETag, 304), else `legacyDoc()`. */
function sendRoot(req: Request, res: Response, docs: Record<AggregatedVersion, AggregatedDoc>, legacyDoc: () => unknown): void {
  const { aggregated: v, format } = discoveryAnswer(req.headers.accept, true);
  res.setHeader('Vary', 'Accept');
  if (v === undefined) {
    sendBody(res, 200, legacyDoc(), format);
    return;
  }
  const doc = docs[v];
  res.setHeader('ETag', doc.etag);
  res.setHeader('Cache-Control', 'public');
  if (req.headers['if-none-match'] === doc.etag) {
    res.status(304).end();
    return;
  }
  res.status(200).setHeader('Content-Type', `${mediaTypeOf(format)};g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`);
  res.end(doc.body(format));
}

/** Answers a legacy-only discovery path in the format the Accept header asks for. */
function sendLegacy(req: Request, res: Response, doc: unknown): void {
  sendBody(res, 200, doc, discoveryAnswer(req.headers.accept, false).format);
}

/** Handlers for the discovery paths; `legacy` and `legacyVersion` are only for a served core group. */
export function discoveryHandlers(index: ResourceIndex, extra: readonly StaticGroup[] = []) {
  const docs = aggregatedDocs(index, extra, false);
  const legacyDocs = aggregatedDocs(index, extra, true);
  const groups = () => allGroups(index, extra, false);
  return {
    apis(req: Request, res: Response): void {
      sendRoot(req, res, docs, () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups()].map(([name, versions]) => groupEntry(name, versions)) }));
    },
    group(req: Request, res: Response): void {
      const name = String(req.params.group);
      const versions = groups().get(name);
      if (versions === undefined) throw pathNotFound();
      sendLegacy(req, res, { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(name, versions) });
    },
    groupVersion(req: Request, res: Response): void {
      const group = String(req.params.group);
      const version = String(req.params.version);
      if (!(groups().get(group) ?? []).includes(version)) throw pathNotFound();
      sendLegacy(req, res, resourceList(index, group, version, extra));
    },
    /** `/api`: the versions of the core group, with the address the client reached. */
    legacy(req: Request, res: Response): void {
      sendRoot(req, res, legacyDocs, () => {
        const address = `${req.socket.localAddress ?? ''}:${req.socket.localPort ?? ''}`.replace(/^::ffff:/, '');
        const versions = allGroups(index, extra, true).get('') ?? [];
        return { kind: 'APIVersions', versions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }] };
      });
    },
    legacyVersion(req: Request, res: Response): void {
      const version = String(req.params.version);
      if (!(allGroups(index, extra, true).get('') ?? []).includes(version)) throw pathNotFound();
      sendLegacy(req, res, resourceList(index, '', version, extra));
    },
  };
}
