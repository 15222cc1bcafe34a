/**
 * List semantics of the object store, after k8s.io/apiserver's etcd3 store: resourceVersion and
 * resourceVersionMatch, paging with continue tokens pinned to the first page's revision, filtering
 * with more backend reads until a page is full, and 410 Expired for compacted revisions.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { decodeContinue, encodeContinue } from '../continue.js';
import { ExpiredError, InvalidRequestError, TooLargeResourceVersionError } from '../errors.js';
import type { KeyValue, ListOptions, ListResult, SelectionPredicate } from '../interface.js';
import { compareKeys, prefixEnd, singleKeyEnd } from '../keys.js';
import { parseResourceVersion } from '../resource-version.js';
import { Pacer } from '../pacer.js';
import type { StoreCore } from './core.js';

/** Upper bound of the growing backend page size used while a selector filters items out. */
const MAX_READ_LIMIT = 10_000;
/**
 * Keys per backend read of a list without `limit`: it is read in chunks at one revision, so that no
 * single response (and no single decoding step) grows with the size of the store.
 */
const UNPAGED_CHUNK = 500;

const LIST_TOO_OLD = 'The resourceVersion for the provided list is too old.';
const CONTINUE_TOO_OLD =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without ' +
  'the continue parameter, or use the continue token in this response to retrieve the remainder of the results. ' +
  'Continuing with the provided token results in an inconsistent list - objects that were created, modified, or ' +
  'deleted between the time the first chunk was returned and now may show up in the list.';

/** Where and at which revision a list reads. */
interface ListPlan {
  /** The list's key prefix (continue tokens are relative to it). */
  keyPrefix: string;
  start: string;
  end: string;
  /** Revision to read at; 0 reads the latest and pins later pages to it. */
  revision: number;
  /** The least revision the latest state may have (0: any); checked against the first read. */
  atLeast: number;
  /** The request carried a continue token (a compacted revision then yields a -1 token). */
  continuing: boolean;
  limit: number;
}

/** Lists objects under `prefix` (see {@link ListOptions}). */
export async function listObjects(core: StoreCore, prefix: string, opts: ListOptions): Promise<ListResult> {
  core.checkPrefix(prefix);
  if (opts.singleKey !== undefined && !opts.singleKey.startsWith(prefix)) {
    throw new InvalidRequestError(`key ${JSON.stringify(opts.singleKey)} is not under ${JSON.stringify(prefix)}`, prefix);
  }
  const plan = await planList(core, prefix, opts);
  try {
    return await readPages(core, plan, opts.predicate);
  } catch (e: unknown) {
    if (!(e instanceof ExpiredError)) throw e;
    if (!plan.continuing) throw new ExpiredError(LIST_TOO_OLD, prefix);
    throw new ExpiredError(CONTINUE_TOO_OLD, prefix, encodeContinue(plan.start, plan.keyPrefix, -1));
  }
}

async function planList(core: StoreCore, prefix: string, opts: ListOptions): Promise<ListPlan> {
  const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0;
  const single = opts.singleKey;
  const range = { keyPrefix: prefix, start: single ?? prefix, end: single === undefined ? prefixEnd(prefix) : singleKeyEnd(single), limit };
  if (opts.continue !== undefined && opts.continue !== '') {
    // As kube-apiserver's store: the token is read first, so a bad one is reported whatever else is wrong.
    const position = decodeContinue(opts.continue, prefix);
    if (opts.resourceVersion !== undefined && opts.resourceVersion !== '' && opts.resourceVersion !== '0') {
      throw new InvalidRequestError('specifying resource version is not allowed when using continue', prefix);
    }
    if (opts.resourceVersionMatch !== undefined && opts.resourceVersionMatch !== '') {
      throw new InvalidRequestError('resourceVersionMatch is forbidden when continue is provided', prefix);
    }
    const start = compareKeys(position.startKey, range.start) > 0 ? position.startKey : range.start;
    return { ...range, start, revision: position.revision > 0 ? position.revision : 0, atLeast: 0, continuing: true };
  }
  return { ...range, ...(await readRevision(core, prefix, opts, limit)), continuing: false };
}

