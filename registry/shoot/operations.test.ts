import assert from 'node:assert/strict';
import { errorString } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { encryptionSpec, encryptionStatus, makeShoot } from './testing.js';
import { validateHibernationWithMaintenanceOperations, validateShootOperations } from './validation/operations.js';

const OP = 'metadata.annotations[gardener.cloud/operation]: Forbidden: ';
const MOP = 'metadata.annotations[maintenance.gardener.cloud/operation]: Forbidden: ';
const READY = { type: 'Reconcile', state: 'Succeeded', progress: 100 };

/** A Shoot whose spec has `resources` and whose status has `statusResources` and the given rotation phases. */
function shoot(opts: {
  op?: string;
  maintenance?: string;
  resources?: string[];
  statusResources?: string[];
  phases?: Record<string, string>;
  hibernated?: boolean;
  statusHibernated?: boolean;
  version?: string;
  lastOperation?: Record<string, unknown>;
}): KubeObject {
  const annotations: Record<string, string> = {};
  if (opts.op !== undefined) annotations['gardener.cloud/operation'] = opts.op;
  if (opts.maintenance !== undefined) annotations['maintenance.gardener.cloud/operation'] = opts.maintenance;
  const spec = encryptionSpec(opts.resources ?? ['configmaps'], 'aescbc', opts.hibernated === true ? { hibernation: { enabled: true } } : {});
  (spec.kubernetes as Record<string, unknown>).version = opts.version ?? '1.33.0';
  const status = encryptionStatus(opts.statusResources ?? opts.resources ?? ['configmaps'], 'aescbc', '', (opts.lastOperation ?? READY) as typeof READY);
  const rotation: Record<string, unknown> = {};
  for (const [name, phase] of Object.entries(opts.phases ?? {})) rotation[name] = { phase };
  (status.credentials as Record<string, unknown>).rotation = rotation;
  if (opts.statusHibernated === true) status.hibernated = true;
  return makeShoot(spec, status, { annotations });
}

const check = (s: KubeObject): string[] => validateShootOperations(s).map(errorString);

