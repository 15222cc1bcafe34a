/**
 * The version tables of Kubernetes components Gardener validates against (feature gates, admission
 * plugins, API groups) are kept as aligned text, one entry per line:
 * `<name> <added-in|-> <removed-in|-> <flags|->`, read once into a map.
 */
import { rangeContains, type VersionRange } from '../../apimachinery/semver.js';

/** One row: the version range the entry exists in and its flag column. */
export interface TableEntry extends VersionRange {
  flags: readonly string[];
}

/** Reads a table; the flag column is split at commas (`-` for none). */
export function readTable(text: string): ReadonlyMap<string, TableEntry> {
  const out = new Map<string, TableEntry>();
  for (const line of text.split('\n')) {
    const [name, added = '-', removed = '-', flags = '-'] = line.trim().split(/\s+/);
    if (name === undefined || name === '') continue;
    const entry: TableEntry = { flags: flags === '-' ? [] : flags.split(',') };
    if (added !== '-') entry.added = added;
    if (removed !== '-') entry.removed = removed;
    out.set(name, entry);
  }
  return out;
}

/** `versions >= a, < b` as Gardener words a supported range. */
export function supportedRangeText(r: VersionRange): string {
  if (r.added !== undefined && r.removed !== undefined) return `versions >= ${r.added}, < ${r.removed}`;
  if (r.added !== undefined) return `versions >= ${r.added}`;
  if (r.removed !== undefined) return `versions < ${r.removed}`;
  return 'all kubernetes versions';
}

export { rangeContains };
