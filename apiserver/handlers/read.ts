/** GET of one object and of collections; lists are streamed (list-stream.ts), Tables sent whole. */
import { sendList, type ListBody } from '../list-stream.js';
import { includeObjectPolicy } from '../negotiation.js';
import { namedListParams, str } from '../query.js';
import { renderList, renderObject } from '../render.js';
import { outputOf, send, type ResourceRequest } from './context.js';

export async function handleGet(r: ResourceRequest): Promise<void> {
  const rendering = outputOf(r, 'object');
  const include = includeObjectPolicy(rendering, str(r.query, 'includeObject'));
  const obj = await r.served.store.get(r.ctx, r.info.name, str(r.query, 'resourceVersion'));
  send(r, 200, renderObject(r.served.descriptor, obj, rendering, include), rendering.format, rendering.kind === 'object');
}

export async function handleList(r: ResourceRequest): Promise<void> {
  const rendering = outputOf(r, 'list');
  const include = includeObjectPolicy(rendering, str(r.query, 'includeObject'));
  const list = await r.served.store.list(r.ctx, namedListParams(r.query, r.info.name));
  const body = renderList(r.served.descriptor, list, rendering, include);
  if (rendering.kind === 'table') send(r, 200, body, rendering.format);
  else await sendList(r.res, r.served.descriptor, body as ListBody, rendering.format, rendering.kind === 'object', r.ctx.warnings);
}