/**
 * Where a list without continue reads, as kube-apiserver decides behind its watch cache:
 * - Exact N, and a legacy N with a `limit` on a prefix: at N, which fails at once when N is in the
 *   future (the watch cache hands these to etcd, whose error is passed on);
 * - a legacy N with a `limit` on a single key: the latest state, which must have reached N (504 at
 *   once otherwise, without Retry-After: etcd's store checks the revision of its read);
 * - NotOlderThan N (and a legacy N without `limit`): the latest state once the backend has reached N,
 *   waited for as the watch cache waits (504 with Retry-After when it does not come).
 */
async function readRevision(core: StoreCore, prefix: string, opts: ListOptions, limit: number): Promise<{ revision: number; atLeast: number }> {
  const rvText = opts.resourceVersion ?? '';
  const rv = parseResourceVersion(rvText, prefix);
  const match = opts.resourceVersionMatch ?? '';
  if (match !== '' && rvText === '') {
    throw new InvalidRequestError('resourceVersionMatch is forbidden unless resourceVersion is provided', prefix);
  }
  if (match === 'Exact' && rv === 0) {
    throw new InvalidRequestError('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"', prefix);
  }
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw new InvalidRequestError(`unknown ResourceVersionMatch value: ${String(match)}`, prefix);
  }
  const legacyPaged = match === '' && limit > 0 && rv > 0;
  if (match === 'Exact' || (legacyPaged && opts.singleKey === undefined)) return { revision: rv, atLeast: 0 };
  if (legacyPaged) return { revision: 0, atLeast: rv };
  await core.ensureRevision(rv, prefix);
  return { revision: 0, atLeast: 0 };
}

/**
 * Reads backend pages until `limit` items pass the predicate or the range is exhausted. Without a
 * limit, the range is read in chunks of {@link UNPAGED_CHUNK} keys at the revision of the first.
 */
async function readPages(core: StoreCore, plan: ListPlan, predicate: SelectionPredicate | undefined): Promise<ListResult> {
  const filtering = predicate !== undefined && !predicate.empty;
  const paging = plan.limit > 0;
  const items: KubeObject[] = [];
  const pacer = new Pacer();
  let revision = plan.revision;
  let start = plan.start;
  let readLimit = paging ? plan.limit : UNPAGED_CHUNK;
  let lastKey = '';
  let hasMore = false;
  let count = 0;
  for (;;) {
    const page = await core.backend.range(start, plan.end, {
      ...(revision > 0 && { revision }),
      limit: readLimit,
      ...(paging && { count: !filtering }),
    });
    if (revision === 0) {
      revision = page.revision;
      if (revision < plan.atLeast) throw new TooLargeResourceVersionError(`Too large resource version: ${plan.atLeast}, current: ${revision}`, plan.keyPrefix, 0);
    }
    hasMore = page.more;
    count = page.count;
    const taken = await takeItems(core, page.kvs, items, predicate, paging ? plan.limit : 0, pacer);
    if (taken.lastKey !== undefined) lastKey = taken.lastKey;
    if (taken.full) hasMore = true;
    if (!hasMore || page.kvs.length === 0 || (paging && items.length >= plan.limit)) break;
    if (paging) readLimit = Math.min(readLimit * 2, Math.max(MAX_READ_LIMIT, plan.limit));
    start = singleKeyEnd(lastKey);
  }
  const result: ListResult = { items, resourceVersion: String(revision) };
  if (paging && hasMore && lastKey !== '') {
    result.continue = encodeContinue(singleKeyEnd(lastKey), plan.keyPrefix, revision);
    if (!filtering) result.remainingItemCount = Math.max(0, count - plan.limit);
  }
  return result;
}

/**
 * Examines `kvs` in order, appending the matching objects to `items`. Stops before examining a key
 * once `limit` (if non-zero) items are collected, reporting `full`.
 */
async function takeItems(
  core: StoreCore,
  kvs: readonly KeyValue[],
  items: KubeObject[],
  predicate: SelectionPredicate | undefined,
  limit: number,
  pacer: Pacer,
): Promise<{ lastKey?: string; full: boolean }> {
  let lastKey: string | undefined;
  for (const kv of kvs) {
    if (limit > 0 && items.length >= limit) return lastKey === undefined ? { full: true } : { lastKey, full: true };
    lastKey = kv.key;
    await pacer.pace();
    const { obj } = await core.decode(kv);
    if (predicate === undefined || predicate.empty || predicate.matches(obj)) items.push(obj);
  }
  return lastKey === undefined ? { full: false } : { lastKey, full: false };
}
