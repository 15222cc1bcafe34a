/** GET of one object and of collections. */
import { includeObjectPolicy, negotiate } from '../negotiation.js';
import { listParams, str } from '../query.js';
import { renderList, renderObject } from '../render.js';
import { sendJson } from '../respond.js';
import type { ResourceRequest } from './context.js';

export async function handleGet(r: ResourceRequest): Promise<void> {
  const rendering = negotiate(r.req.headers.accept, false);
  const include = includeObjectPolicy(str(r.query, 'includeObject'));
  const obj = await r.served.store.get(r.ctx, r.info.name, str(r.query, 'resourceVersion'));
  sendJson(r.res, 200, renderObject(r.served.descriptor, obj, rendering, include), r.ctx.warnings);
}

export async function handleList(r: ResourceRequest): Promise<void> {
  const rendering = negotiate(r.req.headers.accept, true);
  const include = includeObjectPolicy(str(r.query, 'includeObject'));
  const list = await r.served.store.list(r.ctx, listParams(r.query));
  sendJson(r.res, 200, renderList(r.served.descriptor, list, rendering, include), r.ctx.warnings);
}
