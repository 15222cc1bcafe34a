/**
 * API discovery from the resource table: legacy `/apis`, `/apis/<g>`, `/apis/<g>/<v>`, and aggregated
 * discovery (apidiscovery.k8s.io v2 and v2beta1) with ETag/304.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { pathNotFound } from '../apimachinery/errors.js';
import type { ResourceDescriptor } from '../registry/types.js';
import { parseAccept } from './negotiation.js';
import { sendJson } from './respond.js';
import type { ResourceIndex } from './resources.js';

/** base64 of the first 8 bytes of sha256("<group>/<version>/<Kind>"). */
export function storageVersionHash(d: ResourceDescriptor): string {
  return createHash('sha256').update(`${d.group}/${d.version}/${d.kind}`).digest().subarray(0, 8).toString('base64');
}

function groupEntry(name: string, versions: string[]) {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

function resourceList(index: ResourceIndex, group: string, version: string) {
  const resources: Record<string, unknown>[] = [];
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
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
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

function aggregated(index: ResourceIndex, apiVersion: string) {
  const items = [...index.groups()].map(([group, versions]) => ({
    metadata: { name: group, creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: index.descriptors().filter((d) => d.group === group && d.version === version).map(discoveryResource),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

/** Which aggregated version (if any) the Accept header asks for first. */
function aggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const c of parseAccept(accept)) {
    const { g, v, as } = c.params;
    if (c.type === 'application/json' && g === 'apidiscovery.k8s.io' && as === 'APIGroupDiscoveryList' && (v === 'v2' || v === 'v2beta1')) return v;
    if (c.type === 'application/json' && as === undefined) return undefined;
    if (c.type === '*/*') return undefined;
  }
  return undefined;
}

/** Serialized aggregated documents and their ETags, built once. */
function aggregatedDocs(index: ResourceIndex) {
  const build = (v: 'v2' | 'v2beta1') => {
    const json = JSON.stringify(aggregated(index, `apidiscovery.k8s.io/${v}`));
    return { json, etag: `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"` };
  };
  return { v2: build('v2'), v2beta1: build('v2beta1') };
}

/** Handlers for the discovery paths. */
export function discoveryHandlers(index: ResourceIndex) {
  const docs = aggregatedDocs(index);
  return {
    apis(req: Request, res: Response): void {
      const v = aggregatedVersion(req.headers.accept);
      res.setHeader('Vary', 'Accept');
      if (v === undefined) {
        const groups = [...index.groups()].map(([name, versions]) => groupEntry(name, versions));
        sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
        return;
      }
      const doc = docs[v];
      res.setHeader('ETag', doc.etag);
      res.setHeader('Cache-Control', 'public');
      if (req.headers['if-none-match'] === doc.etag) {
        res.status(304).end();
        return;
      }
      res.status(200).setHeader('Content-Type', `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`);
      res.end(doc.json);
    },
    group(req: Request, res: Response): void {
      const name = String(req.params.group);
      const versions = index.groups().get(name);
      if (versions === undefined) throw pathNotFound();
      sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(name, versions) });
    },
    groupVersion(req: Request, res: Response): void {
      const group = String(req.params.group);
      const version = String(req.params.version);
      if (!(index.groups().get(group) ?? []).includes(version)) throw pathNotFound();
      sendJson(res, 200, resourceList(index, group, version));
    },
  };
}
