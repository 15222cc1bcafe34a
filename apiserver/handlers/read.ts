/** GET of one object and of collections; lists are streamed (list-stream.ts), Tables sent whole. */
import { sendList, type ListBody } from '../list-stream.js';
import type { KubeList } from '../../apimachinery/types.js';
import { includeObjectPolicy, type Rendering } from '../negotiation.js';
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
  const list = await r.served.store.list(r.ctx, namedListParams(r.query, r.info.name));
  await sendRenderedList(r, list, rendering, true);
}

/**
 * Answers with `list` as `rendering` asks (negotiated before the list was read or changed): a Table
 * whole, every other rendering streamed. `stored`: the items are stored versions, whose encodings the
 * version cache may hold.
 */
export async function sendRenderedList(r: ResourceRequest, list: KubeList, rendering: Rendering, stored: boolean): Promise<void> {
  const include = includeObjectPolicy(rendering, str(r.query, 'includeObject'));
  const body = renderList(r.served.descriptor, list, rendering, include);
  if (rendering.kind === 'table') send(r, 200, body, rendering.format);
  else await sendList(r.res, r.served.descriptor, body as ListBody, rendering.format, stored && rendering.kind === 'object', r.ctx.warnings);
}
