/**
 * How the upstream cases are checked: the errors as upstream's Gomega matchers see them (type and path,
 * plus the detail where a case names one), all of them (ConsistOf) or among others (ContainElements).
 */
import assert from 'node:assert/strict';
import type { FieldError } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/types.js';
import { DEFAULT_FEATURE_GATES, type ShootFeatureGates } from '../../../../registry/shoot/validation/index.js';
import { changed, type Expected, type UpstreamCase } from './index.js';

function matchable(errs: readonly FieldError[], want: readonly Expected[]): string[] {
  const withDetail = new Set(want.filter((w) => w.length === 3).map((w) => `${w[0]} ${w[1]}`));
  return errs.map((e) => (withDetail.has(`${e.type} ${e.field}`) ? `${e.type} ${e.field}: ${e.detail ?? ''}` : `${e.type} ${e.field}`)).sort();
}

const expected = (want: readonly Expected[]): string[] => want.map((w) => (w.length === 3 ? `${w[0]} ${w[1]}: ${w[2]}` : `${w[0]} ${w[1]}`)).sort();

/** Asserts the errors as the case's upstream matcher would (ConsistOf, or ContainElements). */
export function assertMatches(errs: readonly FieldError[], c: Pick<UpstreamCase, 'want' | 'contains' | 'wantTypes'>): void {
  const got = matchable(errs, c.want);
  const want = expected(c.want);
  for (const type of c.wantTypes ?? []) assert.ok(errs.some((e) => e.type === type), `no ${type} error in ${JSON.stringify(got)}`);
  if (c.contains === true) for (const w of want) assert.ok(got.includes(w), `${w} missing in ${JSON.stringify(got)}`);
  else assert.deepEqual(got, want, JSON.stringify(errs));
}

/** The feature gates of a case: the defaults with the case's switched on. */
export const gatesOf = (c: Pick<UpstreamCase, 'gates'>): ShootFeatureGates => ({ ...DEFAULT_FEATURE_GATES, ...c.gates });

/** The new and the old Shoot of an update case, both at resourceVersion 1 (upstream's prepareShootForUpdate). */
export function updatePair(c: UpstreamCase): [KubeObject, KubeObject] {
  const old = changed(c.old ?? []);
  old.metadata.resourceVersion = '1';
  const next = changed(c.set);
  next.metadata.resourceVersion = '1';
  return [next, old];
}
