/**
 * Gardener's Shoot validation cases (shoot_test.go at b312835d17, as data in test/support/shoot/cases/,
 * each named by its upstream Describe/It) against the validation functions, as upstream runs them:
 * ValidateShoot on the Shoot as given (no defaults), ValidateShootUpdate on an old and a new Shoot,
 * ValidateShootStatusUpdate, ValidateKubeletConfig. A case passes when the errors have exactly upstream's
 * types and paths (and details where the case names one), or contain them where upstream's matcher is
 * ContainElement(s). A subset runs over HTTPS in test/http/shoot-validation.test.ts.
 */
import assert from 'node:assert/strict';
import { FieldPath, type FieldError } from '../../apimachinery/field.js';
import { emptyShoot, STATUS_CASES } from '../../test/support/shoot/cases/status.js';
import { KUBELET_CASES } from '../../test/support/shoot/cases/kubelet.js';
import { WORKER_CASES, WORKER_OPTION_CASES } from '../../test/support/shoot/cases/workers.js';
import { HA_AND_STRATEGY_UPDATE_CASES, UPDATE_CASES, ZONE_CASES, ZONE_UPDATE_CASES } from '../../test/support/shoot/cases/updates.js';
import { HIBERNATION_CASES } from '../../test/support/shoot/cases/hibernation.js';
import { DNS_CASES, DNS_UPDATE_CASES, SCHEDULER_AND_EXPOSURE_CASES, SCHEDULER_AND_EXPOSURE_UPDATE_CASES } from '../../test/support/shoot/cases/dns.js';
import { NETWORKING_CASES, NETWORKING_UPDATE_CASES } from '../../test/support/shoot/cases/networking.js';
import { ADDON_CASES, BINDING_CASES, BINDING_UPDATE_CASES, EXTENSION_AND_RESOURCE_CASES } from '../../test/support/shoot/cases/addons.js';
import { AUTOSCALING_CASES } from '../../test/support/shoot/cases/autoscaling.js';
import { COMPONENT_CASES, COMPONENT_UPDATE_CASES } from '../../test/support/shoot/cases/components.js';
import { changed, CREATE_CASES, type Expected, type UpstreamCase } from '../../test/support/shoot/cases/index.js';
import { DEFAULT_FEATURE_GATES, validateShootObject, validateShootStatus, validateShootUpdate } from './validation/index.js';
import { validateKubeletConfig } from './validation/kubelet.js';

/** The errors as upstream's matchers see them: type and path, plus the detail where the case has one. */
function matchable(errs: readonly FieldError[], want: readonly Expected[]): string[] {
  const withDetail = new Set(want.filter((w) => w.length === 3).map((w) => `${w[0]} ${w[1]}`));
  return errs.map((e) => (withDetail.has(`${e.type} ${e.field}`) ? `${e.type} ${e.field}: ${e.detail ?? ''}` : `${e.type} ${e.field}`)).sort();
}

const expected = (want: readonly Expected[]): string[] => want.map((w) => (w.length === 3 ? `${w[0]} ${w[1]}: ${w[2]}` : `${w[0]} ${w[1]}`)).sort();

/** Asserts the errors as the case's upstream matcher would (ConsistOf, or ContainElements). */
function assertMatches(errs: readonly FieldError[], c: UpstreamCase): void {
  const got = matchable(errs, c.want);
  const want = expected(c.want);
  for (const type of c.wantTypes ?? []) assert.ok(errs.some((e) => e.type === type), `no ${type} error in ${JSON.stringify(got)}`);
  if (c.contains === true) for (const w of want) assert.ok(got.includes(w), `${w} missing in ${JSON.stringify(got)}`);
  else assert.deepEqual(got, want, JSON.stringify(errs));
}

describe('registry/shoot validation: cases of upstream shoot_test.go', () => {
  describe('ValidateShoot', () => {
    for (const c of [...CREATE_CASES, ...COMPONENT_CASES, ...AUTOSCALING_CASES, ...WORKER_CASES, ...ADDON_CASES, ...BINDING_CASES, ...NETWORKING_CASES, ...ZONE_CASES, ...DNS_CASES, ...SCHEDULER_AND_EXPOSURE_CASES, ...HIBERNATION_CASES, ...EXTENSION_AND_RESOURCE_CASES, ...WORKER_OPTION_CASES]) {
      it(c.from, () => {
        assertMatches(validateShootObject(changed(c.set), { ...DEFAULT_FEATURE_GATES, ...c.gates }), c);
      });
    }
  });

  describe('ValidateShootUpdate', () => {
    for (const c of [...UPDATE_CASES, ...COMPONENT_UPDATE_CASES, ...HA_AND_STRATEGY_UPDATE_CASES, ...BINDING_UPDATE_CASES, ...NETWORKING_UPDATE_CASES, ...ZONE_UPDATE_CASES, ...DNS_UPDATE_CASES, ...SCHEDULER_AND_EXPOSURE_UPDATE_CASES]) {
      it(c.from, () => {
        const old = changed(c.old ?? []);
        old.metadata.resourceVersion = '1';
        const next = changed(c.set);
        next.metadata.resourceVersion = '1';
        assertMatches(validateShootUpdate(next, old, { ...DEFAULT_FEATURE_GATES, ...c.gates }), c);
      });
    }
  });

  describe('ValidateKubeletConfig', () => {
    for (const c of KUBELET_CASES) {
      it(c.from, () => assertMatches(validateKubeletConfig(structuredClone(c.kubelet), c.version, c.root === undefined ? FieldPath.of() : FieldPath.of(c.root)), { ...c, set: [] }));
    }
  });

  describe('ValidateShootStatusUpdate', () => {
    for (const c of STATUS_CASES) {
      it(c.from, () => assertMatches(validateShootStatus(changed(c.set, emptyShoot()), changed(c.old ?? [], emptyShoot())), c));
    }
  });
});
