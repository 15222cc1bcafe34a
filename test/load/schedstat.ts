/**
 * Where a thread's wall time went, from the scheduler's own accounting (/proc/<pid>/task/<tid>/schedstat:
 * nanoseconds on a CPU, nanoseconds runnable but waiting for one). The event-loop delay a flood shows
 * includes the second: on a shared 2-core machine the server's main thread waits for the flood client
 * and etcd, which no change to the server shortens. Linux only; elsewhere nothing is printed.
 */
import { readFileSync } from 'node:fs';

interface Sample {
  at: number;
  runNs: number;
  waitNs: number;
}

/** The main thread of `pid` (its thread id is the process id). */
function sample(pid: number): Sample | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    if (run === undefined || wait === undefined || !Number.isFinite(run) || !Number.isFinite(wait)) return undefined;
    return { at: performance.now(), runNs: run, waitNs: wait };
  } catch {
    return undefined;
  }
}

/** Measures a process's main thread (where its event loop runs) between `start()` and `shares()`. */
export class ThreadMeter {
  private first: Sample | undefined;

  constructor(private readonly pid: number) {}

  start(): this {
    this.first = sample(this.pid);
    return this;
  }

  /** `on a CPU 71%, waiting for one 24%` of the wall time since `start()`; empty when unreadable. */
  shares(): string {
    const last = sample(this.pid);
    if (this.first === undefined || last === undefined) return '';
    const wallNs = (last.at - this.first.at) * 1e6;
    const pct = (ns: number) => `${((100 * ns) / wallNs).toFixed(0)}%`;
    return `on a CPU ${pct(last.runNs - this.first.runNs)}, waiting for one ${pct(last.waitNs - this.first.waitNs)}`;
  }
}
