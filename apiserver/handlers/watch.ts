/**
 * Watch streaming: one JSON event per line over a chunked 200 response, flushed per event. Table
 * watches send one-row Tables with column definitions in the first event only. The stream ends after
 * `timeoutSeconds` (random 1800-3600 s when absent), when the client goes away, or when the source ends.
 */
import { randomInt } from 'node:crypto';
import type { KubeObject } from '../../apimachinery/types.js';
import type { WatchEvent } from '../../storage/interface.js';
import { includeObjectPolicy, negotiate, type Rendering } from '../negotiation.js';
import { listParams, str } from '../query.js';
import { toTable, type IncludeObject } from '../render.js';
import type { ResourceRequest } from './context.js';

const MIN_TIMEOUT_S = 1800;

/** Resolves when the response can take more data (or is gone). */
function drained(res: NodeJS.WritableStream & { destroyed: boolean }): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Encoded plain-JSON event lines by event object: the watch cache hands the same (frozen) object to
 * every watcher, so a change is serialized and UTF-8 encoded once, not once per watcher.
 */
const plainLines = new WeakMap<object, Map<string, Buffer>>();

function plainLine(ev: WatchEvent): Buffer {
  let byType = plainLines.get(ev.object);
  if (byType === undefined) {
    byType = new Map();
    plainLines.set(ev.object, byType);
  }
  let line = byType.get(ev.type);
  if (line === undefined) {
    line = Buffer.from(`${JSON.stringify({ type: ev.type, object: ev.object })}\n`);
    byType.set(ev.type, line);
  }
  return line;
}

/** Encodes events as negotiated, remembering whether the table header was sent. */
function eventEncoder(r: ResourceRequest, rendering: Rendering, include: IncludeObject): (ev: WatchEvent) => string | Buffer {
  let headerSent = false;
  const d = r.served.descriptor;
  return (ev) => {
    if (rendering.kind === 'object') return plainLine(ev);
    let object: unknown = ev.object;
    if (ev.type !== 'ERROR' && ev.type !== 'BOOKMARK') {
      if (rendering.kind === 'table') {
        const rv = ev.object.metadata.resourceVersion ?? '';
        object = toTable(d, [ev.object], { resourceVersion: rv }, { version: rendering.version, include, withColumns: !headerSent });
        headerSent = true;
      } else if (rendering.kind === 'metadata') {
        object = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: (ev.object as KubeObject).metadata };
      }
    }
    return `${JSON.stringify({ type: ev.type, object })}\n`;
  };
}

export async function handleWatch(r: ResourceRequest): Promise<void> {
  const rendering = negotiate(r.req.headers.accept, true);
  const include = includeObjectPolicy(str(r.query, 'includeObject'));
  const params = listParams(r.query);
  const watch = r.served.store.watch(r.ctx, params);
  const encode = eventEncoder(r, rendering, include);
  const seconds = params.timeoutSeconds !== undefined && params.timeoutSeconds > 0 ? params.timeoutSeconds : randomInt(MIN_TIMEOUT_S, 2 * MIN_TIMEOUT_S + 1);
  const timer = setTimeout(() => watch.stop(), seconds * 1000);
  const stop = () => watch.stop();
  r.res.on('close', stop);
  const unregister = r.deps.lifecycle?.registerWatch(stop);
  r.res.status(200);
  r.res.setHeader('Content-Type', 'application/json');
  r.res.setHeader('Cache-Control', 'no-cache, private');
  r.res.flushHeaders();
  try {
    for await (const ev of watch) {
      if (r.res.destroyed) break;
      // Back-pressure: a slow client makes this loop wait, so its backlog builds up in the watch
      // cache, which closes watchers that fall too far behind instead of buffering without bound.
      if (!r.res.write(encode(ev))) await drained(r.res);
    }
  } finally {
    clearTimeout(timer);
    unregister?.();
    r.res.off('close', stop);
    watch.stop();
    if (!r.res.destroyed) r.res.end();
  }
}
