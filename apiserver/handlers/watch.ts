/**
 * Watch streaming over a chunked 200 response (or a WebSocket, see `watch-sink.ts`), flushed per
 * event: JSON events one per line (`application/json`), or length-prefixed protobuf WatchEvents
 * (`application/vnd.kubernetes.protobuf;stream=watch`). Table watches (JSON only) send one-row
 * Tables, bookmarks included, with column definitions in the first event only; metadata-only watches
 * send PartialObjectMetadata, bookmarks included (watch-list requests: see `watch-list.ts`). The
 * stream ends after `timeoutSeconds` (random 1800-3600 s when absent), when the client goes away, or
 * when the source ends; a client that stopped reading is cut off at the timeout.
 */
import { randomInt } from 'node:crypto';
import { PROTOBUF_WATCH_MEDIA_TYPE, watchFrame } from '../../apimachinery/protobuf/index.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { apiVersionOf, type ResourceDescriptor } from '../../registry/types.js';
import type { WatchEvent } from '../../storage/interface.js';
import { encodeProtobufBody, isKindOf, objectJson } from '../encode.js';
import { includeObjectPolicy, type Format, type Rendering } from '../negotiation.js';
import { namedListParams, str } from '../query.js';
import { toTable, type IncludeObject } from '../render.js';
import { nextTurn } from '../../storage/pacer.js';
import { isSharedEvent } from '../../storage/cacher/event.js';
import { outputOf, type ResourceRequest } from './context.js';
import { openWatchSink } from './watch-sink.js';
import { blueprintAnnotator, isWatchList, withWatchListDefaults } from './watch-list.js';

const MIN_TIMEOUT_S = 1800;
/** The longest delay a Node.js timer takes (about 24.8 days); longer timeouts wait that long. */
const MAX_TIMER_MS = 2_147_483_647;
/** Seconds before a watch's timeout when it gets its last bookmark. */
const PRE_TIMEOUT_BOOKMARK_S = 2;
/** Longest stretch of writing events between two turns of the event loop. */
const SLICE_MS = 10;
/** Bytes a watch may have queued on its connection before it waits for the client to take them. */
const WATCH_BUFFER_BYTES = 256 * 1024;

/**
 * Encoded events of the plain rendering, by event: the watch cache hands the same (frozen) event to
 * every watcher of a change, so it is serialized once, not once per watcher. Watchers take an event
 * within moments of each other, so the most recent encodings are kept, up to a byte budget (the cache
 * keeps up to 102,400 recent events; their encodings are made again for a watch that replays them).
 */
const encodedEvents = new Map<WatchEvent, Partial<Record<Format, Buffer>>>();
/** Bytes of encoded events kept at most. */
const ENCODED_EVENTS_BUDGET = 32 * 1024 * 1024;
let encodedBytes = 0;

/** Keeps `bytes` more of encodings, dropping the oldest events' past the budget. */
function account(bytes: number): void {
  encodedBytes += bytes;
  for (const [ev, byFormat] of encodedEvents) {
    if (encodedBytes <= ENCODED_EVENTS_BUDGET) break;
    encodedEvents.delete(ev);
    for (const b of Object.values(byFormat)) encodedBytes -= b.length;
  }
}

const EVENT_END = Buffer.from('}\n');

/**
 * One event in `format`. Objects of the resource's kind are stored versions, encoded through the
 * version cache, except in DELETED events: those carry the last state at the deletion's revision, or,
 * for an object that left a watch's selection, its previous state at a revision where the object
 * exists with other content, which must not be taken for that version.
 */
function encodeEvent(d: ResourceDescriptor, type: string, object: unknown, format: Format): Buffer {
  const stored = type !== 'DELETED';
  if (format === 'protobuf') return watchFrame(type, encodeProtobufBody(d, object, stored));
  if (!isKindOf(d, object)) return Buffer.from(`${JSON.stringify({ type, object })}\n`);
  return Buffer.concat([Buffer.from(`{"type":${JSON.stringify(type)},"object":`), objectJson(d, object, stored), EVENT_END]);
}


function plainEvent(d: ResourceDescriptor, ev: WatchEvent, format: Format): Buffer {
  // A watcher's own events (its initial state, its bookmarks) are encoded for it alone.
  if (!isSharedEvent(ev)) return encodeEvent(d, ev.type, typed(d, ev.object), format);
  const byFormat = encodedEvents.get(ev);
  const kept = byFormat?.[format];
  if (kept !== undefined) return kept;
  const made = encodeEvent(d, ev.type, typed(d, ev.object), format);
  if (byFormat !== undefined) byFormat[format] = made;
  else encodedEvents.set(ev, { [format]: made });
  account(made.length);
  return made;
}

