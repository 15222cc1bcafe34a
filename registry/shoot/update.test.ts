import assert from 'node:assert/strict';
import { errorString } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { applyShootDefaults } from './defaults.js';
import { encryptionSpec, encryptionStatus, makeShoot, setAt } from '../../test/support/shoot/fixtures.js';
import { MSG_HIBERNATION_RESOURCES_NOT_EQUAL } from './validation/encryption.js';
import { validateShootUpdate } from './validation/index.js';

const P = 'spec.kubernetes.kubeAPIServer.encryptionConfig';
const H = 'spec.hibernation.enabled: Forbidden: ';

/** Validates the update old -> next; the status (carried over by the strategy) is the old one. */
function update(old: KubeObject, next: KubeObject): string[] {
  applyShootDefaults(old);
  applyShootDefaults(next);
  next.status = structuredClone(old.status);
  return validateShootUpdate(next, old).map(errorString);
}

const shootWith = (resources: string[], provider: string, status: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject =>
  makeShoot(encryptionSpec(resources, provider, extra), status);

describe('registry/shoot update validation', () => {
  describe('encryption changes against the status (spec §1.4)', () => {
    const inSync = encryptionStatus(['configmaps']);
    const cases: [string, KubeObject, KubeObject, string[]][] = [
      ['adding a resource, status in sync', shootWith(['configmaps'], 'aescbc', inSync), shootWith(['configmaps', 'services'], 'aescbc', {}), []],
      [
        'adding a resource while the status lags behind',
        shootWith(['configmaps'], 'aescbc', encryptionStatus([])),
        shootWith(['configmaps', 'services'], 'aescbc', {}),
        [`${P}.resources: Forbidden: resources cannot be changed because a previous encryption configuration change is currently being rolled out`],
      ],
      [
        'changing resources right after creation (no status yet)',
        shootWith(['configmaps'], 'aescbc', {}),
        shootWith([], 'aescbc', {}),
        [`${P}.resources: Forbidden: resources cannot be changed because a previous encryption configuration change is currently being rolled out`],
      ],
      ['switching the provider, ready and in sync', shootWith(['configmaps'], 'aescbc', inSync), shootWith(['configmaps'], 'secretbox', {}), []],
      [
        'switching the provider before the first reconciliation',
        shootWith(['configmaps'], 'aescbc', encryptionStatus(['configmaps'], 'aescbc', '', { type: 'Create', state: 'Processing', progress: 10 })),
        shootWith(['configmaps'], 'secretbox', {}),
        [`${P}.provider.type: Forbidden: provider type cannot be changed if resource was not yet created successfully or is not ready for reconciliation`],
      ],
      [
        'provider and resources together',
        shootWith(['configmaps'], 'aescbc', inSync),
        shootWith([], 'secretbox', {}),
        [`${P}.provider.type: Forbidden: provider type and resources cannot be changed simultaneously`],
      ],
      [
        'resources while hibernated',
        shootWith(['configmaps'], 'aescbc', inSync, { hibernation: { enabled: true } }),
        shootWith([], 'aescbc', {}, { hibernation: { enabled: true } }),
        [`${P}.resources: Forbidden: resources cannot be changed when shoot is in hibernation`],
      ],
      [
        'resources together with switching hibernation on',
        shootWith(['configmaps'], 'aescbc', inSync),
        shootWith([], 'aescbc', {}, { hibernation: { enabled: true } }),
        [`${P}.resources: Forbidden: resources cannot be changed when shoot is in hibernation`],
      ],
      ['reordering resources is no change', shootWith(['a', 'b'], 'aescbc', encryptionStatus([])), shootWith(['b', 'a'], 'aescbc', {}), []],
    ];
    for (const [name, old, next, want] of cases) it(name, () => assert.deepEqual(update(old, next), want));

    for (const phase of ['Preparing', 'Prepared', 'Completing']) {
      it(`resources and provider during etcd key rotation phase ${phase}`, () => {
        const status = encryptionStatus(['configmaps'], 'aescbc', phase);
        assert.deepEqual(update(shootWith(['configmaps'], 'aescbc', status), shootWith([], 'aescbc', {})), [
          `${P}.resources: Forbidden: resources cannot be changed when .status.credentials.rotation.etcdEncryptionKey.phase is not "Completed"`,
        ]);
        assert.deepEqual(update(shootWith(['configmaps'], 'aescbc', status), shootWith(['configmaps'], 'secretbox', {})), [
          `${P}.provider.type: Forbidden: provider type cannot be changed when .status.credentials.rotation.etcdEncryptionKey.phase is not "Completed"`,
        ]);
      });
    }
  });

  describe('hibernation (spec §1.5)', () => {
    const on = { hibernation: { enabled: true } };
    const withPhases = (etcd: string, sa = ''): Record<string, unknown> => {
      const status = encryptionStatus(['configmaps'], 'aescbc', etcd);
      if (sa !== '') setAt(status, 'credentials.rotation.serviceAccountKey', { phase: sa });
      return status;
    };
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['in sync, no rotation', withPhases(''), []],
      ['etcd key Prepared', withPhases('Prepared'), []],
      ['etcd key Completed', withPhases('Completed'), []],
      ['etcd key Preparing', withPhases('Preparing'), [`${H}shoot cannot be hibernated when .status.credentials.rotation.etcdEncryptionKey.phase is "Preparing"`]],
      ['etcd key Completing', withPhases('Completing'), [`${H}shoot cannot be hibernated when .status.credentials.rotation.etcdEncryptionKey.phase is "Completing"`]],
      [
        'service account key PreparingWithoutWorkersRollout',
        withPhases('', 'PreparingWithoutWorkersRollout'),
        [`${H}shoot cannot be hibernated when .status.credentials.rotation.serviceAccountKey.phase is "PreparingWithoutWorkersRollout"`],
      ],
      ['resources not rolled out', encryptionStatus([]), [H + MSG_HIBERNATION_RESOURCES_NOT_EQUAL]],
    ];
    for (const [name, status, want] of cases) {
      it(`switching on: ${name}`, () => assert.deepEqual(update(shootWith(['configmaps'], 'aescbc', status), shootWith(['configmaps'], 'aescbc', {}, on)), want));
    }
    it('staying hibernated or waking up is not restricted', () => {
      const status = withPhases('Preparing');
      assert.deepEqual(update(shootWith(['configmaps'], 'aescbc', status, on), shootWith(['configmaps'], 'aescbc', {}, on)), []);
      assert.deepEqual(update(shootWith(['configmaps'], 'aescbc', status, on), shootWith(['configmaps'], 'aescbc', {})), []);
    });
  });

  it('keeps region and provider type', () => {
    const old = makeShoot();
    const next = makeShoot({ region: 'eu-2', provider: { type: 'aws' } });
    assert.deepEqual(update(old, next), [
      'spec.region: Invalid value: "eu-2": field is immutable',
      'spec.provider.type: Invalid value: "aws": field is immutable',
    ]);
  });
});
