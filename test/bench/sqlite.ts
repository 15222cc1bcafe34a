/**
 * InternalSecret create, get, list (1,000 objects) and watch-event delivery through the real HTTPS
 * server on SQLite, at concurrency 1 and 32, next to the raw better-sqlite3 insert rate.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { measure, row, type Figures } from './stats.js';
import { benchServer, crudRows, payload } from './workload.js';

/** Raw better-sqlite3: one transaction per insert, WAL, synchronous=FULL (what one API write costs at most). */
async function rawSqlite(dir: string, total: number): Promise<Figures> {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE kv (rev INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const value = Buffer.from(JSON.stringify(payload('x')));
  const f = await measure(total, 1, async (i) => {
    insert.run(`/registry-gardener/core.gardener.cloud/internalsecrets/raw/s${i}`, value);
  });
  db.close();
  return f;
}

export async function benchSqlite(n: number): Promise<string[]> {
  const s = await benchServer([]);
  try {
    const raw = await rawSqlite(s.dataDir, n);
    return [row('raw better-sqlite3 insert (c=1)', raw), ...(await crudRows(s, n, raw.perSecond, 'raw insert'))];
  } finally {
    await s.stop();
  }
}
