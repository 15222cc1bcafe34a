/**
 * `metadata.managedFields` in and out (k8s.io/apimachinery `managedfields/internal`): decoding entries
 * into per-manager field sets, encoding them back in upstream's order, manager identities, and the
 * cap on the number of Update entries.
 */
import type { ManagedFieldsEntry } from '../../apimachinery/types.js';
import { FieldSet } from './fieldset.js';

export type Operation = 'Apply' | 'Update';

/** What identifies a manager's entry: one per (manager, operation, subresource), plus the API version for Update. */
export interface ManagerInfo {
  readonly manager: string;
  readonly operation: Operation;
  /** Part of the identity of Update entries only. */
  readonly apiVersion: string;
  readonly subresource: string;
}

/** The fields one manager owns. */
export interface ManagedSet {
  readonly info: ManagerInfo;
  readonly set: FieldSet;
  /** The API version the fields are expressed in. */
  readonly apiVersion: string;
  /** RFC 3339 time of the last change, when known. */
  readonly time: string | undefined;
}

/** All managers' sets, keyed by {@link managerId}. */
export type Managed = Map<string, ManagedSet>;

/**
 * The identity of a manager, as upstream's `BuildManagerIdentifier`: the JSON of the entry without
 * fields, type and time (and without apiVersion for Apply).
 */
export function managerId(info: ManagerInfo): string {
  const o: Record<string, string> = {};
  if (info.manager !== '') o.manager = info.manager;
  o.operation = info.operation;
  if (info.operation === 'Update' && info.apiVersion !== '') o.apiVersion = info.apiVersion;
  if (info.subresource !== '') o.subresource = info.subresource;
  return JSON.stringify(o);
}

/** How a manager is named in conflict messages: `"mgr"`, `"mgr" with subresource "s" using v1`. */
export function printManager(info: ManagerInfo): string {
  let s = JSON.stringify(info.manager);
  if (info.subresource !== '') s += ` with subresource ${JSON.stringify(info.subresource)}`;
  if (info.operation === 'Update') s += ` using ${info.apiVersion}`;
  return s;
}

/** Thrown when managedFields cannot be decoded. */
export class ManagedFieldsError extends Error {
  override readonly name = 'ManagedFieldsError';
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function decodeEntry(e: unknown, i: number): ManagedSet {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ManagedFieldsError(`managed fields entry ${i} is not an object`);
  const entry = e as ManagedFieldsEntry;
  if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
  if (typeof entry.apiVersion !== 'string' || entry.apiVersion === '') throw new ManagedFieldsError('apiVersion must not be empty');
  if (entry.fieldsType === undefined || entry.fieldsType === '') throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
  if (entry.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(entry.fieldsType)} in managed fields entry ${i}`);
  for (const k of ['manager', 'subresource', 'time'] as const) {
    if (entry[k] !== undefined && typeof entry[k] !== 'string') throw new ManagedFieldsError(`${k} of managed fields entry ${i} must be a string`);
  }
  if (entry.time !== undefined && !RFC3339.test(entry.time)) throw new ManagedFieldsError(`invalid time ${JSON.stringify(entry.time)} in managed fields entry ${i}`);
  let set: FieldSet;
  try {
    set = entry.fieldsV1 === undefined || entry.fieldsV1 === null ? new FieldSet() : FieldSet.fromFieldsV1(entry.fieldsV1);
  } catch (err: unknown) {
    throw new ManagedFieldsError(`error decoding versioned set from entry ${i}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const info: ManagerInfo = { manager: entry.manager ?? '', operation: entry.operation, apiVersion: entry.apiVersion, subresource: entry.subresource ?? '' };
  return { info, set, apiVersion: entry.apiVersion, time: entry.time };
}

/**
 * Decodes `metadata.managedFields`; absent or null is empty. Throws {@link ManagedFieldsError} for an
 * invalid entry (upstream's `DecodeManagedFields`). A later entry with the same identity wins.
 */
export function decodeManagedFields(entries: unknown): Managed {
  const out: Managed = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  entries.forEach((e, i) => {
    const m = decodeEntry(e, i);
    out.set(managerId(m.info), m);
  });
  return out;
}

/**
 * Whether the client asked to reset managedFields: an empty list, or a list of one empty entry
 * (upstream's `isResetManagedFields`).
 */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  const [only] = entries;
  return entries.length === 1 && typeof only === 'object' && only !== null && Object.keys(only).length === 0;
}

function seconds(time: string | undefined): number {
  if (time === undefined) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Upstream's entry order: operation, time, manager, apiVersion, subresource. */
function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  return (
    compareStrings(p.operation ?? '', q.operation ?? '') ||
    seconds(p.time) - seconds(q.time) ||
    compareStrings(p.manager ?? '', q.manager ?? '') ||
    compareStrings(p.apiVersion ?? '', q.apiVersion ?? '') ||
    compareStrings(p.subresource ?? '', q.subresource ?? '')
  );
}

/** Encodes the sets as `metadata.managedFields` entries, sorted; `undefined` when nobody owns anything. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  const entries: ManagedFieldsEntry[] = [];
  for (const m of managed.values()) {
    if (m.set.empty()) continue;
    const e: ManagedFieldsEntry = {};
    if (m.info.manager !== '') e.manager = m.info.manager;
    e.operation = m.info.operation;
    e.apiVersion = m.apiVersion;
    if (m.time !== undefined) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.set.toFieldsV1();
    if (m.info.subresource !== '') e.subresource = m.info.subresource;
    entries.push(e);
  }
  return entries.length === 0 ? undefined : entries.sort(compareEntries);
}

/** At most this many Update entries are kept; older ones are merged into `ancient-changes`. */
export const MAX_UPDATE_MANAGERS = 10;
const OLD_UPDATES_MANAGER = 'ancient-changes';

/**
 * Merges the oldest Update entries into one `ancient-changes` entry per API version until at most
 * {@link MAX_UPDATE_MANAGERS} Update entries remain (upstream's `capUpdateManagers`).
 */
export function capUpdateManagers(managed: Managed, max = MAX_UPDATE_MANAGERS): Managed {
  const updaters = [...managed].filter(([, m]) => m.info.operation === 'Update');
  if (updaters.length <= max) return managed;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || compareStrings(ia, ib));
  const out: Managed = new Map(managed);
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (const [id, m] of updaters) {
    if (length <= max) break;
    const bucketInfo: ManagerInfo = { manager: OLD_UPDATES_MANAGER, operation: 'Update', apiVersion: m.apiVersion, subresource: '' };
    const bucket = managerId(bucketInfo);
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    let into = out.get(bucket);
    if (into === undefined) {
      const firstSet = out.get(first);
      out.delete(first);
      into = { info: bucketInfo, set: firstSet?.set ?? new FieldSet(), apiVersion: m.apiVersion, time: firstSet?.time };
    }
    out.set(bucket, { info: bucketInfo, set: m.set.union(into.set), apiVersion: m.apiVersion, time: m.time });
    out.delete(id);
    length--;
  }
  return out;
}
