/**
 * The audit log backend: one JSON event per line, appended to `--audit-log-path` (`-` is stdout), with
 * size-based rotation the way Kubernetes does it (lumberjack).
 *
 * **Buffering.** `write` only queues; the queue is written in one batch on the next turn of the event
 * loop (`setImmediate`), with synchronous file calls, so an event is on disk a few microseconds after
 * the request that caused it, a batch is never interleaved with a rotation, and a process that exits
 * normally still writes what is queued (an `exit` hook drains the queue).
 *
 * **Rotation.** Before a line would take the file past `maxSizeMB` megabytes (1 MiB each; 0 means
 * lumberjack's default of 100), the file is closed, renamed to a backup named after the rotation time
 * in UTC, `<name>-<YYYY-MM-DDTHH-mm-ss.SSS><ext>` (`audit.log` becomes
 * `audit-2026-11-21T05-55-00.000.log`), and a new file is opened with the old one's mode (0600 for a new
 * file). Lines are never split or dropped by a rotation; a single line larger than the limit gets a file
 * of its own. Backups beyond `maxBackups` (newest kept; 0 keeps all) and older than `maxAgeDays` days
 * (by the time in their name; 0 keeps all) are deleted after each rotation and at start-up.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { AuditEvent, AuditSink } from './types.js';

/** Where and how the log is written. */
export interface AuditLogOptions {
  /** The log file; `-` writes to stdout (no rotation). */
  path: string;
  /** Megabytes (MiB) before the file is rotated; 0 or absent: 100, as Kubernetes (lumberjack). */
  maxSizeMB?: number;
  /** Rotated files kept; 0 or absent: all. */
  maxBackups?: number;
  /** Days a rotated file is kept; 0 or absent: no limit. */
  maxAgeDays?: number;
  /** Overrides `maxSizeMB` with a byte count (tests). */
  maxSizeBytes?: number;
  /** The clock used for backup names and ages (tests). */
  now?: () => Date;
  /** Told about failed writes, renames and deletions; the writer keeps going. */
  onError?: (err: unknown) => void;
}

const MIB = 1024 * 1024;
const DEFAULT_MAX_SIZE_MB = 100;
/** Lines kept for a retry after a failed write before the oldest are dropped. */
const MAX_PENDING_LINES = 100_000;
const RETRY_MS = 1000;
const BACKUP_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})$/;

/** `2026-11-21T05-55-00.000` (UTC), lumberjack's backup time format. */
export function backupTimestamp(d: Date): string {
  return d.toISOString().slice(0, 23).replace(/:/g, '-');
}

function parseBackupTimestamp(s: string): number | undefined {
  const m = BACKUP_TIME.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, ms] = m.map(Number) as [number, number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, se, ms);
  return Number.isNaN(t) ? undefined : t;
}

/** Queues lines and writes them in batches; subclasses say how a batch is written. */
abstract class QueuedLineWriter implements AuditSink {
  private queue: string[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly onExit = () => this.drain();

  constructor(protected readonly onError: (err: unknown) => void) {
    process.once('exit', this.onExit);
  }

  /**
   * Writes `lines` in order, removing each from the array once it is written; on failure it throws and
   * leaves the unwritten ones in the array (they are retried).
   */
  protected abstract writeLines(lines: string[]): void;
  protected abstract release(): Promise<void>;

  write(event: AuditEvent): void {
    if (this.closed) return;
    let line: string;
    try {
      line = `${JSON.stringify(event)}\n`;
    } catch (e: unknown) {
      this.onError(e);
      return;
    }
    this.queue.push(line);
    this.immediate ??= setImmediate(() => this.drain());
  }

  /** Writes everything queued now. */
  protected drain(): void {
    this.cancelTimers();
    if (this.queue.length === 0) return;
    const lines = this.queue;
    this.queue = [];
    try {
      this.writeLines(lines);
    } catch (e: unknown) {
      this.onError(e);
      this.requeue(lines);
    }
  }

  /** Puts lines that failed back in front, bounded, and retries later. */
  private requeue(lines: string[]): void {
    this.queue = [...lines, ...this.queue];
    const excess = this.queue.length - MAX_PENDING_LINES;
    if (excess > 0) {
      this.queue.splice(0, excess);
      this.onError(new Error(`audit log: dropped ${excess} events that could not be written`));
    }
    if (!this.closed) this.retry = setTimeout(() => this.drain(), RETRY_MS).unref();
  }

  private cancelTimers(): void {
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.immediate = undefined;
    this.retry = undefined;
  }

  async flush(): Promise<void> {
    this.drain();
  }

  async close(): Promise<void> {
    this.drain();
    this.closed = true;
    this.cancelTimers();
    this.queue = [];
    process.off('exit', this.onExit);
    await this.release();
  }
}

/** Writes to stdout (`--audit-log-path=-`). */
export class StdoutAuditWriter extends QueuedLineWriter {
  protected writeLines(lines: string[]): void {
    process.stdout.write(lines.join(''));
    lines.length = 0;
  }

