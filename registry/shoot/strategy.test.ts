import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import { errorString } from '../../apimachinery/field.js';
import { isStatusError } from '../../apimachinery/errors.js';
import { DEFAULT_ETCD_ENCRYPTION_KEY_ROTATION_PERIOD, applyShootCreateDefaults, applyShootDefaults } from './defaults.js';
import { shootBindingStrategy, shootStatusStrategy, shootStrategy } from './strategy.js';
import { shootResource } from './descriptor.js';
import { beforeUpdate } from '../generic/lifecycle.js';
import { at, encryptionSpec, makeShoot, testContext as ctx, workerSpec } from '../../test/support/shoot/fixtures.js';


describe('registry/shoot strategy', () => {
  it('has gardener-apiserver flags', () => {
    assert.equal(shootStrategy.allowCreateOnUpdate, false);
    assert.equal(shootStrategy.allowUnconditionalUpdate, false);
    assert.equal(shootStrategy.tracksGeneration, true);
  });

  describe('defaults', () => {
    const cases: [string, Record<string, unknown>, unknown][] = [
      ['nothing configured', {}, { provider: { type: 'aescbc' } }],
      ['null config', { kubernetes: { kubeAPIServer: { encryptionConfig: null } } }, { provider: { type: 'aescbc' } }],
      ['provider without type', encryptionSpec(['configmaps']), { resources: ['configmaps'], provider: { type: 'aescbc' } }],
      ['provider kept', encryptionSpec([], 'secretbox'), { resources: [], provider: { type: 'secretbox' } }],
    ];
    for (const [name, s, want] of cases) {
      it(`encryption config: ${name}`, () => {
        const shoot = makeShoot(s);
        applyShootDefaults(shoot);
        assert.deepEqual(at(shoot, 'spec.kubernetes.kubeAPIServer.encryptionConfig'), want);
      });
    }

    it('sets the etcd key rotation period on create only, as Go prints 28 days', () => {
      assert.equal(DEFAULT_ETCD_ENCRYPTION_KEY_ROTATION_PERIOD, '672h0m0s');
      const shoot = makeShoot({ maintenance: { timeWindow: { begin: '220000+0100', end: '230000+0100' } } });
      shootStrategy.prepareForCreate(shoot, ctx);
      assert.deepEqual(at(shoot, 'spec.maintenance.autoRotation'), { credentials: { etcdEncryptionKey: { rotationPeriod: '672h0m0s' } } });
      const given = makeShoot({ maintenance: { autoRotation: { credentials: { etcdEncryptionKey: { rotationPeriod: '0s' } } } } });
      applyShootCreateDefaults(given);
      assert.equal(at(given, 'spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod'), '0s');
      const old = makeShoot();
      const updated = makeShoot();
      shootStrategy.prepareForUpdate(updated, old, ctx);
      shootStrategy.applyDefaults?.(updated);
      assert.equal(at(updated, 'spec.maintenance'), undefined);
    });
  });

  describe('decode', () => {
    it('writes durations back the way Go does', () => {
      const shoot = makeShoot({
        maintenance: { autoRotation: { credentials: { etcdEncryptionKey: { rotationPeriod: '168h' } } } },
        kubernetes: { version: '1.33.0', kubeAPIServer: { eventTTL: '1h' }, kubelet: { evictionSoftGracePeriod: { memoryAvailable: '90s' } } },
        provider: { type: 'local', workers: [{ name: 'w', machineControllerManager: { machineDrainTimeout: '2h' } }] },
      });
      shootStrategy.decode?.(shoot);
      assert.equal(at(shoot, 'spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod'), '168h0m0s');
      assert.equal(at(shoot, 'spec.kubernetes.kubeAPIServer.eventTTL'), '1h0m0s');
      assert.equal(at(shoot, 'spec.kubernetes.kubelet.evictionSoftGracePeriod.memoryAvailable'), '1m30s');
      assert.equal(at(shoot, 'spec.provider.workers.0.machineControllerManager.machineDrainTimeout'), '2h0m0s');
    });

    it('decodes quantities as Go does: any JSON number as its text, strings trimmed, written back canonical, others refused with 400', () => {
      const reserved = (cpu: unknown) => makeShoot({ kubernetes: { version: '1.33.0', kubelet: { kubeReserved: { cpu } } } });
      const cases: Array<[unknown, string]> = [
        [0.5, '500m'],
        [2, '2'],
        [1000, '1k'],
        [' 100m ', '100m'],
        ['1Gi', '1Gi'],
        ['1024Mi', '1Gi'],
        ['1.5Gi', '1536Mi'],
        ['0.5Ki', '512'],
        ['1000m', '1'],
        ['1.08', '1080m'],
        ['0.1n', '1n'],
        ['1E3', '1E3'],
        ['1.5e3', '1500'],
        ['+5', '+5'],
      ];
      for (const [given, stored] of cases) {
        const shoot = reserved(given);
        shootStrategy.decode?.(shoot);
        assert.equal(at(shoot, 'spec.kubernetes.kubelet.kubeReserved.cpu'), stored, String(given));
      }
      assert.throws(
        () => shootStrategy.decode?.(reserved('abc')),
        (e: unknown) =>
          isStatusError(e) &&
          e.code === 400 &&
          e.status.message === `Shoot in version "v1beta1" cannot be handled as a Shoot: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
      );
    });

    it('refuses a duration Go cannot parse with 400, as gardener-apiserver does', () => {
      for (const [value, error] of [
        ['28d', 'time: unknown unit "d" in duration "28d"'],
        ['abc', 'time: invalid duration "abc"'],
        ['5', 'time: missing unit in duration "5"'],
        ['', 'time: invalid duration ""'],
      ]) {
        const shoot = makeShoot({ maintenance: { autoRotation: { credentials: { etcdEncryptionKey: { rotationPeriod: value } } } } });
        assert.throws(
          () => shootStrategy.decode?.(shoot),
          (e: unknown) => isStatusError(e) && e.code === 400 && e.status.message === `Shoot in version "v1beta1" cannot be handled as a Shoot: ${error}`,
          value,
        );
      }
    });
  });

  describe('prepare', () => {
    it('drops status on create and sets the seed name label', () => {
      const shoot = makeShoot({ seedName: 'seed-a' }, { hibernated: true });
      shootStrategy.prepareForCreate(shoot, ctx);
      assert.equal(shoot.status, undefined);
      assert.deepEqual(shoot.metadata.labels, { 'name.seed.gardener.cloud/seed-a': 'true' });
    });

    it('keeps status on update of the main resource (a changed spec.seedName is for admission to refuse)', () => {
      const old = makeShoot({ seedName: 'seed-a' }, { seedName: 'seed-a', hibernated: false });
      old.metadata.generation = 3;
      const next = makeShoot({ seedName: 'seed-a' }, { hibernated: true });
      next.metadata.generation = 3;
      shootStrategy.decode?.(old); // stored decoded, its maintenance window chosen; the client sends the spec back
      next.spec = structuredClone(old.spec);
      shootStrategy.prepareForUpdate(next, old, ctx);
      assert.deepEqual(next.status, old.status);
      assert.equal(next.metadata.generation, 3);
      assert.deepEqual(next.metadata.labels, { 'name.seed.gardener.cloud/seed-a': 'true' });
    });

    it('binding: takes spec.seedName, keeps status, and clears a pending creation when first scheduled', () => {
      const old = makeShoot({}, { lastOperation: { type: 'Create', state: 'Pending', progress: 0 } });
      const next = makeShoot({ seedName: 'seed-a' }, { hibernated: true });
      shootBindingStrategy.prepareForUpdate(next, old, ctx);
      assert.equal(at(next, 'spec.seedName'), 'seed-a');
      assert.equal((next.status as Record<string, unknown>).lastOperation, undefined);
      assert.deepEqual(next.metadata.labels, { 'name.seed.gardener.cloud/seed-a': 'true' });
      const moved = makeShoot({ seedName: 'seed-b' });
      const scheduled = makeShoot({ seedName: 'seed-a' }, { lastOperation: { type: 'Create', state: 'Pending', progress: 0 } });
      shootBindingStrategy.prepareForUpdate(moved, scheduled, ctx);
      assert.deepEqual((moved.status as Record<string, unknown>).lastOperation, { type: 'Create', state: 'Pending', progress: 0 }, 'only on the first scheduling');
    });

    const bump: [string, string, string, boolean, boolean][] = [
      ['reconcile is consumed', 'reconcile', 'Succeeded', true, false],
      ['retry after a failure is consumed', 'retry', 'Failed', true, false],
      ['retry without a failure stays', 'retry', 'Succeeded', false, true],
      ['rotation starts stay and bump', 'rotate-etcd-encryption-key-start', 'Succeeded', true, true],
      ['rotation while failed does nothing', 'rotate-credentials-start', 'Failed', false, true],
      ['unknown operations do nothing', 'maintain', 'Succeeded', false, true],
    ];
    // gardener's pkg/apiserver/registry/core/shoot/strategy_test.go "operation annotations" (b312835d17):
    // [annotation, workers, bumped, operations left (undefined: the annotation is gone)].
    const WR = '-without-workers-rollout';
    const upstream: [string, boolean, boolean, string[] | undefined][] = [
      ['rotate-ssh-keypair', true, true, ['rotate-ssh-keypair']],
      ['rotate-ssh-keypair', false, false, undefined],
      ['rotate-rollout-workers=foo', true, true, ['rotate-rollout-workers=foo']],
      ['force-in-place-update', true, false, ['force-in-place-update']],
      ['reconcile;rotate-etcd-encryption-key', true, true, ['rotate-etcd-encryption-key']],
      [
        `rotate-credentials-start;rotate-ca-start;rotate-serviceaccount-key-start;rotate-etcd-encryption-key;rotate-etcd-encryption-key-start;rotate-observability-credentials;rotate-ssh-keypair;rotate-ca-start${WR}`,
        true,
        true,
        ['rotate-credentials-start', `rotate-ca-start${WR}`],
      ],
      [
        `rotate-credentials-start${WR};rotate-ca-start${WR};rotate-serviceaccount-key-start${WR};rotate-etcd-encryption-key;rotate-etcd-encryption-key-start;rotate-observability-credentials;rotate-ssh-keypair;rotate-ca-start`,
        true,
        true,
        [`rotate-credentials-start${WR}`, 'rotate-ca-start'],
      ],
      [
        'rotate-credentials-complete;rotate-ca-complete;rotate-serviceaccount-key-complete;rotate-etcd-encryption-key-complete;rotate-ssh-keypair',
        true,
        true,
        ['rotate-credentials-complete', 'rotate-ssh-keypair'],
      ],
      ['rotate-ca-start; rotate-ca-start ;reconcile', true, true, ['rotate-ca-start']],
    ];
    for (const [op, workers, bumped, left] of upstream) {
      it(`operation annotation ${JSON.stringify(op)}${workers ? '' : ' without workers'} (upstream)`, () => {
        const spec = workers ? { provider: { type: 'local', workers: [{ name: 'w' }] } } : {};
        const old = makeShoot(spec, { lastOperation: { type: 'Reconcile', state: 'Succeeded', progress: 100 } });
        old.metadata.generation = 5;
        const next = makeShoot(spec, undefined, { annotations: { 'gardener.cloud/operation': op } });
        next.metadata.generation = 5;
        shootStrategy.decode?.(old); // stored decoded, its maintenance window chosen; the client sends the spec back
        next.spec = structuredClone(old.spec);
        shootStrategy.prepareForUpdate(next, old, ctx);
        assert.equal(next.metadata.generation, bumped ? 6 : 5);
        assert.deepEqual(next.metadata.annotations?.['gardener.cloud/operation']?.split(';'), left);
      });
    }

    for (const [name, op, state, bumped, kept] of bump) {
      it(`operation annotation: ${name}`, () => {
        const old = makeShoot({}, { lastOperation: { type: 'Reconcile', state, progress: 100 } });
        old.metadata.generation = 5;
        const next = makeShoot({}, undefined, { annotations: { 'gardener.cloud/operation': op } });
        next.metadata.generation = 5;
        shootStrategy.decode?.(old); // stored decoded, its maintenance window chosen; the client sends the spec back
        next.spec = structuredClone(old.spec);
        shootStrategy.prepareForUpdate(next, old, ctx);
        assert.equal(next.metadata.generation, bumped ? 6 : 5);
        assert.equal(next.metadata.annotations?.['gardener.cloud/operation'], kept ? op : undefined);
      });
    }
  });

  describe('status subresource', () => {
    it('keeps the spec and takes the status', () => {
      const old = makeShoot(encryptionSpec(['configmaps']), { hibernated: false });
      const next = makeShoot(encryptionSpec(['services']), { hibernated: true, seedName: 'seed-x' });
      shootStatusStrategy.prepareForUpdate(next, old, ctx);
      assert.deepEqual(next.spec, old.spec);
      assert.deepEqual(next.status, { hibernated: true, seedName: 'seed-x' });
      assert.deepEqual(next.metadata.labels, { 'name.seed.gardener.cloud/seed-x': 'true' });
    });

    it('bumps the generation when a migration ends', () => {
      const old = makeShoot();
      old.metadata.generation = 2;
      const next = makeShoot({}, { lastOperation: { type: 'Migrate', state: 'Succeeded', progress: 100 } });
      next.metadata.generation = 2;
      shootStatusStrategy.prepareForUpdate(next, old, ctx);
      assert.equal(next.metadata.generation, 3);
    });

    it('bumps the generation when the ETCD encryption key rotation is prepared to complete on its own', () => {
      // Gardener's strategy_test.go "etcd encryption key rotation" table.
      const cases: [string, object | undefined, object | undefined, boolean][] = [
        ['rotation status is nil', undefined, undefined, false],
        ['rotation phase is empty', undefined, {}, false],
        ['rotation phase is prepared', undefined, { phase: 'Prepared', autoCompleteAfterPrepared: true }, true],
        ['prepared, not a single operation', undefined, { phase: 'Prepared', autoCompleteAfterPrepared: false }, false],
        ['phase not updated', { phase: 'Prepared', autoCompleteAfterPrepared: true }, { phase: 'Prepared', autoCompleteAfterPrepared: true }, false],
        ['rotation phase is not prepared', undefined, { phase: 'Completing', autoCompleteAfterPrepared: true }, false],
      ];
      for (const [name, before, after, bumps] of cases) {
        const rotation = (r: object | undefined) => ({ credentials: { rotation: r === undefined ? {} : { etcdEncryptionKey: r } } });
        const old = makeShoot({}, rotation(before));
        old.metadata.generation = 4;
        const next = makeShoot({}, rotation(after));
        next.metadata.generation = 4;
        shootStatusStrategy.prepareForUpdate(next, old, ctx);
        assert.equal(next.metadata.generation, bumps ? 5 : 4, name);
      }
    });

    it('validates the status, not the spec rules', () => {
      const old = makeShoot({}, { uid: 'u-1', technicalID: 'shoot--dev--x' });
      const next = makeShoot({ seedName: '' }, {
        uid: 'u-2',
        technicalID: 'shoot--dev--x',
        advertisedAddresses: [
          { name: 'external', url: 'https://api.example.com' },
          { name: 'external', url: 'https://other' },
          { name: 'internal', url: 'http://user@host:1/p?q=1#f' },
          { name: '', url: 'https://x' },
        ],
      });
      assert.deepEqual(shootStatusStrategy.validateUpdate(next, old, ctx).map(errorString), [
        'status.uid: Invalid value: "u-2": field is immutable',
        'status.advertisedAddresses[1].name: Duplicate value: "external"',
        "status.advertisedAddresses[2].url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[:port]",
        'status.advertisedAddresses[2].url: Invalid value: "user": user information is not permitted in the URL; desired format: https://host[:port]',
        'status.advertisedAddresses[2].url: Invalid value: "f": fragments are not permitted in the URL; desired format: https://host[:port]',
        'status.advertisedAddresses[2].url: Invalid value: "q=1": query parameters are not permitted in the URL; desired format: https://host[:port]',
        'status.advertisedAddresses[3].name: Required value: field must not be empty',
      ]);
    });

    it("refuses advertised URLs Go's url.Parse cannot parse, with its error", () => {
      const old = makeShoot({}, { uid: 'u-1' });
      const url = (u: string) => makeShoot({}, { uid: 'u-1', advertisedAddresses: [{ name: 'external', url: u }] });
      const cases: Array<[string, string]> = [
        ['https://[::1', `parse "https://[::1": missing ']' in host`],
        ['https://api:abc', `parse "https://api:abc": invalid port ":abc" after host`],
        ['https://a b', `parse "https://a b": invalid character " " in host name`],
        ['https://a%41', `parse "https://a%41": invalid URL escape "%41"`],
        // Quoted without the fragment; the host is checked before the userinfo.
        ['https://api:abc#f', `parse "https://api:abc": invalid port ":abc" after host`],
        ['https://u p@api:x', `parse "https://u p@api:x": invalid port ":x" after host`],
        ['https://ü@api', `parse "https://ü@api": net/url: invalid userinfo`],
      ];
      for (const [u, error] of cases) {
        assert.deepEqual(shootStatusStrategy.validateUpdate(url(u), old, ctx).map(errorString), [
          `status.advertisedAddresses[0].url: Required value: url must be a valid URL: ${error}; desired format: https://host[:port]`,
        ]);
      }
      assert.deepEqual(shootStatusStrategy.validateUpdate(url('https://[::1]:443'), old, ctx), []);
      assert.deepEqual(shootStatusStrategy.validateUpdate(url('https://[fe80::1%25en%41]:443'), old, ctx), []);
    });
  });
});

