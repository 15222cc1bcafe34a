/**
 * Schema and prepared statements of the SQLite backend.
 *
 * - `log`: one row per write; the INTEGER PRIMARY KEY is the global revision. Deletes are tombstone
 *   rows (`deleted = 1`, no value). `prev_rev` is the revision of the key's previous live value (0 when
 *   the write created the key), which gives watch replays their `prevKv` and compaction its targets.
 * - `current`: the latest live value of every key, for fast latest reads and CAS checks.
 * - `meta`: `compacted` (oldest readable revision) and `revision` (latest revision, kept so that a
 *   compacted-away final tombstone does not lower it).
 *
 * Keys are TEXT compared with the BINARY collation, i.e. memcmp of UTF-8: etcd's byte order.
 */
import type { Database, Statement } from 'better-sqlite3';

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS log (
  rev        INTEGER PRIMARY KEY,
  key        TEXT    NOT NULL,
  value      BLOB,
  create_rev INTEGER NOT NULL,
  prev_rev   INTEGER NOT NULL,
  deleted    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_rev ON log (key, rev);
CREATE TABLE IF NOT EXISTS current (
  key        TEXT    PRIMARY KEY,
  value      BLOB    NOT NULL,
  create_rev INTEGER NOT NULL,
  mod_rev    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/** A live key as read from `current` or reconstructed from `log`. */
export interface KVRow {
  key: string;
  value: Buffer;
  create_rev: number;
  mod_rev: number;
}

/** A `log` row at or before a revision (may be a tombstone). */
export interface LogRow extends KVRow {
  deleted: number;
}

/** A `log` row joined with the key's previous live value, for watch replay. */
export interface ReplayRow {
  rev: number;
  key: string;
  value: Buffer | null;
  create_rev: number;
  deleted: number;
  prev_value: Buffer | null;
  prev_create_rev: number | null;
  prev_rev: number | null;
}

/** Parameters of a range read. `limit` -1 means unlimited. */
export interface RangeParams {
  start: string;
  end: string;
  rev: number;
  limit: number;
}

/** Every statement the backend runs, prepared once. */
export interface Statements {
  getCurrent: Statement<[string], KVRow>;
  getAt: Statement<[{ key: string; rev: number }], LogRow>;
  rangeCurrent: Statement<[RangeParams], KVRow>;
  rangeAt: Statement<[RangeParams], KVRow>;
  countCurrent: Statement<[{ start: string; end: string }], { n: number }>;
  countAt: Statement<[{ start: string; end: string; rev: number }], { n: number }>;
  insertLog: Statement<[{ rev: number; key: string; value: Buffer | null; create_rev: number; prev_rev: number; deleted: number }]>;
  upsertCurrent: Statement<[{ key: string; value: Buffer; create_rev: number; mod_rev: number }]>;
  deleteCurrent: Statement<[string]>;
  replay: Statement<[{ after: number; start: string; end: string }], ReplayRow>;
  maxRev: Statement<[], { r: number | null }>;
  getMeta: Statement<[string], { value: number }>;
  setMeta: Statement<[{ name: string; value: number }]>;
  compactSuperseded: Statement<[{ from: number; to: number }]>;
  compactTombstones: Statement<[{ from: number; to: number }]>;
}

/** Creates the schema if needed and prepares the statements. */
export function prepareStatements(db: Database): Statements {
  db.exec(SCHEMA_SQL);
  // Latest row of every key in range as of @rev: the covering index finds the revisions, the rowid
  // lookup fetches only those rows; tombstones are dropped afterwards.
  const latestAt = `(SELECT key, max(rev) AS rev FROM log WHERE key >= @start AND key < @end AND rev <= @rev GROUP BY key) m
      JOIN log l ON l.rev = m.rev WHERE l.deleted = 0`;
  return {
    getCurrent: db.prepare<[string], KVRow>('SELECT key, value, create_rev, mod_rev FROM current WHERE key = ?'),
    getAt: db.prepare<{ key: string; rev: number }, LogRow>(
      'SELECT key, value, create_rev, rev AS mod_rev, deleted FROM log WHERE key = @key AND rev <= @rev ORDER BY rev DESC LIMIT 1',
    ),
    rangeCurrent: db.prepare<[RangeParams], KVRow>(
      'SELECT key, value, create_rev, mod_rev FROM current WHERE key >= @start AND key < @end ORDER BY key LIMIT @limit',
    ),
    rangeAt: db.prepare<[RangeParams], KVRow>(
      `SELECT l.key, l.value, l.create_rev, l.rev AS mod_rev FROM ${latestAt} ORDER BY l.key LIMIT @limit`,
    ),
    countCurrent: db.prepare<{ start: string; end: string }, { n: number }>('SELECT count(*) AS n FROM current WHERE key >= @start AND key < @end'),
    countAt: db.prepare<{ start: string; end: string; rev: number }, { n: number }>(`SELECT count(*) AS n FROM ${latestAt}`),
    insertLog: db.prepare<{ rev: number; key: string; value: Buffer | null; create_rev: number; prev_rev: number; deleted: number }, unknown>(
      'INSERT INTO log (rev, key, value, create_rev, prev_rev, deleted) VALUES (@rev, @key, @value, @create_rev, @prev_rev, @deleted)',
    ),
    upsertCurrent: db.prepare<{ key: string; value: Buffer; create_rev: number; mod_rev: number }, unknown>(
      `INSERT INTO current (key, value, create_rev, mod_rev) VALUES (@key, @value, @create_rev, @mod_rev)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, create_rev = excluded.create_rev, mod_rev = excluded.mod_rev`,
    ),
    deleteCurrent: db.prepare<[string], unknown>('DELETE FROM current WHERE key = ?'),
    replay: db.prepare<{ after: number; start: string; end: string }, ReplayRow>(
      `SELECT l.rev, l.key, l.value, l.create_rev, l.deleted,
              p.value AS prev_value, p.create_rev AS prev_create_rev, p.rev AS prev_rev
       FROM log l LEFT JOIN log p ON p.rev = l.prev_rev AND l.prev_rev > 0
       WHERE l.rev > @after AND l.key >= @start AND l.key < @end ORDER BY l.rev`,
    ),
    maxRev: db.prepare<[], { r: number | null }>('SELECT max(rev) AS r FROM log'),
    getMeta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?'),
    setMeta: db.prepare<{ name: string; value: number }, unknown>(
      'INSERT INTO meta (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    ),
    // A row is superseded by the write whose prev_rev points at it; only writes since the previous
    // compaction can supersede rows that are still there.
    compactSuperseded: db.prepare<{ from: number; to: number }, unknown>(
      'DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log WHERE rev > @from AND rev <= @to AND prev_rev > 0)',
    ),
    compactTombstones: db.prepare<{ from: number; to: number }, unknown>('DELETE FROM log WHERE rev > @from AND rev <= @to AND deleted = 1'),
  };
}
