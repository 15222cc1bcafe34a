/**
 * `kubectl get internalsecrets` columns: Name, Type, Data (number of keys), Age. kubectl prints cells
 * verbatim, so the Age cell is already the human-readable age ("5m", "3d4h"), computed like
 * k8s.io/apimachinery `duration.HumanDuration`; the column is typed `date` as for CRD age columns.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { TableConvertor } from '../types.js';
import { asInternalSecret } from './types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** A duration in milliseconds as Kubernetes shows ages: ~2-3 significant figures. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  const years = Math.trunc(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${years}y`;
}

/** Age of an RFC 3339 timestamp at `now` (ms); `<unknown>` when absent or unparsable. */
export function translateTimestampSince(timestamp: string | null | undefined, now: number): string {
  const t = timestamp ? Date.parse(timestamp) : Number.NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/** The table convertor; `now` is injectable for tests. */
export function internalSecretTableConvertor(now: () => number = Date.now): TableConvertor {
  return {
    columns: [
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        description: 'Name of the InternalSecret, unique within its namespace.',
        priority: 0,
      },
      { name: 'Type', type: 'string', format: '', description: 'Type of the secret data; empty when none was given.', priority: 0 },
      { name: 'Data', type: 'string', format: '', description: 'Number of keys in the data map.', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'Time since the InternalSecret was created.', priority: 0 },
    ],
    cells(obj: KubeObject): unknown[] {
      const secret = asInternalSecret(obj);
      const data = secret.data;
      const keys = data !== null && typeof data === 'object' ? Object.keys(data).length : 0;
      return [secret.metadata.name ?? '', secret.type ?? '', keys, translateTimestampSince(secret.metadata.creationTimestamp, now())];
    },
  };
}

/** The convertor the descriptor uses. */
export const internalSecretTable: TableConvertor = internalSecretTableConvertor();