  protected async release(): Promise<void> {
    if (process.stdout.writableNeedDrain) await new Promise<void>((r) => process.stdout.once('drain', () => r()));
  }
}

/** Appends to a file with lumberjack-style size rotation; see the module comment. */
export class RotatingFileAuditWriter extends QueuedLineWriter {
  private fd: number | undefined;
  private size = 0;
  private readonly maxBytes: number;
  private readonly dir: string;
  private readonly prefix: string;
  private readonly ext: string;
  private readonly now: () => Date;

  /** Opens (creating directories and the file as needed) and prunes old backups; throws if it cannot. */
  constructor(private readonly options: AuditLogOptions) {
    super(options.onError ?? (() => {}));
    const mb = options.maxSizeMB !== undefined && options.maxSizeMB > 0 ? options.maxSizeMB : DEFAULT_MAX_SIZE_MB;
    this.maxBytes = options.maxSizeBytes ?? mb * MIB;
    this.dir = dirname(options.path);
    this.ext = extname(options.path);
    this.prefix = `${basename(options.path, this.ext)}-`;
    this.now = options.now ?? (() => new Date());
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.open();
    this.prune();
  }

  private open(mode = 0o600): void {
    this.fd = openSync(this.options.path, 'a', mode);
    this.size = fstatSync(this.fd).size;
  }

  protected writeLines(lines: string[]): void {
    if (this.fd === undefined) this.open();
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const flushBatch = () => {
      this.append(batch, batchBytes);
      lines.splice(0, batch.length);
      batch = [];
      batchBytes = 0;
    };
    for (const line of [...lines]) {
      const buf = Buffer.from(line, 'utf8');
      if (this.size + batchBytes > 0 && this.size + batchBytes + buf.length > this.maxBytes) {
        flushBatch();
        this.rotate();
      }
      batch.push(buf);
      batchBytes += buf.length;
    }
    flushBatch();
  }

  /** Writes a batch completely (retrying short writes); on failure the file is reopened next time. */
  private append(batch: Buffer[], bytes: number): void {
    if (bytes === 0 || this.fd === undefined) return;
    const data = Buffer.concat(batch, bytes);
    try {
      for (let off = 0; off < data.length; ) off += writeSync(this.fd, data, off, data.length - off);
    } catch (e: unknown) {
      this.closeFile();
      throw e;
    }
    this.size += bytes;
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch (e: unknown) {
      this.onError(e);
    }
    this.fd = undefined;
  }

  /** Closes the file, renames it to a fresh backup name, opens a new one and prunes backups. */
  private rotate(): void {
    const mode = this.fd === undefined ? 0o600 : fstatSync(this.fd).mode & 0o777;
    this.closeFile();
    let t = this.now().getTime();
    let target = this.backupPath(t);
    while (existsSync(target)) target = this.backupPath(++t);
    renameSync(this.options.path, target);
    this.open(mode);
    this.prune();
  }

  private backupPath(t: number): string {
    return join(this.dir, `${this.prefix}${backupTimestamp(new Date(t))}${this.ext}`);
  }

  /** The existing backups, newest first. */
  backups(): { file: string; time: number }[] {
    const found: { file: string; time: number }[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith(this.prefix) || !name.endsWith(this.ext)) continue;
      const time = parseBackupTimestamp(name.slice(this.prefix.length, name.length - this.ext.length));
      if (time === undefined) continue;
      const file = join(this.dir, name);
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) found.push({ file, time });
    }
    return found.sort((a, b) => b.time - a.time);
  }

  /** Deletes backups beyond the count and age limits. */
  private prune(): void {
    const maxBackups = this.options.maxBackups ?? 0;
    const maxAgeDays = this.options.maxAgeDays ?? 0;
    if (maxBackups <= 0 && maxAgeDays <= 0) return;
    const cutoff = maxAgeDays > 0 ? this.now().getTime() - maxAgeDays * 86_400_000 : -Infinity;
    this.backups().forEach((b, i) => {
      if ((maxBackups > 0 && i >= maxBackups) || b.time < cutoff) {
        try {
          unlinkSync(b.file);
        } catch (e: unknown) {
          this.onError(e);
        }
      }
    });
  }

  protected async release(): Promise<void> {
    this.closeFile();
  }
}

/** The writer for `options.path`: stdout for `-`, a rotating file otherwise. Throws if the file cannot be opened. */
export function openAuditLog(options: AuditLogOptions): AuditSink {
  if (options.path === '-') return new StdoutAuditWriter(options.onError ?? (() => {}));
  return new RotatingFileAuditWriter(options);
}
