import assert from 'node:assert/strict';
import { FieldPath, errorString } from '../../apimachinery/field.js';
import { groupResourceSet } from './groupresource.js';
import { isReadyForRotationStart } from './rotation.js';
import type { LastOperation } from './types.js';
import {
  MSG_PROVIDER_AND_RESOURCES,
  MSG_PROVIDER_HIBERNATION,
  MSG_PROVIDER_NOT_READY,
  MSG_PROVIDER_PHASE,
  MSG_PROVIDER_ROLLOUT,
  MSG_RESOURCES_HIBERNATION,
  MSG_RESOURCES_PHASE,
  MSG_RESOURCES_ROLLOUT,
  validateEncryptionConfigUpdate,
  type EncryptionUpdateInput,
} from './update.js';

const P = 'spec.kubernetes.kubeAPIServer.encryptionConfig';
const R = `${P}.resources: Forbidden: `;
const T = `${P}.provider.type: Forbidden: `;
const READY: LastOperation = { type: 'Reconcile', state: 'Succeeded', progress: 100 };

/** A change from `old` to `next` with a status in sync with `old` unless overridden. */
function input(old: [string[], string], next: [string[], string], over: Partial<EncryptionUpdateInput> = {}): EncryptionUpdateInput {
  return {
    oldConfig: { resources: old[0], provider: { type: old[1] } },
    newConfig: { resources: next[0], provider: { type: next[1] } },
    current: groupResourceSet(old[0]),
    currentProvider: old[1],
    phase: '',
    hibernated: false,
    lastOperation: READY,
    ...over,
  };
}

function check(i: EncryptionUpdateInput): string[] {
  return validateEncryptionConfigUpdate(i, FieldPath.of(P)).map(errorString);
}

