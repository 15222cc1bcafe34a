/**
 * Watch-list requests (`sendInitialEvents=true` with bookmarks), as kube-apiserver 1.32 serves them
 * with its WatchList feature on (beta, on by default):
 *
 * - a watch asked for with `watch=true` from resourceVersion "" or "0", with neither
 *   `sendInitialEvents` nor `resourceVersionMatch`, is given `sendInitialEvents=true` and
 *   `resourceVersionMatch=NotOlderThan` (its initial events were ADDED events already; with bookmarks
 *   allowed it now ends them with the `k8s.io/initial-events-end` bookmark). A watch through the
 *   `/watch/` path prefix keeps its options, as upstream defaults on the `watch` parameter only;
 * - a watch-list request cannot be answered as a Table;
 * - its initial-events-end bookmark carries `kubernetes.io/initial-events-list-blueprint`: the base64 of an
 *   empty list of the resource (a PartialObjectMetadataList for metadata-only watches) in the
 *   negotiated encoding, from which client-go's watch-list client builds the list it returns.
 */
import { apiVersionOf, type ResourceDescriptor } from '../../registry/types.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { WatchEvent } from '../../storage/interface.js';
import { INITIAL_EVENTS_END_ANNOTATION } from '../../storage/store/watch.js';
import type { ListParams } from '../../registry/generic/selection.js';
import { encodeProtobufBody } from '../encode.js';
import type { Rendering } from '../negotiation.js';

/** Annotation of the initial-events-end bookmark holding the empty list (metav1.InitialEventsListBlueprintAnnotationKey). */
export const LIST_BLUEPRINT_ANNOTATION = 'kubernetes.io/initial-events-list-blueprint';

/** `params` with kube-apiserver's watch-list defaults (see the module comment). */
export function withWatchListDefaults(params: ListParams): ListParams {
  if (params.watch !== true || params.sendInitialEvents !== undefined || (params.resourceVersionMatch ?? '') !== '') return params;
  const rv = params.resourceVersion ?? '';
  if (rv !== '' && rv !== '0') return params;
  return { ...params, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' };
}

/** Whether a watch is a watch-list request: initial events ended by a bookmark. */
export function isWatchList(params: ListParams): boolean {
  return params.sendInitialEvents === true && params.allowWatchBookmarks === true;
}

/** The empty list a watch-list's blueprint encodes, as Go encodes the resource's (or the metadata-only) list. */
function emptyList(d: ResourceDescriptor, rendering: Rendering): Record<string, unknown> {
  if (rendering.kind === 'metadata') return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: {}, items: null };
  // A custom resource's list is unstructured: its keys sorted, no metadata, items empty.
  if (d.listItemsTyped === true) return { apiVersion: apiVersionOf(d), items: [], kind: d.listKind };
  return { kind: d.listKind, apiVersion: apiVersionOf(d), metadata: {}, items: null };
}

function encodedBlueprint(d: ResourceDescriptor, rendering: Rendering): string {
  const list = emptyList(d, rendering);
  const bytes = rendering.format === 'protobuf' ? encodeProtobufBody(d, { ...list, items: [] }) : Buffer.from(`${JSON.stringify(list)}\n`);
  return bytes.toString('base64');
}

/**
 * For a watch-list request, a function giving the initial-events-end bookmark its blueprint (other
 * events unchanged); for any other watch, the identity.
 */
export function blueprintAnnotator(d: ResourceDescriptor, rendering: Rendering, params: ListParams): (ev: WatchEvent) => WatchEvent {
  if (!isWatchList(params)) return (ev) => ev;
  let blueprint: string | undefined;
  return (ev) => {
    const annotations = ev.object.metadata.annotations;
    if (ev.type !== 'BOOKMARK' || annotations?.[INITIAL_EVENTS_END_ANNOTATION] !== 'true') return ev;
    blueprint ??= encodedBlueprint(d, rendering);
    const object: KubeObject = { ...ev.object, metadata: { ...ev.object.metadata, annotations: { ...annotations, [LIST_BLUEPRINT_ANNOTATION]: blueprint } } };
    return { type: ev.type, object };
  };
}
