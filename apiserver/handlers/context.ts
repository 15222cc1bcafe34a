/** Per-request state shared by the resource handlers. */
import type { Request, Response } from 'express';
import { methodNotRouted, pathNotFound } from '../../apimachinery/errors.js';
import type { AdmissionChain } from '../../admission/chain.js';
import type { Operation } from '../../admission/types.js';
import type { AdmissionHooks } from '../../registry/generic/store.js';
import { protobufMessage, type RegistrySettings, type RequestContext, type SubresourceDescriptor, type UserInfo } from '../../registry/types.js';
import type { Authorizer } from '../authz/types.js';
import type { Lifecycle } from '../lifecycle.js';
import { negotiate, type Format, type Rendering, type Shape } from '../negotiation.js';
import { sendBody } from '../respond.js';
import type { Logger } from '../log.js';
import type { ServerMetrics } from '../metrics.js';
import type { RequestInfo } from '../requestinfo.js';
import type { ResourceIndex, ServedResource } from '../resources.js';
import type { ParsedBody } from '../decode.js';

/**
 * Serves POST on a create-only subresource (such as `shoots/adminkubeconfig`): gets the parsed body
 * (an object whose type meta reads; apiVersion and kind may be missing) and answers with the object
 * to return as 201.
 */
export type SubresourceCreator = (r: ResourceRequest, body: ParsedBody) => Promise<Record<string, unknown>>;

/** What the handlers are built from. */
export interface HandlerDeps {
  index: ResourceIndex;
  admission: AdmissionChain;
  /** Asked again for `create` when an apply patch would create its object. */
  authorizer: Authorizer;
  /** Create-only subresources, keyed `<group>/<resource>/<subresource>`. */
  subresourceCreators?: ReadonlyMap<string, SubresourceCreator>;
  /** Running watches are registered here so shutdown can end them. */
  lifecycle?: Lifecycle;
  metrics?: ServerMetrics;
  log?: Logger;
  /** Settings the kinds' strategies read. */
  settings?: RegistrySettings;
}

/** One resource request, resolved. */
export interface ResourceRequest {
  req: Request;
  res: Response;
  info: RequestInfo;
  user: UserInfo;
  served: ServedResource;
  subresource: SubresourceDescriptor | undefined;
  query: Record<string, unknown>;
  ctx: RequestContext;
  deps: HandlerDeps;
}

/** The request info and user the earlier middleware stored on the response. */
export function requestState(res: Response): { info: RequestInfo; user: UserInfo } {
  return res.locals as { info: RequestInfo; user: UserInfo };
}

/** Finds the served resource (and subresource) a request names; 404 otherwise. */
export function resolveResource(deps: HandlerDeps, info: RequestInfo): { served: ServedResource; sub: SubresourceDescriptor | undefined } {
  const served = deps.index.get(info.apiGroup, info.apiVersion, info.resource);
  if (served === undefined || info.parts.length > 2) throw pathNotFound();
  const d = served.descriptor;
  if (!d.namespaced && info.namespace !== '') throw pathNotFound();
  const readsCollection = info.verb === 'list' || info.verb === 'watch';
  if (d.namespaced && info.namespace === '' && info.name !== '' && !readsCollection) throw pathNotFound();
  // Across namespaces a namespaced resource is only listed and watched; an object's own path takes no
  // POST (only subresources that create, such as shoots/adminkubeconfig, do).
  if (d.namespaced && info.namespace === '' && info.name === '' && !readsCollection) throw methodNotRouted();
  if (info.verb === 'create' && info.name !== '' && info.subresource === '') throw methodNotRouted();
  // A collection takes no PUT or PATCH (kube-apiserver has no such route).
  if ((info.verb === 'update' || info.verb === 'patch') && info.name === '') throw methodNotRouted();
  if (info.subresource === '') return { served, sub: undefined };
  const sub = d.subresources.find((s) => s.name === info.subresource);
  if (sub === undefined) throw pathNotFound();
  return { served, sub };
}

/** Admission hooks for one operation of this request. */
export function admissionHooks(r: ResourceRequest, operation: Operation, name: string): AdmissionHooks {
  return r.deps.admission.hooks(operation, {
    resource: r.served.descriptor,
    subresource: r.info.subresource,
    namespace: r.info.namespace,
    name,
    user: r.user,
    dryRun: r.ctx.dryRun,
  });
}

/** Negotiates the response of this request; `tables: false` where no Table may be asked for. */
export function outputOf(r: ResourceRequest, shape: Shape, tables = true): Rendering {
  const protobuf = protobufMessage(r.served.descriptor, r.subresource) !== undefined;
  return negotiate(r.req.headers.accept, { protobuf, shape, tables });
}

/**
 * Sends a response value of this resource in `format`, with the request's warnings; `stored` for an
 * object read from storage as it is stored (its encoding may be cached by version).
 */
export function send(r: ResourceRequest, code: number, body: unknown, format: Format, stored = false): void {
  sendBody(r.res, code, body, format, r.served.descriptor, r.ctx.warnings, stored);
}