/** Bookmarks of an untyped source carry no apiVersion/kind; protobuf needs them. */
function typed(d: ResourceDescriptor, obj: KubeObject | Record<string, unknown>): unknown {
  return obj.kind === undefined ? { apiVersion: apiVersionOf(d), kind: d.kind, ...obj } : obj;
}

/** Encodes events as negotiated, remembering whether the table header was sent. */
function eventEncoder(d: ResourceDescriptor, rendering: Rendering, include: IncludeObject): (ev: WatchEvent) => Buffer {
  let headerSent = false;
  return (ev) => {
    if (rendering.kind === 'object' || ev.type === 'ERROR') return plainEvent(d, ev, rendering.format);
    const obj = ev.object as KubeObject;
    if (rendering.kind === 'metadata') {
      const partial = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: obj.metadata };
      return encodeEvent(d, ev.type, partial, rendering.format);
    }
    // Bookmarks become one-row Tables too (a watch-list, whose end bookmark matters, is never a Table).
    const rv = obj.metadata.resourceVersion ?? '';
    const row = ev.type === 'BOOKMARK' ? (typed(d, obj) as KubeObject) : obj;
    const table = toTable(d, [row], { resourceVersion: rv }, { version: rendering.version, include, withColumns: !headerSent });
    headerSent = true;
    return encodeEvent(d, ev.type, table, 'json');
  };
}

export async function handleWatch(r: ResourceRequest): Promise<void> {
  const params = withWatchListDefaults(namedListParams(r.query, r.info.name));
  const rendering = outputOf(r, 'watch', !isWatchList(params));
  const include = includeObjectPolicy(rendering, str(r.query, 'includeObject'));
  const watch = r.served.store.watch(r.ctx, params);
  const annotate = blueprintAnnotator(r.served.descriptor, rendering, params);
  const toEvent = eventEncoder(r.served.descriptor, rendering, include);
  const encode = (ev: WatchEvent) => toEvent(annotate(ev));
  const protobuf = rendering.format === 'protobuf';
  const sink = await openWatchSink(r, protobuf ? PROTOBUF_WATCH_MEDIA_TYPE : 'application/json', protobuf);
  if (sink === undefined) {
    watch.stop();
    return;
  }
  // As kube-apiserver: zero (or none) is a random timeout, a negative one ends the watch at once.
  const requested = params.timeoutSeconds ?? 0;
  const seconds = requested === 0 ? randomInt(MIN_TIMEOUT_S, 2 * MIN_TIMEOUT_S + 1) : Math.max(requested, 0);
  let timedOut = false;
  let onTimeout = (): void => {};
  const stopped = new Promise<void>((resolve) => (onTimeout = resolve));
  const timer = setTimeout(() => {
    timedOut = true;
    watch.stop();
    onTimeout();
  }, Math.min(seconds * 1000, MAX_TIMER_MS));
  // As kube-apiserver's watch cache: a bookmark two seconds before the end, so that the client
  // resumes from a recent revision.
  const lastBookmark =
    params.allowWatchBookmarks === true && seconds > PRE_TIMEOUT_BOOKMARK_S && seconds * 1000 <= MAX_TIMER_MS
      ? setTimeout(() => watch.requestBookmark?.(), (seconds - PRE_TIMEOUT_BOOKMARK_S) * 1000)
      : undefined;
  const stop = () => watch.stop();
  const offGone = sink.onGone(stop);
  if (sink.gone) stop();
  const unregister = r.deps.lifecycle?.registerWatch(stop);
  let sliceStart = performance.now();
  try {
    for await (const ev of watch) {
      if (sink.gone || timedOut) break;
      // Back-pressure: a slow client makes this loop wait, so its backlog builds up in the watch
      // cache, which closes watchers that fall too far behind instead of buffering without bound.
      // It waits past a bound of its own, not at the first refused write: waiting for a drain costs
      // a turn of the event loop, and a server busy with writes would then send a few events per
      // turn, falling seconds behind its watchers.
      sink.send(encode(ev));
      if (sink.queued >= WATCH_BUFFER_BYTES) await sink.drained(stopped);
      // A long backlog (initial events) is written in slices, letting other requests in between.
      if (performance.now() - sliceStart >= SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  } finally {
    clearTimeout(timer);
    clearTimeout(lastBookmark);
    unregister?.();
    offGone();
    watch.stop();
    // A client that stopped reading cannot take the end of the stream: drop the connection instead.
    sink.end(timedOut);
  }
}