describe('registry/shoot updates of Shoots stored in an older form', () => {
  it('does not count a quantity stored before it was canonical as a spec change (no generation bump)', () => {
    const stored = makeShoot({ ...workerSpec(), kubernetes: { version: '1.33.0', kubelet: { kubeReserved: { memory: '1024Mi', cpu: '1000m' } } } }, undefined, { generation: 3, resourceVersion: '7', uid: 'u' });
    applyShootDefaults(stored);
    const next = structuredClone(stored);
    next.metadata.annotations = { note: 'metadata only' };
    shootStrategy.decode?.(next);
    // As the store does: the stored object is prepared against as the strategy decodes it.
    const decoded = shootStrategy.decodeStored?.(stored) ?? stored;
    beforeUpdate(shootResource, shootStrategy, next, decoded, ctx);
    assert.equal(next.metadata.generation, 3);
    type Reserved = { kubernetes: { kubelet: { kubeReserved: Record<string, string> } } };
    assert.deepEqual((next.spec as Reserved).kubernetes.kubelet.kubeReserved, { memory: '1Gi', cpu: '1' });
    const changed = structuredClone(stored);
    (changed.spec as Reserved).kubernetes.kubelet.kubeReserved.cpu = '2';
    shootStrategy.decode?.(changed);
    beforeUpdate(shootResource, shootStrategy, changed, decoded, ctx);
    assert.equal(changed.metadata.generation, 4);
  });
});

