/**
 * Gardener's Shoot validation cases (shoot_test.go at b312835d17, as data in test/support/shoot/cases/,
 * each named by its upstream Describe/It) against the validation functions, as upstream runs them:
 * ValidateShoot on the Shoot as given (no defaults), ValidateShootUpdate on an old and a new Shoot,
 * ValidateShootStatusUpdate, ValidateKubeletConfig, and the functions upstream tests on their own. A case
 * passes when the errors have exactly upstream's types and paths (and details where the case names one),
 * or contain them where upstream's matcher is ContainElement(s). A subset runs over HTTPS in
 * test/http/shoot-validation.test.ts.
 */
import { FieldPath } from '../../apimachinery/field.js';
import { emptyShoot, STATUS_CASES } from '../../test/support/shoot/cases/status.js';
import { KUBELET_CASES } from '../../test/support/shoot/cases/kubelet.js';
import { KUBELET_CONFIGURATION_CASES } from '../../test/support/shoot/cases/kubelet-configuration.js';
import { WORKER_CASES, WORKER_OPTION_CASES } from '../../test/support/shoot/cases/workers.js';
import { HA_AND_STRATEGY_UPDATE_CASES, UPDATE_CASES, ZONE_CASES, ZONE_UPDATE_CASES } from '../../test/support/shoot/cases/updates.js';
import { HIBERNATION_CASES } from '../../test/support/shoot/cases/hibernation.js';
import { DNS_CASES, DNS_UPDATE_CASES, SCHEDULER_AND_EXPOSURE_CASES, SCHEDULER_AND_EXPOSURE_UPDATE_CASES } from '../../test/support/shoot/cases/dns.js';
import { NETWORKING_CASES, NETWORKING_UPDATE_CASES } from '../../test/support/shoot/cases/networking.js';
import { ADDON_CASES, BINDING_CASES, BINDING_UPDATE_CASES, EXTENSION_AND_RESOURCE_CASES } from '../../test/support/shoot/cases/addons.js';
import { AUTOSCALING_CASES } from '../../test/support/shoot/cases/autoscaling.js';
import { COMPONENT_CASES, COMPONENT_UPDATE_CASES } from '../../test/support/shoot/cases/components.js';
import { CA_OPTION_CASES, CORE_CASES, CORE_UPDATE_CASES, FORCE_DELETION_CASES, HA_CONFIG_UPDATE_CASES, SELF_HOSTED_CASES, SELF_HOSTED_UPDATE_CASES } from '../../test/support/shoot/cases/spec.js';
import { DNS_SECRET_CASES, DNS_SECRET_UPDATE_CASES, ENCRYPTION_UPDATE_CASES, KAS_CASES } from '../../test/support/shoot/cases/kube-apiserver.js';
import { AUTH_CASES, CLUSTER_AUTOSCALER_CASES, KCM_CASES, KCM_UPDATE_CASES, PROXY_SPEC_UPDATE_CASES, SCHEDULER_AND_PROXY_CASES, VPA_CASES } from '../../test/support/shoot/cases/control-plane.js';
import { VERSION_CASES, VERSION_UPDATE_CASES } from '../../test/support/shoot/cases/versions.js';
import { OPERATION_CASES, OPERATION_UPDATE_CASES } from '../../test/support/shoot/cases/operations.js';
import { PROVIDER_UPDATE_CASES, STATUS_UPDATE_CASES } from '../../test/support/shoot/cases/provider-updates.js';
import { IN_PLACE_CREATION_CASES, inPlaceCreationShoot, SYSTEM_COMPONENT_WORKERS_CASES, WORKER_POOLS_CASES, WORKER_RULE_CASES } from '../../test/support/shoot/cases/worker-pools.js';
import { CONTROL_PLANE_AUTOSCALING_CASES, CREATION_CASES, IN_PLACE_UPDATE_CASES, inPlaceNewShoot, inPlaceOldShoot, MISC_CASES } from '../../test/support/shoot/cases/misc.js';
import { changed, CREATE_CASES } from '../../test/support/shoot/cases/index.js';
import { assertMatches, gatesOf, updatePair } from '../../test/support/shoot/cases/match.js';
import { validateShoot, validateShootObject, validateShootStatus, validateShootUpdate } from './validation/index.js';
import { validateKubeletConfig } from './validation/kubelet.js';
import { validateForceDeletion, validateInPlaceUpdates, validateInPlaceUpdateStrategyOnCreation } from './validation/changes.js';
import { controlPlaneAutoscaling } from './validation/common.js';
import { validateShootHAConfigUpdate } from './validation/controlplane.js';
import { validateSystemComponentWorkers, validateWorkerPools } from './validation/provider.js';
import { validateShootSpecUpdate } from './validation/specupdate.js';

