/**
 * Whether an etcd member answers watch progress requests correctly. etcd answers a progress request
 * (`WatchRequest.progress_request`) with the store's current revision; before 3.4.31 and 3.5.13 it could
 * send that answer ahead of events its watchers had not delivered yet (etcd-io/etcd#15220), so a cache
 * trusting it could serve a list that misses an acknowledged write. kube-apiserver reads consistent
 * lists from its watch cache only with the fixed versions; so does this server.
 */

/** How the etcd backend decides whether to send progress requests. */
export type ProgressRequests = 'auto' | 'always' | 'never';

/** The first fixed patch release of each minor version that had the defect. */
const FIXED: Record<string, number> = { '3.4': 31, '3.5': 13 };

/** Whether an etcd member of `version` (`3.5.17`, as its Status reports it) answers progress requests correctly. */
export function progressRequestsSafe(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (m === null) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major !== 3) return major > 3;
  if (minor >= 6) return true;
  const fixed = FIXED[`${major}.${minor}`];
  return fixed !== undefined && patch >= fixed;
}
