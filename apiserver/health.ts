/**
 * `/healthz`, `/livez`, `/readyz` with `?verbose`, `?exclude=` and per-check paths, and `/version`.
 * A failing check answers 500 and withholds its reason.
 */
import type { Request, Response, Router } from 'express';
import express from 'express';
import { pathNotFound } from '../apimachinery/errors.js';
import { strs } from './query.js';

/** `/livez`, `/readyz`, `/healthz` and their per-check paths. */
const PROBE_PATH = /^\/(livez|readyz|healthz)(\/[^/]*)?$/;

/** Whether `path` is a health probe's. */
export function isProbe(path: string): boolean {
  return PROBE_PATH.test(path);
}

/** A named check; rejects when unhealthy. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
  /** Extra text shown after `ok` with `?verbose` (progress of background work); never secret. */
  detail?(): string;
}

/** The checks of each endpoint. */
export interface HealthChecks {
  healthz: HealthCheck[];
  livez: HealthCheck[];
  readyz: HealthCheck[];
}

/** Checks being evaluated: concurrent probes share one evaluation (one storage round trip). */
const running = new WeakMap<HealthCheck, Promise<boolean>>();

/** Whether `check` passes; concurrent callers share one evaluation. */
export function evaluate(check: HealthCheck): Promise<boolean> {
  let result = running.get(check);
  if (result === undefined) {
    result = Promise.resolve()
      .then(() => check.check())
      .then(
        () => true,
        () => false,
      );
    running.set(check, result);
    void result.finally(() => running.delete(check));
  }
  return result;
}

/**
 * The verbose report's check lines in the checks' order, as kube-apiserver writes them: each check's
 * line, `[+]<name> excluded: ok` in place of an excluded one, and a warning naming exclusions that match
 * no check.
 */
export function verboseLines(names: readonly string[], excluded: ReadonlySet<string>, lineOf: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const n of names) {
    if (excluded.has(n)) lines.push(`[+]${n} excluded: ok`);
    else {
      const line = lineOf.get(n);
      if (line !== undefined) lines.push(line);
    }
  }
  const unmatched = [...excluded].filter((x) => !names.includes(x)).sort();
  if (unmatched.length > 0) lines.push(`warn: some health checks cannot be excluded: no matches for ${unmatched.map((x) => JSON.stringify(x)).join(',')}`);
  return lines;
}

function endpoint(name: string, checks: () => HealthCheck[]) {
  return async (req: Request, res: Response): Promise<void> => {
    const only = typeof req.params.check === 'string' ? req.params.check : undefined;
    const excluded = new Set(strs(req.query as Record<string, unknown>, 'exclude'));
    const all = checks();
    let selected = all.filter((c) => !excluded.has(c.name));
    if (only !== undefined) {
      selected = selected.filter((c) => c.name === only);
      if (selected.length === 0) throw pathNotFound();
    }
    const results = await Promise.all(selected.map(async (c) => ({ name: c.name, ok: await evaluate(c), detail: c.detail?.() })));
    // A request's timeout may have answered it (504) while its checks ran.
    if (res.headersSent) return;
    const failed = results.some((r) => !r.ok);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!failed && req.query.verbose === undefined) {
      res.status(200).end('ok');
      return;
    }
    const byName = new Map(results.map((r) => [r.name, r.ok ? `[+]${r.name} ok${r.detail ? ` (${r.detail})` : ''}` : `[-]${r.name} failed: reason withheld`]));
    const lines = verboseLines(only === undefined ? all.map((c) => c.name) : [only], excluded, byName);
    lines.push(failed ? `${name} check failed` : `${name} check passed`);
    res.status(failed ? 500 : 200).end(`${lines.join('\n')}\n`);
  };
}

/** Version information of this server. */
export function versionInfo(version: string) {
  const [major = '0', minor = '0'] = version.split('.');
  return {
    major,
    minor,
    gitVersion: `v${version}`,
    gitCommit: process.env.GARDEN_APISERVER_GIT_COMMIT ?? '',
    gitTreeState: '',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/** Router for the health endpoints and `/version`. */
export function healthRouter(checks: HealthChecks, version: string): Router {
  const router = express.Router();
  for (const name of ['healthz', 'livez', 'readyz'] as const) {
    const handler = endpoint(name, () => checks[name]);
    router.get(`/${name}`, handler);
    router.get(`/${name}/:check`, handler);
  }
  // Always indented, as kube-apiserver writes /version (json.MarshalIndent).
  router.get('/version', (_req, res) => {
    res.status(200).setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(versionInfo(version), null, 2));
  });
  return router;
}
