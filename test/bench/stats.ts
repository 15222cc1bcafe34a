/** Latency and throughput figures for the benchmark. */

export interface Figures {
  ops: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? 0;
}

/** The median of `values` (the mean of the middle two for an even count; 0 for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Runs `op(i)` `total` times with `concurrency` workers, timing each call. */
export async function measure(total: number, concurrency: number, op: (i: number) => Promise<void>): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: total, seconds, perSecond: total / seconds, p50ms: percentile(latencies, 50), p99ms: percentile(latencies, 99) };
}

/** Summarizes a list of latencies (ms). */
export function summarize(latencies: number[], seconds: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { ops: sorted.length, seconds, perSecond: sorted.length / seconds, p50ms: percentile(sorted, 50), p99ms: percentile(sorted, 99) };
}

/** One printed row. */
export function row(name: string, f: Figures, extra = ''): string {
  const fmt = (n: number, d = 1) => n.toFixed(d).padStart(9);
  return `${name.padEnd(34)} ${fmt(f.perSecond)} /s  p50 ${fmt(f.p50ms, 2)} ms  p99 ${fmt(f.p99ms, 2)} ms  ${extra}`;
}
