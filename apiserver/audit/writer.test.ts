import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from './types.js';
import { backupTimestamp, openAuditLog, RotatingFileAuditWriter } from './writer.js';

function event(n: number, pad = 0): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${n}`,
    stage: 'ResponseComplete',
    requestURI: `/x?pad=${'p'.repeat(pad)}`,
    verb: 'get',
    user: { username: 'alice' },
    requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z',
    stageTimestamp: '2026-01-01T00:00:00.000000Z',
  };
}

/** A clock that moves one second per call, so every rotation gets a distinct name. */
function steppingClock(start = Date.UTC(2026, 10, 21, 5, 55, 0)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

function readEvents(files: string[]): AuditEvent[] {
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as AuditEvent),
  );
}

describe('audit log writer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-writer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names backups like lumberjack', () => {
    assert.equal(backupTimestamp(new Date(Date.UTC(2026, 10, 21, 5, 55, 0, 7))), '2026-11-21T05-55-00.007');
  });

  it('writes JSON lines promptly, creating directories, with mode 0600', async () => {
    const path = join(dir, 'sub', 'audit.log');
    const w = openAuditLog({ path });
    w.write(event(1));
    w.write(event(2));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(readEvents([path]).map((e) => e.auditID), ['id-1', 'id-2'], 'written within a turn of the event loop');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    await w.close();
    w.write(event(3));
    await new Promise((r) => setImmediate(r));
    assert.equal(readEvents([path]).length, 2, 'writes after close are dropped');
  });

  it('rotates by size without losing or splitting a line, and keeps maxBackups', async () => {
    const path = join(dir, 'audit.log');
    const lineBytes = Buffer.byteLength(`${JSON.stringify(event(1000, 200))}\n`);
    const w = new RotatingFileAuditWriter({ path, maxSizeBytes: lineBytes * 10, maxBackups: 3, now: steppingClock() });
    for (let i = 0; i < 1000; i++) {
      w.write(event(1000 + i, 200));
      if (i % 37 === 0) await w.flush();
    }
    await w.close();
    const backups = readdirSync(dir).filter((f) => f !== 'audit.log').sort();
    assert.equal(backups.length, 3, backups.join(','));
    for (const b of backups) assert.match(b, /^audit-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.log$/);
    for (const f of [...backups.map((b) => join(dir, b)), path]) assert.ok(statSync(f).size <= lineBytes * 10, `${f} over the limit`);
    // The newest backups plus the live file hold the last events, in order, each line complete.
    const kept = readEvents([...backups.map((b) => join(dir, b)), path]).map((e) => Number(e.auditID.slice(3)));
    assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => 2000 - kept.length + i));
    assert.ok(kept.length > 30);
  });

  it('keeps every event across rotations when no backup limit is set', async () => {
    const path = join(dir, 'audit.log');
    const w = new RotatingFileAuditWriter({ path, maxSizeBytes: 4096, now: steppingClock() });
    for (let i = 0; i < 500; i++) w.write(event(i, i % 50));
    await w.close();
    const files = readdirSync(dir).sort().filter((f) => f !== 'audit.log').map((f) => join(dir, f));
    assert.ok(files.length > 10);
    assert.deepEqual(readEvents([...files, path]).map((e) => e.auditID), Array.from({ length: 500 }, (_, i) => `id-${i}`));
  });

  it('gives a line larger than the limit a file of its own', async () => {
    const path = join(dir, 'audit.log');
    const w = new RotatingFileAuditWriter({ path, maxSizeBytes: 300, now: steppingClock() });
    w.write(event(1));
    w.write(event(2, 1000));
    w.write(event(3));
    await w.close();
    const files = readdirSync(dir).sort().filter((f) => f !== 'audit.log').map((f) => join(dir, f));
    assert.deepEqual(files.map((f) => readEvents([f]).map((e) => e.auditID)), [['id-1'], ['id-2']]);
    assert.deepEqual(readEvents([path]).map((e) => e.auditID), ['id-3']);
  });

  it('appends to an existing file, keeps its mode on rotation, and rotates when it is already full', async () => {
    const path = join(dir, 'audit.log');
    writeFileSync(path, `${JSON.stringify(event(0))}\n`);
    chmodSync(path, 0o640);
    const w = new RotatingFileAuditWriter({ path, maxSizeBytes: 400, now: steppingClock() });
    w.write(event(1));
    await w.close();
    assert.equal(readEvents([path]).length, 1, 'the old file was full enough to rotate');
    assert.equal(statSync(path).mode & 0o777, 0o640);
    assert.equal(readdirSync(dir).length, 2);
  });

  it('deletes backups older than maxAgeDays, at start-up and after rotation', async () => {
    const path = join(dir, 'audit.log');
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    writeFileSync(join(dir, `audit-${backupTimestamp(new Date(now - 3 * 86_400_000))}.log`), 'old\n');
    writeFileSync(join(dir, `audit-${backupTimestamp(new Date(now - 86_400_000))}.log`), 'recent\n');
    writeFileSync(join(dir, 'audit-notatime.log'), 'unrelated\n');
    writeFileSync(join(dir, 'other-2020-01-01T00-00-00.000.log'), 'unrelated\n');
    const w = new RotatingFileAuditWriter({ path, maxAgeDays: 2, now: () => new Date(now) });
    await w.close();
    assert.deepEqual(readdirSync(dir).sort(), ['audit-2026-11-20T12-00-00.000.log', 'audit-notatime.log', 'audit.log', 'other-2020-01-01T00-00-00.000.log']);
  });

  it('retries lines whose write failed instead of dropping them', async () => {
    const logDir = join(dir, 'logs');
    const path = join(logDir, 'audit.log');
    const errors: unknown[] = [];
    const w = new RotatingFileAuditWriter({ path, maxSizeBytes: 300, now: steppingClock(), onError: (e) => errors.push(e) });
    w.write(event(1));
    await w.flush();
    // The directory disappears: the rotation's rename fails, then reopening fails.
    rmSync(logDir, { recursive: true });
    w.write(event(2, 300));
    await w.flush();
    w.write(event(3));
    await w.flush();
    assert.ok(errors.length >= 2, `errors: ${errors.length}`);
    mkdirSync(logDir);
    w.write(event(4));
    await w.close();
    const files = readdirSync(logDir).sort().filter((f) => f !== 'audit.log').map((f) => join(logDir, f));
    assert.deepEqual(readEvents([...files, path]).map((e) => e.auditID), ['id-2', 'id-3', 'id-4']);
  });
});