describe('registry/shoot generation on updates (upstream mustIncreaseGeneration)', () => {
  /** A stored Shoot with workers, decoded as the store keeps it. */
  function stored(spec: Record<string, unknown> = {}, status?: Record<string, unknown>): KubeObject {
    const shoot = makeShoot({ ...workerSpec(), ...spec }, status, { generation: 3, resourceVersion: '7', uid: 'u' });
    shootStrategy.decode?.(shoot);
    return shoot;
  }
  /** `old` updated by `change`, through the store's steps; the resulting generation. */
  function update(old: KubeObject, change: (next: KubeObject) => void): KubeObject {
    const next = structuredClone(old);
    change(next);
    shootStrategy.decode?.(next);
    beforeUpdate(shootResource, shootStrategy, next, old, ctx);
    return next;
  }
  const setMaximum = (next: KubeObject) => {
    (next.spec as { provider: { workers: { maximum: number }[] } }).provider.workers[0]!.maximum += 1;
  };

  it('waits for the maintenance window with confineSpecUpdateRollout, except for hibernation', () => {
    const confined = stored({ maintenance: { confineSpecUpdateRollout: true } });
    assert.equal(update(confined, setMaximum).metadata.generation, 3);
    const hibernate = update(confined, (next) => ((next.spec as Record<string, unknown>).hibernation = { enabled: true }));
    assert.equal(hibernate.metadata.generation, 4);
    assert.equal(update(stored(), setMaximum).metadata.generation, 4);
  });

  it('bumps when the force-deletion annotation is set', () => {
    const failed = { lastOperation: { type: 'Delete', state: 'Failed', progress: 10 }, lastErrors: [{ description: 'stuck', codes: ['ERR_INFRA_DEPENDENCIES'] }] };
    const old = stored({}, failed);
    old.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    const forced = update(old, (next) => (next.metadata.annotations = { 'confirmation.gardener.cloud/force-deletion': 'true' }));
    assert.equal(forced.metadata.generation, 4);
  });

  it('leaves the operation annotation alone when the spec change bumps the generation', () => {
    const old = stored({}, { lastOperation: { type: 'Reconcile', state: 'Succeeded', progress: 100 } });
    const next = update(old, (n) => {
      n.metadata.annotations = { 'gardener.cloud/operation': 'reconcile' };
      (n.spec as Record<string, unknown>).purpose = 'development';
    });
    assert.equal(next.metadata.generation, 4);
    assert.equal(next.metadata.annotations?.['gardener.cloud/operation'], 'reconcile');
    const annotationOnly = update(old, (n) => (n.metadata.annotations = { 'gardener.cloud/operation': 'reconcile' }));
    assert.equal(annotationOnly.metadata.generation, 4);
    assert.equal(annotationOnly.metadata.annotations?.['gardener.cloud/operation'], undefined, 'consumed');
  });
});