describe('registry/encryptionconfig update rules (spec §1.4)', () => {
  describe('status in sync', () => {
    const allowed: [string, EncryptionUpdateInput][] = [
      ['no change', input([['configmaps'], 'aescbc'], [['configmaps'], 'aescbc'])],
      ['adding a resource', input([['configmaps'], 'aescbc'], [['configmaps', 'deployments.apps'], 'aescbc'])],
      ['removing all resources', input([['configmaps'], 'aescbc'], [[], 'aescbc'])],
      ['reordering and a trailing dot are no change', input([['a', 'b.x'], 'aescbc'], [['b.x', 'a.'], 'aescbc'], { hibernated: true, phase: 'Preparing' })],
      ['changing the provider', input([['configmaps'], 'aescbc'], [['configmaps'], 'aesgcm'])],
      ['adding resources while the rotation is Completed', input([[], 'aescbc'], [['configmaps'], 'aescbc'], { phase: 'Completed' })],
      ['from no config at all', { ...input([[], ''], [['configmaps'], '']), oldConfig: undefined, newConfig: { resources: ['configmaps'] } }],
    ];
    for (const [name, i] of allowed) {
      it(`allows ${name}`, () => assert.deepEqual(check(i), []));
    }
  });

  describe('every rotation phase', () => {
    for (const phase of ['Preparing', 'PreparingWithoutWorkersRollout', 'WaitingForWorkersRollout', 'Prepared', 'Completing']) {
      it(`forbids resource and provider changes while ${phase}`, () => {
        assert.deepEqual(check(input([['configmaps'], 'aescbc'], [['services'], 'aescbc'], { phase })), [R + MSG_RESOURCES_PHASE]);
        assert.deepEqual(check(input([['configmaps'], 'aescbc'], [['configmaps'], 'secretbox'], { phase })), [T + MSG_PROVIDER_PHASE]);
      });
    }
    for (const phase of ['', 'Completed']) {
      it(`allows changes with phase ${JSON.stringify(phase)}`, () => {
        assert.deepEqual(check(input([['configmaps'], 'aescbc'], [['services'], 'aescbc'], { phase })), []);
      });
    }
  });

  describe('status out of sync (a change is rolling out)', () => {
    it('forbids a resource change when the status resources differ from the old spec', () => {
      const i = input([['configmaps'], 'aescbc'], [['configmaps', 'services'], 'aescbc'], { current: groupResourceSet([]) });
      assert.deepEqual(check(i), [R + MSG_RESOURCES_ROLLOUT]);
    });
    it('forbids a resource change when the status provider differs from the old spec', () => {
      const i = input([['configmaps'], 'aesgcm'], [['services'], 'aesgcm'], { currentProvider: 'aescbc' });
      assert.deepEqual(check(i), [R + MSG_RESOURCES_ROLLOUT]);
    });
    it('forbids a resource change right after creation (status not written yet)', () => {
      const i = input([['configmaps'], 'aescbc'], [['services'], 'aescbc'], { current: groupResourceSet(undefined), currentProvider: '' });
      assert.deepEqual(check(i), [R + MSG_RESOURCES_ROLLOUT]);
    });
    it('forbids a provider change while resources roll out', () => {
      const i = input([['configmaps'], 'aescbc'], [['configmaps'], 'aesgcm'], { current: groupResourceSet(['services']) });
      assert.deepEqual(check(i), [T + MSG_PROVIDER_ROLLOUT]);
    });
    it('allows reverting nothing: an unchanged config passes even out of sync', () => {
      assert.deepEqual(check(input([['configmaps'], 'aescbc'], [['configmaps'], 'aescbc'], { current: groupResourceSet([]), currentProvider: '' })), []);
    });
  });

  describe('hibernation', () => {
    it('forbids resource changes', () => {
      assert.deepEqual(check(input([['configmaps'], 'aescbc'], [[], 'aescbc'], { hibernated: true })), [R + MSG_RESOURCES_HIBERNATION]);
    });
    it('forbids provider changes', () => {
      assert.deepEqual(check(input([[], 'aescbc'], [[], 'secretbox'], { hibernated: true })), [T + MSG_PROVIDER_HIBERNATION]);
    });
  });

  describe('provider type changes need a ready cluster', () => {
    const cases: [string, LastOperation | undefined, boolean][] = [
      ['no last operation', undefined, false],
      ['Create Processing', { type: 'Create', state: 'Processing' }, false],
      ['Create Failed', { type: 'Create', state: 'Failed' }, false],
      ['Create Succeeded', { type: 'Create', state: 'Succeeded' }, true],
      ['Restore Succeeded', { type: 'Restore', state: 'Succeeded' }, true],
      ['Restore Processing', { type: 'Restore', state: 'Processing' }, false],
      ['Reconcile Error', { type: 'Reconcile', state: 'Error' }, true],
      ['Reconcile Processing', { type: 'Reconcile', state: 'Processing' }, true],
      ['Migrate Succeeded', { type: 'Migrate', state: 'Succeeded' }, false],
      ['Delete Processing', { type: 'Delete', state: 'Processing' }, false],
    ];
    for (const [name, lastOperation, ready] of cases) {
      it(`${name}: ${ready ? 'allowed' : 'forbidden'}`, () => {
        assert.equal(isReadyForRotationStart(lastOperation), ready);
        const want = ready ? [] : [T + MSG_PROVIDER_NOT_READY];
        assert.deepEqual(check(input([[], 'aescbc'], [[], 'aesgcm'], { lastOperation })), want);
      });
    }
  });

  it('forbids provider and resources changed together', () => {
    assert.deepEqual(check(input([['configmaps'], 'aescbc'], [['services'], 'secretbox'])), [T + MSG_PROVIDER_AND_RESOURCES]);
    const fromNothing = { ...input([[], ''], [['configmaps'], 'aescbc']), oldConfig: undefined };
    assert.deepEqual(check(fromNothing), [T + MSG_PROVIDER_AND_RESOURCES]);
  });

  it('reports every reason at once, resources first', () => {
    const i = input([['configmaps'], 'aescbc'], [['services'], 'secretbox'], {
      phase: 'Preparing',
      hibernated: true,
      current: groupResourceSet([]),
      lastOperation: { type: 'Create', state: 'Processing' },
    });
    assert.deepEqual(check(i), [
      R + MSG_RESOURCES_PHASE,
      R + MSG_RESOURCES_ROLLOUT,
      R + MSG_RESOURCES_HIBERNATION,
      T + MSG_PROVIDER_NOT_READY,
      T + MSG_PROVIDER_PHASE,
      T + MSG_PROVIDER_ROLLOUT,
      T + MSG_PROVIDER_HIBERNATION,
      T + MSG_PROVIDER_AND_RESOURCES,
    ]);
  });

  it('uses Gardener exact texts', () => {
    assert.equal(MSG_RESOURCES_PHASE, 'resources cannot be changed when .status.credentials.rotation.etcdEncryptionKey.phase is not "Completed"');
    assert.equal(MSG_PROVIDER_NOT_READY, 'provider type cannot be changed if resource was not yet created successfully or is not ready for reconciliation');
  });
});
