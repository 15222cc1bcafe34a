/**
 * List responses written as a stream, in slices: the event loop is never held for long by one large
 * list (between slices other requests and probes are served), and the whole encoded list is never held
 * in memory: each slice, at most {@link SLICE_BYTES}, is written and the client has taken it before the
 * next is encoded, so that hundreds of lists to slow readers hold little more than a slice each.
 *
 * JSON lists are the list object's JSON with the items' encodings spliced in; YAML lists likewise, the
 * items as a block sequence between the list's sorted keys (`apiVersion`, `items`, `kind`,
 * `metadata`). A protobuf list is an
 * enveloped `<Kind>List` message, whose length prefixes must be known before its first byte: the items
 * are encoded once to learn their sizes (and kept, within a budget shared by all protobuf lists in
 * flight, so that most lists are encoded only once), then written.
 */
import type { Response } from 'express';
import protobuf from 'protobufjs';
import { MAGIC, META_MESSAGES, protobufCodecs } from '../apimachinery/protobuf/index.js';
import type { ListMeta } from '../apimachinery/types.js';
import type { ResourceDescriptor } from '../registry/types.js';
import { toYaml, toYamlSequenceItem } from '../apimachinery/yaml.js';
import { isKindOf, listItemJson, listItemOf, objectMessage, objectYamlItem } from './encode.js';
import { mediaTypeOf, prettyRequested, type Format } from './negotiation.js';
import { StreamedBody } from './compress.js';
import { warningHeader } from './respond.js';
import { nextTurn } from '../storage/pacer.js';

/** A list response: a `<Kind>List` of the resource or a PartialObjectMetadataList. */
export interface ListBody {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: readonly unknown[];
}

/** Longest stretch of encoding between two turns of the event loop. */
const SLICE_MS = 10;
/** Most encoded bytes written at once (then back-pressure is waited for). */
const SLICE_BYTES = 64 * 1024;
/** Item encodings kept between the two passes of protobuf lists, all lists in flight together. */
const KEEP_BUDGET_BYTES = 64 * 1024 * 1024;
/** Bytes of item encodings kept now. */
let keptInFlight = 0;

const LIST_META = 'k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta';

/** Bytes of the varint of `n` (n < 2^32). */
function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/**
 * Calls `each(i)` for every index (it returns the bytes it encoded) until the client is gone; `flush`
 * after every {@link SLICE_BYTES} and at the end, and a turn of the event loop after every {@link SLICE_MS}.
 */
async function sliced(res: StreamedBody, count: number, each: (i: number) => number, flush: () => Promise<void>): Promise<void> {
  let started = performance.now();
  let bytes = 0;
  for (let i = 0; i < count && !res.destroyed; i++) {
    bytes += each(i);
    if (bytes >= SLICE_BYTES) {
      await flush();
      bytes = 0;
    }
    if (performance.now() - started >= SLICE_MS) {
      await flush();
      bytes = 0;
      await nextTurn();
      started = performance.now();
    }
  }
  await flush();
}

