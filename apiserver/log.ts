/**
 * Structured JSON logging to stderr, one object per line, with a verbosity threshold (`-v`). Callers
 * pass fields explicitly; request bodies and secret material are never logged.
 */

export type Fields = Record<string, unknown>;

export interface Logger {
  /** Logged at verbosity >= level (0 always). */
  info(msg: string, fields?: Fields, level?: number): void;
  error(msg: string, fields?: Fields): void;
  /** Whether `info` at `level` writes anything (absent: it may). */
  enabled?(level: number): boolean;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A logger writing JSON lines at or below `verbosity`. */
export function createLogger(verbosity: number, sink: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const write = (level: string, msg: string, fields: Fields = {}) => {
    const entry: Fields = { ts: new Date().toISOString(), level, msg, ...fields };
    if (entry.err !== undefined) entry.err = describe(entry.err);
    sink(`${JSON.stringify(entry)}\n`);
  };
  return {
    info: (msg, fields, level = 0) => {
      if (level <= verbosity) write('info', msg, fields);
    },
    error: (msg, fields) => write('error', msg, fields),
    enabled: (level) => level <= verbosity,
  };
}

/**
 * Logs a failure that repeats while something stays down (a retry loop during an etcd outage): the
 * first at once, later ones at most once per `intervalMs`, each line saying how many were left out
 * since the previous one (`repeated`).
 */
export function logRepeatedFailure(log: Logger, msg: string, intervalMs = 60_000): (err: unknown) => void {
  let loggedAt = Number.NEGATIVE_INFINITY;
  let leftOut = 0;
  return (err) => {
    // A monotonic clock: a wall clock set back would silence the failures until it caught up.
    const now = performance.now();
    if (now - loggedAt < intervalMs) {
      leftOut++;
      return;
    }
    loggedAt = now;
    log.info(msg, leftOut > 0 ? { err, repeated: leftOut } : { err });
    leftOut = 0;
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info: () => {}, error: () => {} };
