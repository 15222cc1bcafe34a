/**
 * CPU shares of the processes in a benchmark (server, etcd, the benchmark's own client), so that a
 * figure can be read together with where the two cores went. Linux only (/proc), which is where the
 * benchmark runs; elsewhere the shares are left out.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds (user + system) used by `pid` so far, or undefined when it cannot be read. */
function cpuMs(pid: number): number | undefined {
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  try {
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Measures the CPU used by named processes between `start()` and `shares()`. */
export class CpuMeter {
  private readonly startMs = new Map<string, number>();
  private startedAt = 0;

  /** @param pids process ids by the name to print (the benchmark itself: `process.pid`). */
  constructor(private readonly pids: Record<string, number | undefined>) {}

  start(): this {
    this.startedAt = performance.now();
    for (const [name, pid] of Object.entries(this.pids)) {
      const ms = pid === undefined ? undefined : cpuMs(pid);
      if (ms !== undefined) this.startMs.set(name, ms);
    }
    return this;
  }

  /** CPU milliseconds `name` used since `start()` (NaN when unreadable). */
  cpuMs(name: string): number {
    const pid = this.pids[name];
    const before = this.startMs.get(name);
    const now = pid === undefined ? undefined : cpuMs(pid);
    return before === undefined || now === undefined ? Number.NaN : now - before;
  }

  /** `cpu: server 97%, client 40%` (100% = one core) since `start()`; empty when nothing was readable. */
  shares(): string {
    const wall = performance.now() - this.startedAt;
    const parts: string[] = [];
    for (const [name, pid] of Object.entries(this.pids)) {
      const before = this.startMs.get(name);
      const now = pid === undefined ? undefined : cpuMs(pid);
      if (before !== undefined && now !== undefined) parts.push(`${name} ${((100 * (now - before)) / wall).toFixed(0)}%`);
    }
    return parts.length === 0 ? '' : `cpu: ${parts.join(', ')}`;
  }
}
