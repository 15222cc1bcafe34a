/**
 * Gardener's Garden validation tests, translated: the cases of
 * pkg/api/operator/v1alpha1/validation/garden_test.go (gardener b312835d17) that concern what
 * registry/garden/validation implements — the `gardener.cloud/operation` annotation, both encryption
 * configurations (static rules and update rules against the status), and gardener-apiserver's
 * `shootAdminKubeconfigMaxExpiration` — plus the validation cases of
 * pkg/operator/webhook/validation/garden/handler_test.go, run through the GardenValidator plugin.
 *
 * Every Garden starts as the upstream example (examples/operator/20-garden.yaml) with the case's changes.
 * Like upstream, validation runs on the object as built, without the defaulting webhook: defaulting
 * would give both API servers the provider `aescbc`, which several upstream cases rely on being unset.
 * The example's Kubernetes version (1.33.0) and upstream's base (1.32.x) are both below 1.34, the only
 * version boundary these rules know.
 *
 * Matchers follow upstream's: ConsistOf compares the whole list, ContainElement(s) a subset, BeEmpty
 * nothing; an error matches on type and path, and on detail and bad value where upstream checks them.
 * Bad values are compared as Go prints them in the message (`"retry"`, `1800000000000`).
 */
import assert from 'node:assert/strict';
import { errorString, Printed, type FieldError, type FieldErrorType } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { StatusError } from '../../apimachinery/errors.js';
import { gardenValidator } from './gardenvalidator.js';
import type { AdmissionAttributes, Operation } from '../types.js';
import { gardenResource } from '../../registry/garden/descriptor.js';
import { validateGarden, validateGardenUpdate } from '../../registry/garden/validation/index.js';
import { exampleGarden, setAt } from '../../test/support/shoot/fixtures.js';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------
// Matchers (gomega's, on our FieldError)

/** One expected field error; `detail` and `badValue` (as Go prints it) are only checked when given. */
interface Want {
  type: FieldErrorType;
  field: string;
  detail?: string | { contains: string };
  badValue?: string;
}

