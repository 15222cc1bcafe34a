/** Go-style durations for flags such as `--authentication-token-webhook-cache-ttl=10s`. */

const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds of a Go duration (`300ms`, `10s`, `1m30s`, `1.5h`, `0`). Throws on anything else
 * (a bare number other than 0 has no unit and is rejected, as in Go).
 */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * (UNITS_MS[m[2] ?? ''] ?? Number.NaN);
    pos = re.lastIndex;
  }
  if (s === '' || pos !== s.length || !Number.isFinite(total)) throw new Error(`invalid duration ${JSON.stringify(text)}`);
  return total;
}