const CREATES = [
  ...CREATE_CASES, ...COMPONENT_CASES, ...AUTOSCALING_CASES, ...WORKER_CASES, ...ADDON_CASES, ...BINDING_CASES, ...NETWORKING_CASES,
  ...ZONE_CASES, ...DNS_CASES, ...SCHEDULER_AND_EXPOSURE_CASES, ...HIBERNATION_CASES, ...EXTENSION_AND_RESOURCE_CASES, ...WORKER_OPTION_CASES,
  ...CORE_CASES, ...SELF_HOSTED_CASES, ...CA_OPTION_CASES, ...DNS_SECRET_CASES, ...KAS_CASES, ...KCM_CASES, ...SCHEDULER_AND_PROXY_CASES,
  ...CLUSTER_AUTOSCALER_CASES, ...VPA_CASES, ...AUTH_CASES, ...VERSION_CASES, ...OPERATION_CASES, ...WORKER_RULE_CASES, ...MISC_CASES,
];
const UPDATES = [
  ...UPDATE_CASES, ...COMPONENT_UPDATE_CASES, ...HA_AND_STRATEGY_UPDATE_CASES, ...BINDING_UPDATE_CASES, ...NETWORKING_UPDATE_CASES,
  ...ZONE_UPDATE_CASES, ...DNS_UPDATE_CASES, ...SCHEDULER_AND_EXPOSURE_UPDATE_CASES, ...CORE_UPDATE_CASES, ...SELF_HOSTED_UPDATE_CASES,
  ...DNS_SECRET_UPDATE_CASES, ...ENCRYPTION_UPDATE_CASES, ...KCM_UPDATE_CASES, ...VERSION_UPDATE_CASES, ...OPERATION_UPDATE_CASES,
  ...PROVIDER_UPDATE_CASES,
];
const rootOf = (root: string | undefined): FieldPath => (root === undefined ? FieldPath.of() : FieldPath.of(root));

describe('registry/shoot validation: cases of upstream shoot_test.go', () => {
  describe('ValidateShoot', () => {
    for (const c of CREATES) it(c.from, () => assertMatches(validateShootObject(changed(c.set), gatesOf(c)), c));
  });

  describe('ValidateShoot on creation (with the strategy rules for new Shoots)', () => {
    for (const c of CREATION_CASES) it(c.from, () => assertMatches(validateShoot(changed(c.set), gatesOf(c)), c));
  });

  describe('ValidateShootUpdate', () => {
    for (const c of UPDATES) it(c.from, () => assertMatches(validateShootUpdate(...updatePair(c), gatesOf(c)), c));
  });

  describe('ValidateShootStatusUpdate', () => {
    for (const c of [...STATUS_CASES, ...STATUS_UPDATE_CASES]) {
      it(c.from, () => assertMatches(validateShootStatus(changed(c.set, emptyShoot()), changed(c.old ?? [], emptyShoot())), c));
    }
  });

  describe('ValidateKubeletConfig', () => {
    for (const c of [...KUBELET_CASES, ...KUBELET_CONFIGURATION_CASES]) {
      it(c.from, () => assertMatches(validateKubeletConfig(structuredClone(c.kubelet), c.version, rootOf(c.root)), c));
    }
  });

  describe('ValidateShootHAConfigUpdate', () => {
    for (const c of HA_CONFIG_UPDATE_CASES) it(c.from, () => assertMatches(validateShootHAConfigUpdate(...updatePair(c)), c));
  });

  describe('ValidateForceDeletion', () => {
    for (const c of FORCE_DELETION_CASES) it(c.from, () => assertMatches(validateForceDeletion(...updatePair(c)), c));
  });

  describe('ValidateShootSpecUpdate', () => {
    for (const c of PROXY_SPEC_UPDATE_CASES) it(c.from, () => assertMatches(validateShootSpecUpdate(...updatePair(c), gatesOf(c)), c));
  });

  describe('ValidateInPlaceUpdates', () => {
    for (const c of IN_PLACE_UPDATE_CASES) {
      it(c.from, () => assertMatches(validateInPlaceUpdates(changed(c.set, inPlaceNewShoot()), changed(c.old ?? [], inPlaceOldShoot())), c));
    }
  });

  describe('ValidateInPlaceUpdateStrategyOnCreation', () => {
    for (const c of IN_PLACE_CREATION_CASES) it(c.from, () => assertMatches(validateInPlaceUpdateStrategyOnCreation(changed(c.set, inPlaceCreationShoot()), gatesOf(c)), c));
  });

  describe('ValidateWorkers', () => {
    for (const c of WORKER_POOLS_CASES) it(c.from, () => assertMatches(validateWorkerPools(structuredClone(c.workers), FieldPath.of('workers')), c));
  });

  describe('ValidateSystemComponentWorkers', () => {
    for (const c of SYSTEM_COMPONENT_WORKERS_CASES) it(c.from, () => assertMatches(validateSystemComponentWorkers(structuredClone(c.workers), FieldPath.of('workers')), c));
  });

  describe('ValidateControlPlaneAutoscaling', () => {
    for (const c of CONTROL_PLANE_AUTOSCALING_CASES) it(c.from, () => assertMatches(controlPlaneAutoscaling(structuredClone(c.autoscaling), c.minimums, rootOf(c.root)), c));
  });
});