/** The bad value as the message prints it. */
function shownValue(v: unknown): string {
  if (v instanceof Printed) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

function matches(e: FieldError, w: Want): boolean {
  if (e.type !== w.type || e.field !== w.field) return false;
  if (w.detail !== undefined) {
    const detail = e.detail ?? '';
    if (typeof w.detail === 'string' ? detail !== w.detail : !detail.includes(w.detail.contains)) return false;
  }
  return w.badValue === undefined || shownValue(e.badValue) === w.badValue;
}

/** Whether every want can be paired with a distinct error (backtracking bipartite matching). */
function pairUp(errs: readonly FieldError[], wants: readonly Want[]): boolean {
  const used = new Array<boolean>(errs.length).fill(false);
  const place = (i: number): boolean => {
    const w = wants[i];
    if (w === undefined) return true;
    for (let j = 0; j < errs.length; j++) {
      const e = errs[j];
      if (used[j] || e === undefined || !matches(e, w)) continue;
      used[j] = true;
      if (place(i + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return place(0);
}

function describeMismatch(kind: string, errs: readonly FieldError[], wants: readonly Want[]): string {
  const got = errs.length === 0 ? '  (none)' : errs.map((e) => `  ${errorString(e)}`).join('\n');
  const want = wants.map((w) => `  ${JSON.stringify(w)}`).join('\n');
  return `${kind} failed\ngot:\n${got}\nwant:\n${want}`;
}

/** ConsistOf: exactly these errors, in any order. */
function consistOf(errs: readonly FieldError[], ...wants: Want[]): void {
  assert.ok(errs.length === wants.length && pairUp(errs, wants), describeMismatch('ConsistOf', errs, wants));
}

/** ContainElement(s): at least these errors. */
function containElements(errs: readonly FieldError[], ...wants: Want[]): void {
  assert.ok(pairUp(errs, wants), describeMismatch('ContainElements', errs, wants));
}

/** BeEmpty. */
function beEmpty(errs: readonly FieldError[]): void {
  assert.ok(errs.length === 0, describeMismatch('BeEmpty', errs, []));
}

// ---------------------------------------------------------------------------------------------------
// Builders

const OP = 'metadata.annotations[gardener.cloud/operation]';
const KUBE_ENC = 'spec.virtualCluster.kubernetes.kubeAPIServer.encryptionConfig';
const GARDENER_API = 'spec.virtualCluster.gardener.gardenerAPIServer';
const GARDENER_ENC = `${GARDENER_API}.encryptionConfig`;
const NOT_SERVED =
  'should be a resource served by gardener-apiserver. ie; should have any of the suffixes {authentication,core,operations,security,settings,seedmanagement}.gardener.cloud';

const forbiddenOp: Want = { type: 'Forbidden', field: OP };

function withOperation(garden: KubeObject, operation: string): KubeObject {
  garden.metadata.annotations = { ...garden.metadata.annotations, 'gardener.cloud/operation': operation };
  return garden;
}

/** The example Garden with the operation annotation, a status and (optionally) both encryption configurations. */
function gardenWith(operation: string, status: Json, kube?: Json, gardener?: Json): KubeObject {
  const garden = withOperation(exampleGarden(), operation);
  setAt(garden, KUBE_ENC, kube);
  setAt(garden, GARDENER_ENC, gardener);
  garden.status = status;
  return garden;
}

type Rotation = 'certificateAuthorities' | 'serviceAccountKey' | 'etcdEncryptionKey' | 'workloadIdentityKey';
const ROTATIONS: readonly Rotation[] = ['certificateAuthorities', 'serviceAccountKey', 'etcdEncryptionKey', 'workloadIdentityKey'];
const PHASES = ['Preparing', 'Prepared', 'Completing', 'Completed'] as const;
type Phase = (typeof PHASES)[number];

/** `status.credentials.rotation` with the given phases. */
function rotationStatus(phases: Partial<Record<Rotation, Phase>>): Json {
  return { credentials: { rotation: Object.fromEntries(Object.entries(phases).map(([r, phase]) => [r, { phase }])) } };
}

/** `status.credentials.encryptionAtRest.resources`. */
function encryptedStatus(resources: string[]): Json {
  return { credentials: { encryptionAtRest: { resources } } };
}

/**
 * A DescribeTable over one rotation's four phases: `names` are upstream's entry names in the order
 * Preparing, Prepared, Completing, Completed; only `allowedPhase` passes.
 */
function singleRotationTable(title: string, operation: string, rotation: Rotation, names: readonly string[], allowedPhase: Phase): void {
  describe(title, () => {
    PHASES.forEach((phase, i) => {
      it(names[i] ?? phase, () => {
        const errs = validateGarden(gardenWith(operation, rotationStatus({ [rotation]: phase })));
        if (phase === allowedPhase) beEmpty(errs);
        else consistOf(errs, forbiddenOp);
      });
    });
  });
}

const PHASE_WORDS = ['preparing', 'prepared', 'completing', 'completed'] as const;
const ROTATION_WORDS: Readonly<Record<Rotation, string>> = {
  certificateAuthorities: 'ca',
  serviceAccountKey: 'sa',
  etcdEncryptionKey: 'etcd key',
  workloadIdentityKey: 'workload identity key',
};

/** The two encryption entries of upstream's "starting ... rotation" tables. */
function rolloutEntries(operation: string, detail: string): void {
  it('when spec encrypted resources and status encrypted resources are not equal', () => {
    const garden = gardenWith(operation, encryptedStatus(['configmaps', 'projects.core.gardener.cloud']), { resources: ['deployments.apps'] }, { resources: ['shoots.core.gardener.cloud'] });
    consistOf(validateGarden(garden), { ...forbiddenOp, detail });
  });
}

// ---------------------------------------------------------------------------------------------------

describe('Validation Tests', () => {
  describe('#ValidateGarden', () => {
    describe('operation annotation', () => {
      it('should do nothing if the operation annotation is not set', () => {
        beEmpty(validateGarden(exampleGarden()));
      });

      describe('should not allow starting/completing rotation when garden has deletion timestamp', () => {
        const entries: [string, string][] = [
          ['start all rotations', 'rotate-credentials-start'],
          ['complete all rotations', 'rotate-credentials-complete'],
          ['start CA rotation', 'rotate-ca-start'],
          ['complete CA rotation', 'rotate-ca-complete'],
          ['start ServiceAccount key rotation', 'rotate-serviceaccount-key-start'],
          ['complete ServiceAccount key rotation', 'rotate-serviceaccount-key-complete'],
          ['start single operation ETCD encryption key rotation', 'rotate-etcd-encryption-key'],
          ['start Observability key rotation', 'rotate-observability-credentials'],
          ['start WorkloadIdentity key rotation', 'rotate-workload-identity-key-start'],
          ['complete WorkloadIdentity key rotation', 'rotate-workload-identity-key-complete'],
        ];
        for (const [name, operation] of entries) {
          it(name, () => {
            const garden = withOperation(exampleGarden(), operation);
            garden.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
            containElements(validateGarden(garden), forbiddenOp);
          });
        }
      });

      describe('starting rotation of all credentials', () => {
        PHASES.forEach((phase, p) => {
          for (const rotation of ROTATIONS) {
            it(`${ROTATION_WORDS[rotation]} rotation phase is ${PHASE_WORDS[p] ?? phase}`, () => {
              const errs = validateGarden(gardenWith('rotate-credentials-start', rotationStatus({ [rotation]: phase })));
              if (phase === 'Completed') beEmpty(errs);
              else consistOf(errs, forbiddenOp);
            });
          }
        });
        rolloutEntries('rotate-credentials-start', 'cannot start rotation of all credentials because a previous encryption configuration change is currently being rolled out');
        it('when spec encrypted resources and status encrypted resources are equal', () => {
          const garden = gardenWith(
            'rotate-credentials-start',
            encryptedStatus(['configmaps', 'daemonsets.apps', 'projects.core.gardener.cloud', 'shoots.core.gardener.cloud']),
            { resources: ['daemonsets.apps', 'configmaps'] },
            { resources: ['shoots.core.gardener.cloud', 'projects.core.gardener.cloud'] },
          );
          beEmpty(validateGarden(garden));
        });
      });

      describe('completing rotation of all credentials', () => {
        const allPrepared = (): Partial<Record<Rotation, Phase>> => Object.fromEntries(ROTATIONS.map((r) => [r, 'Prepared']));
        const entry = (phase: Phase, p: number, rotation: Rotation): void => {
          it(`${ROTATION_WORDS[rotation]} rotation phase is ${PHASE_WORDS[p] ?? phase}`, () => {
            const errs = validateGarden(gardenWith('rotate-credentials-complete', rotationStatus({ ...allPrepared(), [rotation]: phase })));
            consistOf(errs, forbiddenOp);
          });
        };
        for (const rotation of ROTATIONS) entry('Preparing', 0, rotation);
        it('all rotation phases are prepared', () => {
          beEmpty(validateGarden(gardenWith('rotate-credentials-complete', rotationStatus(allPrepared()))));
        });
        for (const rotation of ROTATIONS) entry('Completing', 2, rotation);
        for (const rotation of ROTATIONS) entry('Completed', 3, rotation);
      });

      const caNames = PHASE_WORDS.map((w) => `ca rotation phase is ${w}`);
      const plainNames = PHASE_WORDS.map((w) => `rotation phase is ${w}`);
      const etcdNames = ['rotation phase is prepare', 'rotation phase is prepared', 'rotation phase is complete', 'rotation phase is completed'];

      singleRotationTable('starting CA rotation', 'rotate-ca-start', 'certificateAuthorities', caNames, 'Completed');
      singleRotationTable('completing CA rotation', 'rotate-ca-complete', 'certificateAuthorities', caNames, 'Prepared');
      singleRotationTable('starting service account key rotation', 'rotate-serviceaccount-key-start', 'serviceAccountKey', plainNames, 'Completed');
      singleRotationTable('completing service account key rotation', 'rotate-serviceaccount-key-complete', 'serviceAccountKey', plainNames, 'Prepared');

      it('should allow to complete credentials rotation when etcd rotation is not prepared and k8s version is >= 1.34', () => {
        const garden = gardenWith(
          'rotate-credentials-complete',
          rotationStatus({ certificateAuthorities: 'Prepared', serviceAccountKey: 'Prepared', etcdEncryptionKey: 'Completed', workloadIdentityKey: 'Prepared' }),
        );
        setAt(garden, 'spec.virtualCluster.kubernetes.version', '1.34.0');
        beEmpty(validateGarden(garden));
      });

      for (const operation of ['rotate-etcd-encryption-key-start', 'rotate-etcd-encryption-key-complete']) {
        it(`should forbid setting ${operation} annotation when k8s version is >= v1.34`, () => {
          const garden = withOperation(exampleGarden(), operation);
          setAt(garden, 'spec.virtualCluster.kubernetes.version', '1.34.0');
          containElements(validateGarden(garden), {
            ...forbiddenOp,
            detail: `for Kubernetes versions >= 1.34, operation '${operation}' is no longer supported, please use 'rotate-etcd-encryption-key' instead, which performs a complete etcd encryption key rotation`,
          });
        });
      }

      const etcdStartTable = (title: string, operation: string): void => {
        describe(title, () => {
          PHASES.forEach((phase, i) => {
            it(etcdNames[i] ?? phase, () => {
              const errs = validateGarden(gardenWith(operation, rotationStatus({ etcdEncryptionKey: phase })));
              if (phase === 'Completed') beEmpty(errs);
              else consistOf(errs, forbiddenOp);
            });
          });
          rolloutEntries(operation, 'cannot start ETCD encryption key rotation because a previous encryption configuration change is currently being rolled out');
          it('when spec encrypted resources and status encrypted resources are equal', () => {
            const garden = gardenWith(
              operation,
              encryptedStatus(['configmaps.', 'daemonsets.apps', 'projects.core.gardener.cloud', 'shoots.core.gardener.cloud']),
              { resources: ['daemonsets.apps', 'configmaps'] },
              { resources: ['shoots.core.gardener.cloud', 'projects.core.gardener.cloud'] },
            );
            beEmpty(validateGarden(garden));
          });
        });
      };
      etcdStartTable('starting ETCD encryption key rotation with automatic completion', 'rotate-etcd-encryption-key');
      etcdStartTable('starting ETCD encryption key rotation', 'rotate-etcd-encryption-key-start');

      singleRotationTable('completing ETCD encryption key rotation', 'rotate-etcd-encryption-key-complete', 'etcdEncryptionKey', etcdNames, 'Prepared');
      singleRotationTable('starting workload identity key rotation', 'rotate-workload-identity-key-start', 'workloadIdentityKey', plainNames, 'Completed');
      singleRotationTable('completing workload identity key rotation', 'rotate-workload-identity-key-complete', 'workloadIdentityKey', plainNames, 'Prepared');

      describe('multiple operations', () => {
        const entries: [string, string, Want[] | undefined][] = [
          ['single gardener operation', 'rotate-ca-start', undefined],
          ['two parallel operations', 'rotate-ca-start;rotate-observability-credentials', undefined],
          ['three parallel operations', 'rotate-ca-start;rotate-observability-credentials;rotate-serviceaccount-key-start', undefined],
          ['operations with whitespaces', ' rotate-ca-start ; rotate-observability-credentials ', undefined],
          ['not supported operation', 'reconcile;retry', [{ type: 'NotSupported', field: OP, badValue: '"retry"' }]],
        ];
        for (const [name, operations, wants] of entries) {
          it(name, () => {
            const errs = validateGarden(withOperation(exampleGarden(), operations));
            if (wants === undefined) beEmpty(errs);
            else consistOf(errs, ...wants);
          });
        }
      });

      describe('should reject operations not allowed to run in parallel', () => {
        it('rotate-etcd-encryption-key and rotate-etcd-encryption-key-start', () => {
          const garden = withOperation(exampleGarden(), 'rotate-etcd-encryption-key;rotate-etcd-encryption-key-start');
          containElements(validateGarden(garden), {
            ...forbiddenOp,
            detail: { contains: "operation 'rotate-etcd-encryption-key' is not permitted to be run together with" },
          });
        });
      });
    });

    describe('virtual cluster', () => {
      describe('Gardener', () => {
        describe('APIServer', () => {
          /** The example Garden (its gardenerAPIServer is `{}`, as upstream's BeforeEach sets it) with encryption configurations. */
          const withEncryption = (gardener: Json, kube?: Json): KubeObject => {
            const garden = exampleGarden();
            setAt(garden, GARDENER_API, {});
            setAt(garden, GARDENER_ENC, gardener);
            setAt(garden, KUBE_ENC, kube);
            return garden;
          };
          const gardenerResource = (i: number, want: Omit<Want, 'field'>): Want => ({ ...want, field: `${GARDENER_ENC}.resources[${i}]` });

          describe('EncryptionConfig', () => {
            it('should deny specifying duplicate resources', () => {
              const garden = withEncryption({ resources: ['shoots.core.gardener.cloud', 'shoots.core.gardener.cloud'] });
              consistOf(validateGarden(garden), gardenerResource(1, { type: 'Duplicate', badValue: '"shoots.core.gardener.cloud"' }));
            });

            it('should deny using capital letters', () => {
              const garden = withEncryption({ resources: ['Shoots.core.gardener.cloud', 'shootS.core.gardener.cloud'] });
              consistOf(
                validateGarden(garden),
                gardenerResource(0, { type: 'Invalid', detail: 'resource must be lower case', badValue: '"Shoots.core.gardener.cloud"' }),
                gardenerResource(1, { type: 'Invalid', detail: 'resource must be lower case', badValue: '"shootS.core.gardener.cloud"' }),
              );
            });

            it('should deny specifying resources encrypted by default', () => {
              const garden = withEncryption({
                resources: [
                  'controllerdeployments.core.gardener.cloud',
                  'controllerregistrations.core.gardener.cloud',
                  'internalsecrets.core.gardener.cloud',
                  'shootstates.core.gardener.cloud',
                  'shoots.core.gardener.cloud',
                  'secretbindings.core.gardener.cloud',
                ],
              });
              containElements(
                validateGarden(garden),
                gardenerResource(0, { type: 'Forbidden', detail: '"controllerdeployments.core.gardener.cloud" are always encrypted' }),
                gardenerResource(1, { type: 'Forbidden', detail: '"controllerregistrations.core.gardener.cloud" are always encrypted' }),
                gardenerResource(2, { type: 'Forbidden', detail: '"internalsecrets.core.gardener.cloud" are always encrypted' }),
                gardenerResource(3, { type: 'Forbidden', detail: '"shootstates.core.gardener.cloud" are always encrypted' }),
              );
            });

            it('should deny specifying resources which are not served by gardener-apiserver', () => {
              const garden = withEncryption({
                resources: ['shoots.core.gardener.cloud', 'bastions.operations.gardener.cloud.', 'ingresses.networking.io', 'foo.gardener.cloud', 'configmaps'],
              });
              consistOf(
                validateGarden(garden),
                gardenerResource(1, { type: 'Invalid', badValue: '"bastions.operations.gardener.cloud."', detail: NOT_SERVED }),
                gardenerResource(2, { type: 'Invalid', badValue: '"ingresses.networking.io"', detail: NOT_SERVED }),
                gardenerResource(3, { type: 'Invalid', badValue: '"foo.gardener.cloud"', detail: NOT_SERVED }),
                gardenerResource(4, { type: 'Invalid', badValue: '"configmaps"', detail: NOT_SERVED }),
              );
            });

            it('should deny specifying wildcard resources', () => {
              const garden = withEncryption({ resources: ['shoots.*.gardener.cloud', '*.operations.gardener.cloud', '*.*', 'shoots.*'] });
              const wildcard = (i: number): Want => gardenerResource(i, { type: 'Invalid', detail: 'wildcards are not supported' });
              consistOf(
                validateGarden(garden),
                wildcard(0),
                wildcard(1),
                wildcard(2),
                wildcard(3),
                gardenerResource(0, { type: 'Invalid', badValue: '"shoots.*.gardener.cloud"', detail: NOT_SERVED }),
                gardenerResource(2, { type: 'Invalid', badValue: '"*.*"', detail: NOT_SERVED }),
                gardenerResource(3, { type: 'Invalid', badValue: '"shoots.*"', detail: NOT_SERVED }),
              );
            });

            const providerMismatch: Want = {
              type: 'Invalid',
              field: `${GARDENER_ENC}.provider.type`,
              detail: 'field must be equal to spec.virtualCluster.kubernetes.kubeAPIServer.encryptionConfig.provider.type',
            };

            it('should deny specifying different encryption provider types for k8s and gardener api server', () => {
              const garden = withEncryption({ provider: { type: 'foo' } }, { provider: { type: 'aescbc' } });
              consistOf(validateGarden(garden), providerMismatch);
            });

            it('should deny specifying different encryption provider types for k8s and gardener api server, when garden api server provider is nil', () => {
              const garden = withEncryption({}, { provider: { type: 'aescbc' } });
              consistOf(validateGarden(garden), providerMismatch);
            });

            it('should deny specifying invalid encryption provider type for k8s and gardener api server', () => {
              const garden = withEncryption({ provider: { type: 'foo' } }, { provider: { type: 'foo' } });
              consistOf(validateGarden(garden), {
                type: 'NotSupported',
                field: `${KUBE_ENC}.provider.type`,
                detail: 'supported values: "aescbc", "aesgcm", "secretbox"',
              });
            });
          });

          describe('ShootAdminKubeconfigMaxExpiration', () => {
            describe('ShootAdminKubeconfigMaxExpiration validation', () => {
              const path = `${GARDENER_API}.shootAdminKubeconfigMaxExpiration`;
              const invalid = (printed: string): Want => ({ type: 'Invalid', field: path, badValue: printed, detail: 'must be between 1h and 2^32 seconds' });
              // Values as the Garden's JSON carries a metav1.Duration. The bad value is a time.Duration, which
              // apimachinery v0.36 (gardener's) prints JSON-encoded: its nanoseconds.
              const entries: [string, string | undefined, Want | undefined][] = [
                ['valid (unset)', undefined, undefined],
                ['valid (1 hour)', '1h0m0s', undefined],
                ['valid (24 hours)', '24h0m0s', undefined],
                ['valid (maximum allowed)', `${2 ** 32}s`, undefined],
                ['invalid (less than 1 hour)', '30m0s', invalid('1800000000000')],
                ['invalid (greater than 2^32 seconds)', `${2 ** 32 + 1}s`, invalid('4294967297000000000')],
              ];
              for (const [name, duration, want] of entries) {
                it(name, () => {
                  const garden = exampleGarden();
                  setAt(garden, GARDENER_API, {});
                  setAt(garden, `${GARDENER_API}.shootAdminKubeconfigMaxExpiration`, duration);
                  const errs = validateGarden(garden);
                  if (want === undefined) beEmpty(errs);
                  else consistOf(errs, want);
                });
              }
            });
          });
        });
      });
    });
  });

  describe('#ValidateGardenUpdate', () => {
    const OLD_RESOURCES = ['resource.custom.io', 'deployments.apps'];
    const OLD_GARDENER_RESOURCES = ['shoots.core.gardener.cloud', 'bastions.operations.gardener.cloud'];

    /** Upstream's BeforeEach: empty encryption configurations and an empty `status.credentials.encryptionAtRest`. */
    const base = (): KubeObject => {
      const garden = exampleGarden();
      setAt(garden, KUBE_ENC, {});
      setAt(garden, GARDENER_ENC, {});
      garden.status = { credentials: { encryptionAtRest: {} } };
      return garden;
    };

    /** Old and new Garden with the given old configurations (new starts as a copy of upstream's base). */
    const pair = (oldKube: Json, oldGardener: Json): { oldGarden: KubeObject; newGarden: KubeObject } => {
      const oldGarden = base();
      const newGarden = base();
      setAt(oldGarden, KUBE_ENC, oldKube);
      setAt(oldGarden, GARDENER_ENC, oldGardener);
      return { oldGarden, newGarden };
    };

    const status = (garden: KubeObject, path: string, value: unknown): void => setAt(garden, `status.${path}`, value);

    describe('virtual cluster', () => {
      describe('kubernetes', () => {
        describe('encryptionConfig', () => {
          it('should deny changing items if the current resources in the status do not match the current spec', () => {
            const { oldGarden, newGarden } = pair({ resources: OLD_RESOURCES }, { resources: OLD_GARDENER_RESOURCES });
            setAt(newGarden, `${KUBE_ENC}.resources`, ['deployments.apps', 'newresource.fancyresource.io']);
            setAt(newGarden, `${GARDENER_ENC}.resources`, ['shoots.core.gardener.cloud']);
            const detail = 'resources cannot be changed because a previous encryption configuration change is currently being rolled out';
            consistOf(
              validateGardenUpdate(newGarden, oldGarden),
              { type: 'Forbidden', field: `${KUBE_ENC}.resources`, detail },
              { type: 'Forbidden', field: `${GARDENER_ENC}.resources`, detail },
            );
          });

          it('should deny changing items during ETCD Encryption Key rotation', () => {
            const { oldGarden, newGarden } = pair({ resources: OLD_RESOURCES }, { resources: OLD_GARDENER_RESOURCES });
            status(newGarden, 'credentials.encryptionAtRest.resources', [...OLD_RESOURCES, ...OLD_GARDENER_RESOURCES]);
            setAt(newGarden, `${KUBE_ENC}.resources`, ['deployments.apps', 'newresource.fancyresource.io']);
            setAt(newGarden, `${GARDENER_ENC}.resources`, ['shoots.core.gardener.cloud']);
            status(newGarden, 'credentials.rotation', { etcdEncryptionKey: { phase: 'Preparing' } });
            const detail = 'resources cannot be changed when .status.credentials.rotation.etcdEncryptionKey.phase is not "Completed"';
            consistOf(
              validateGardenUpdate(newGarden, oldGarden),
              { type: 'Forbidden', field: `${KUBE_ENC}.resources`, detail },
              { type: 'Forbidden', field: `${GARDENER_ENC}.resources`, detail },
            );
          });

          it('should allow when there are no changes during ETCD Encryption Key rotation', () => {
            const oldResources = ['resource.custom.io', 'configmaps'];
            const { oldGarden, newGarden } = pair({ resources: oldResources }, { resources: OLD_GARDENER_RESOURCES });
            status(newGarden, 'credentials.encryptionAtRest.resources', [...oldResources, ...OLD_GARDENER_RESOURCES]);
            setAt(newGarden, `${KUBE_ENC}.resources`, ['configmaps', 'resource.custom.io']);
            setAt(newGarden, `${GARDENER_ENC}.resources`, ['shoots.core.gardener.cloud', 'bastions.operations.gardener.cloud']);
            status(newGarden, 'credentials.rotation', { etcdEncryptionKey: { phase: 'Preparing' } });
            beEmpty(validateGardenUpdate(newGarden, oldGarden));
          });

          it('should allow changing items if ETCD Encryption Key rotation is in phase Completed or was never rotated', () => {
            const { oldGarden, newGarden } = pair({ resources: OLD_RESOURCES }, { resources: OLD_GARDENER_RESOURCES });
            status(newGarden, 'credentials.encryptionAtRest.resources', [...OLD_RESOURCES, ...OLD_GARDENER_RESOURCES]);
            setAt(newGarden, `${KUBE_ENC}.resources`, ['deployments.apps', 'newresource.fancyresource.io']);
            setAt(newGarden, `${GARDENER_ENC}.resources`, ['shoots.core.gardener.cloud']);
            status(newGarden, 'credentials.rotation', undefined);
            beEmpty(validateGardenUpdate(newGarden, oldGarden));

            status(newGarden, 'credentials.rotation', { etcdEncryptionKey: { phase: 'Completed' } });
            beEmpty(validateGardenUpdate(newGarden, oldGarden));
          });

          /** Both servers move from aescbc to secretbox with unchanged resources, status in sync. */
          const providerChange = (lastOperation: Json): { oldGarden: KubeObject; newGarden: KubeObject } => {
            const aescbc = { type: 'aescbc' };
            const { oldGarden, newGarden } = pair({ resources: OLD_RESOURCES, provider: aescbc }, { resources: OLD_GARDENER_RESOURCES, provider: aescbc });
            status(newGarden, 'credentials.encryptionAtRest', { resources: [...OLD_RESOURCES, ...OLD_GARDENER_RESOURCES], provider: aescbc });
            status(newGarden, 'lastOperation', lastOperation);
            setAt(newGarden, KUBE_ENC, { resources: OLD_RESOURCES, provider: { type: 'secretbox' } });
            setAt(newGarden, GARDENER_ENC, { resources: OLD_GARDENER_RESOURCES, provider: { type: 'secretbox' } });
            return { oldGarden, newGarden };
          };

          it('should allow changing provider type when garden is ready for reconciliation', () => {
            const { oldGarden, newGarden } = providerChange({ type: 'Reconcile' });
            beEmpty(validateGardenUpdate(newGarden, oldGarden));
          });

          it('should deny changing provider type when garden is not ready for reconciliation', () => {
            const { oldGarden, newGarden } = providerChange({ type: 'Create', state: 'Processing' });
            const detail = 'provider type cannot be changed if resource was not yet created successfully or is not ready for reconciliation';
            consistOf(
              validateGardenUpdate(newGarden, oldGarden),
              { type: 'Forbidden', field: `${KUBE_ENC}.provider.type`, detail },
              { type: 'Forbidden', field: `${GARDENER_ENC}.provider.type`, detail },
            );
          });
        });
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// pkg/operator/webhook/validation/garden/handler_test.go: the cases about the validation it runs.

describe('Handler', () => {
  const plugin = gardenValidator({
    getShoot: () => Promise.resolve(undefined),
    projectForNamespace: () => Promise.resolve(undefined),
    gardens: () => Promise.resolve([]),
  });

  const admit = async (operation: Operation, object: KubeObject, oldObject?: KubeObject): Promise<StatusError | undefined> => {
    const attrs: AdmissionAttributes = {
      operation,
      resource: gardenResource,
      subresource: '',
      namespace: '',
      name: object.metadata.name ?? '',
      user: { name: 'tester', groups: [] },
      dryRun: false,
      object,
      oldObject,
    };
    try {
      await plugin.validate?.(attrs);
      return undefined;
    } catch (err: unknown) {
      if (err instanceof StatusError) return err;
      throw err;
    }
  };

  const assertInvalid = (err: StatusError | undefined): void => {
    assert.ok(err !== undefined, 'expected a refusal');
    assert.equal(err.status.code, 422);
    assert.equal(err.status.reason, 'Invalid');
  };

  describe('#ValidateCreate', () => {
    it('should return success if there are no errors', async () => {
      assert.equal(await admit('CREATE', exampleGarden()), undefined);
    });

    it('should return an error if there are validation errors', async () => {
      assertInvalid(await admit('CREATE', withOperation(exampleGarden(), 'rotate-credentials-complete')));
    });
  });

  describe('#ValidateUpdate', () => {
    it('should return success if there are no errors', async () => {
      assert.equal(await admit('UPDATE', exampleGarden(), exampleGarden()), undefined);
    });

    it('should return an error if there are validation errors', async () => {
      assertInvalid(await admit('UPDATE', withOperation(exampleGarden(), 'rotate-credentials-complete'), exampleGarden()));
    });
  });
});