/** Writes `parts` (and empties it), then waits for back-pressure to clear. */
function flusher(res: StreamedBody, parts: Buffer[]): () => Promise<void> {
  return async () => {
    if (parts.length > 0 && !res.destroyed) res.write(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
    parts.length = 0;
    await res.drained();
  };
}

async function writeJsonList(res: StreamedBody, d: ResourceDescriptor, list: ListBody, stored: boolean): Promise<void> {
  const parts: Buffer[] = [Buffer.from(`{"apiVersion":${JSON.stringify(list.apiVersion)},"kind":${JSON.stringify(list.kind)},"metadata":${JSON.stringify(list.metadata)},"items":[`)];
  const comma = Buffer.from(',');
  await sliced(
    res,
    list.items.length,
    (i) => {
      if (i > 0) parts.push(comma);
      let bytes = 1;
      for (const piece of listItemJson(d, list.items[i], stored)) {
        parts.push(piece);
        bytes += piece.length;
      }
      return bytes;
    },
    flusher(res, parts),
  );
  if (!res.destroyed) res.end(']}');
}

/** `text` (two-space indented JSON) with every line after the first moved right by `indent`. */
function nested(text: string, indent: string): string {
  return text.replaceAll('\n', `\n${indent}`);
}

/**
 * The list as two-space indented JSON, byte for byte what `JSON.stringify(list, null, 2)` gives for its
 * items as lists hold them ({@link listItemOf}), in slices like the compact form.
 */
async function writePrettyJsonList(res: StreamedBody, d: ResourceDescriptor, list: ListBody): Promise<void> {
  const head = [`{\n  "apiVersion": ${JSON.stringify(list.apiVersion)},`, `  "kind": ${JSON.stringify(list.kind)},`, `  "metadata": ${nested(JSON.stringify(list.metadata, null, 2), '  ')},`];
  if (list.items.length === 0) {
    if (!res.destroyed) res.end(`${head.join('\n')}\n  "items": []\n}`);
    return;
  }
  const parts: Buffer[] = [Buffer.from(`${head.join('\n')}\n  "items": [\n`)];
  await sliced(
    res,
    list.items.length,
    (i) => {
      const item = Buffer.from(`${i > 0 ? ',\n' : ''}    ${nested(JSON.stringify(listItemOf(d, list.items[i]), null, 2), '    ')}`);
      parts.push(item);
      return item.length;
    },
    flusher(res, parts),
  );
  if (!res.destroyed) res.end('\n  ]\n}');
}

async function writeYamlList(res: StreamedBody, d: ResourceDescriptor, list: ListBody, stored: boolean): Promise<void> {
  const parts: Buffer[] = [];
  if (list.items.length === 0) parts.push(Buffer.from(toYaml({ apiVersion: list.apiVersion, items: [] })));
  else parts.push(Buffer.from(`${toYaml({ apiVersion: list.apiVersion })}items:\n`));
  await sliced(
    res,
    list.items.length,
    (i) => {
      const item = list.items[i];
      const yaml = isKindOf(d, item) ? objectYamlItem(d, item, stored) : Buffer.from(toYamlSequenceItem(item));
      parts.push(yaml);
      return yaml.length;
    },
    flusher(res, parts),
  );
  if (!res.destroyed) res.end(toYaml({ kind: list.kind, metadata: list.metadata }));
}

function itemMessage(d: ResourceDescriptor, list: ListBody, stored: boolean): (item: unknown) => Buffer {
  if (list.kind !== 'PartialObjectMetadataList') return (item) => objectMessage(d, item, stored);
  const codec = protobufCodecs().message(META_MESSAGES.partialObjectMetadata);
  return (item) => {
    const w = protobuf.Writer.create();
    codec.write(item, w, '');
    return Buffer.from(w.finish());
  };
}

async function writeProtobufList(res: StreamedBody, d: ResourceDescriptor, list: ListBody, stored: boolean): Promise<void> {
  const encodeItem = itemMessage(d, list, stored);
  const sizes: number[] = [];
  const kept: (Buffer | undefined)[] = [];
  let keptBytes = 0;
  const account = (bytes: number) => {
    keptBytes += bytes;
    keptInFlight += bytes;
  };
  try {
    let rawSize = 0;
    await sliced(
      res,
      list.items.length,
      (i) => {
        const body = encodeItem(list.items[i]);
        sizes.push(body.length);
        rawSize += 1 + varintSize(body.length) + body.length;
        const keep = keptInFlight + body.length <= KEEP_BUDGET_BYTES;
        kept.push(keep ? body : undefined);
        if (keep) account(body.length);
        return 0;
      },
      () => Promise.resolve(),
    );
    const parts: Buffer[] = [MAGIC, ...listHead(list, rawSize)];
    await sliced(
      res,
      list.items.length,
      (i) => {
        const held = kept[i];
        kept[i] = undefined;
        if (held !== undefined) account(-held.length);
        const body = held ?? encodeItem(list.items[i]);
        parts.push(Buffer.from(protobuf.Writer.create().uint32(0x12).uint32(sizes[i] ?? body.length).finish()), body);
        return body.length + 6;
      },
      flusher(res, parts),
    );
  } finally {
    account(-keptBytes);
  }
  if (!res.destroyed) res.end(Buffer.from([0x1a, 0x00, 0x22, 0x00]));
}

/** The `runtime.Unknown` envelope's head up to the list message's bytes, and the list's ListMeta field. */
function listHead(list: ListBody, itemsSize: number): Buffer[] {
  const meta = protobuf.Writer.create();
  meta.uint32(0x0a).fork();
  protobufCodecs().message(LIST_META).write(list.metadata, meta, '');
  meta.ldelim();
  const metaBytes = meta.finish();
  const head = protobuf.Writer.create();
  head.uint32(0x0a).fork().uint32(0x0a).string(list.apiVersion).uint32(0x12).string(list.kind).ldelim();
  head.uint32(0x12).uint32(itemsSize + metaBytes.length);
  return [Buffer.from(head.finish()), Buffer.from(metaBytes)];
}

/**
 * Sends a list as `format`, streamed in slices. `stored` says that the items are stored versions (a
 * plain list from the store), whose encodings the version cache may hold.
 */
export async function sendList(res: Response, d: ResourceDescriptor, list: ListBody, format: Format, stored: boolean, warnings: string[]): Promise<void> {
  if (res.headersSent) return;
  res.locals.responseBody = list;
  // What a RequestResponse audit event records: the list as sent, its items as lists hold them (made
  // only for such an event).
  res.locals.auditResponseObject = () => ({ ...list, items: list.items.map((item) => listItemOf(d, item)) });
  if (warnings.length > 0) res.setHeader('Warning', [...new Set(warnings)].map(warningHeader));
  res.status(200).setHeader('Content-Type', mediaTypeOf(format));
  const body = new StreamedBody(res);
  if (format === 'json' && prettyRequested(res.req)) await writePrettyJsonList(body, d, list);
  else if (format === 'protobuf') await writeProtobufList(body, d, list, stored);
  else if (format === 'yaml') await writeYamlList(body, d, list, stored);
  else await writeJsonList(body, d, list, stored);
}