describe('registry/shoot operation annotations (spec §1.5)', () => {
  it('accepts no or unrelated operations', () => {
    assert.deepEqual(check(shoot({})), []);
    assert.deepEqual(check(shoot({ op: 'reconcile' })), []);
    assert.deepEqual(check(shoot({ op: 'some-future-operation' })), []);
  });

  describe('while an encryption change rolls out', () => {
    const rolling = { resources: ['configmaps', 'services'], statusResources: ['configmaps'] };
    for (const op of ['rotate-credentials-start', 'rotate-etcd-encryption-key', 'rotate-etcd-encryption-key-start']) {
      it(`forbids ${op}`, () => {
        assert.deepEqual(check(shoot({ ...rolling, op })), [
          `${OP}operation '${op}' is not permitted because a previous encryption configuration change is currently being rolled out`,
        ]);
      });
      it(`forbids ${op} as maintenance operation`, () => {
        assert.deepEqual(check(shoot({ ...rolling, maintenance: op })), [
          `${MOP}operation '${op}' is not permitted because a previous encryption configuration change is currently being rolled out`,
        ]);
      });
    }
    it('allows other operations', () => assert.deepEqual(check(shoot({ ...rolling, op: 'rotate-ca-start' })), []));
    it('compares sets, not lists', () => assert.deepEqual(check(shoot({ resources: ['b', 'a'], statusResources: ['a', 'b', 'a'], op: 'rotate-etcd-encryption-key' })), []));
  });

  describe('while hibernated or waking up', () => {
    for (const op of ['rotate-etcd-encryption-key', 'rotate-etcd-encryption-key-start', 'rotate-credentials-start', 'rotate-serviceaccount-key-complete']) {
      it(`forbids ${op}`, () => {
        const want = `${OP}operation '${op}' is not permitted when shoot is hibernated or is waking up`;
        const phases = op.endsWith('-complete') ? { serviceAccountKey: 'Prepared' } : {};
        assert.ok(check(shoot({ op, hibernated: true, phases })).includes(want), 'hibernating');
        assert.ok(check(shoot({ op, statusHibernated: true, phases })).includes(want), 'waking up');
      });
    }
  });

  describe('rotation phases and readiness', () => {
    const cases: [string, Parameters<typeof shoot>[0], string[]][] = [
      ['etcd key start when Completed', { op: 'rotate-etcd-encryption-key', phases: { etcdEncryptionKey: 'Completed' } }, []],
      [
        'etcd key start while Prepared',
        { op: 'rotate-etcd-encryption-key', phases: { etcdEncryptionKey: 'Prepared' } },
        [`${OP}cannot start ETCD encryption key rotation if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Completed'`],
      ],
      [
        'etcd key start before the first successful create',
        { op: 'rotate-etcd-encryption-key', lastOperation: { type: 'Create', state: 'Error', progress: 50 } },
        [`${OP}cannot start ETCD encryption key rotation if shoot was not yet created successfully or is not ready for reconciliation`],
      ],
      ['etcd key complete when Prepared', { op: 'rotate-etcd-encryption-key-complete', phases: { etcdEncryptionKey: 'Prepared' } }, []],
      [
        'etcd key complete while Preparing',
        { op: 'rotate-etcd-encryption-key-complete', phases: { etcdEncryptionKey: 'Preparing' } },
        [`${OP}cannot complete ETCD encryption key rotation if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Prepared'`],
      ],
      [
        'all credentials start while the etcd key rotates',
        { op: 'rotate-credentials-start', phases: { etcdEncryptionKey: 'Preparing', certificateAuthorities: 'Completed' } },
        [`${OP}cannot start rotation of all credentials if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Completed'`],
      ],
      [
        'all credentials complete below 1.34 needs the etcd key Prepared',
        { op: 'rotate-credentials-complete', phases: { certificateAuthorities: 'Prepared', serviceAccountKey: 'Prepared', etcdEncryptionKey: 'Preparing' } },
        [`${OP}cannot complete rotation of all credentials if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Prepared'`],
      ],
      [
        'all credentials complete from 1.34 does not look at the etcd key',
        { op: 'rotate-credentials-complete', version: '1.34.1', phases: { certificateAuthorities: 'Prepared', serviceAccountKey: 'Prepared' } },
        [],
      ],
    ];
    for (const [name, opts, want] of cases) it(name, () => assert.deepEqual(check(shoot(opts)), want));
  });

  describe('Kubernetes 1.34', () => {
    const msg = (op: string): string =>
      `${OP}for Kubernetes versions >= 1.34, operation '${op}' is no longer supported, please use 'rotate-etcd-encryption-key' instead, which performs a complete etcd encryption key rotation`;
    it('forbids the split etcd key operations', () => {
      assert.deepEqual(check(shoot({ op: 'rotate-etcd-encryption-key-start', version: '1.34.0' })), [msg('rotate-etcd-encryption-key-start')]);
      assert.deepEqual(check(shoot({ op: 'rotate-etcd-encryption-key-complete', version: 'v1.35', phases: { etcdEncryptionKey: 'Prepared' } })), [
        msg('rotate-etcd-encryption-key-complete'),
      ]);
    });
    it('reports maintenance operations at the operation annotation, as Gardener does', () => {
      assert.deepEqual(check(shoot({ maintenance: 'rotate-etcd-encryption-key-start', version: '1.34.0' })), [msg('rotate-etcd-encryption-key-start')]);
    });
    it('allows them below 1.34', () => assert.deepEqual(check(shoot({ op: 'rotate-etcd-encryption-key-start', version: '1.33.9' })), []));
  });

  it('forbids incompatible operations and equal operations in both annotations', () => {
    assert.deepEqual(check(shoot({ op: 'rotate-etcd-encryption-key,rotate-etcd-encryption-key-start' })), [
      `${OP}operation 'rotate-etcd-encryption-key' is not permitted to be run together with rotate-etcd-encryption-key-start operations`,
    ]);
    assert.deepEqual(check(shoot({ op: 'reconcile', maintenance: 'reconcile' })), [
      'metadata.annotations: Forbidden: annotations metadata.annotations[gardener.cloud/operation] and metadata.annotations[maintenance.gardener.cloud/operation] must not have any equal operations',
    ]);
  });

  it('forbids switching hibernation on with a rotation scheduled for maintenance', () => {
    const s = shoot({ maintenance: 'rotate-etcd-encryption-key', hibernated: true });
    assert.deepEqual(validateHibernationWithMaintenanceOperations(s).map(errorString), [
      'spec.hibernation.enabled: Forbidden: shoot cannot be hibernated when maintenance.gardener.cloud/operation annotation contains rotate-etcd-encryption-key operation',
    ]);
  });
});
