/**
 * What etcd itself recorded: the writes under a key prefix after a revision, read from etcd's watch
 * history. On etcd the list resourceVersion is the cluster's revision, which the server's own
 * bookkeeping (re-encryption replicas, locks) moves as well; the history tells object writes apart.
 */
import { randomUUID } from 'node:crypto';
import { Etcd3 } from 'etcd3';

const HISTORY_TIMEOUT_MS = 20_000;

/**
 * Every put and delete under one of `prefixes` after `revision` (`PUT <key> at <revision>`), in
 * order. Needs the history since then (the server must not compact it). A key outside the
 * prefixes, written last, marks the end of the history read.
 */
export async function writesSince(endpoints: string[], prefixes: readonly string[], revision: number): Promise<string[]> {
  const client = new Etcd3({ hosts: endpoints });
  const end = `/fuzz-history-end/${randomUUID()}`;
  const found: string[] = [];
  try {
    const watcher = await client.watch().prefix('/').startRevision(String(revision + 1)).create();
    try {
      const reachedEnd = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`etcd's history since revision ${revision} did not arrive`)), HISTORY_TIMEOUT_MS);
        watcher.on('data', (resp) => {
          for (const e of resp.events) {
            const key = e.kv.key.toString('utf8');
            if (key === end) {
              clearTimeout(timer);
              resolve();
            } else if (prefixes.some((p) => key.startsWith(p))) found.push(`${e.type} ${key} at ${e.kv.mod_revision}`);
          }
        });
        watcher.on('error', (err: Error) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      await client.put(end).value('');
      await reachedEnd;
    } finally {
      await watcher.cancel();
    }
    await client.delete().key(end);
    return found;
  } finally {
    client.close();
  }
}
