import assert from 'node:assert/strict';
import { errorString, type FieldError } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { shootStrategy } from './strategy.js';
import { encryptionSpec, exampleShoot, makeShoot, testContext, WORKER, workerSpec } from '../../test/support/shoot/fixtures.js';

const P = 'spec.kubernetes.kubeAPIServer.encryptionConfig';
const texts = (errs: FieldError[]): string[] => errs.map(errorString);

/** A Shoot as the strategy validates it on create: decoded (defaults), prepared, then validated. */
function created(shoot: KubeObject): string[] {
  shootStrategy.decode?.(shoot);
  shootStrategy.prepareForCreate(shoot, testContext);
  return texts(shootStrategy.validate(shoot, testContext));
}

describe('registry/shoot create validation', () => {
  it('accepts the upstream example, plain and with every field enabled', () => {
    assert.deepEqual(created(exampleShoot()), []);
    assert.deepEqual(created(exampleShoot(true)), []);
  });

  describe('names', () => {
    const cases: [string, Partial<KubeObject['metadata']>, string[]][] = [
      ['a DNS label', { name: 'my-shoot' }, []],
      [
        'dots',
        { name: 'my.shoot' },
        ['metadata.name: Invalid value: "my.shoot": must not contain dots'],
      ],
      [
        'upper case',
        { name: 'My-Shoot' },
        [
          "metadata.name: Invalid value: \"My-Shoot\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ],
      ],
      ['consecutive hyphens', { name: 'my--shoot' }, ['metadata.name: Invalid value: "my--shoot": name may not contain two consecutive hyphens']],
      ['no name', { name: '' }, ['metadata.name: Required value: name or generateName is required']],
      ['no namespace', { namespace: '' }, ['metadata.namespace: Required value']],
      // The length together with the project's name is ShootValidator's (admission), not the strategy's.
      ['project and shoot name longer than 21', { name: 'a-very-long-name-xy' }, []],
      [
        'a Gardener finalizer on creation',
        { finalizers: ['foregroundDeletion', 'gardener'] },
        ['metadata.finalizers[1]: Forbidden: finalizer "gardener" cannot be added on creation'],
      ],
    ];
    for (const [name, meta, want] of cases) it(name, () => assert.deepEqual(created(makeShoot({}, undefined, meta)), want));
  });

  describe('encryption configuration (spec §1.3)', () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['default provider, no resources', encryptionSpec(undefined), []],
      ['resources of all kinds', encryptionSpec(['configmaps', 'deployments.apps', 'foos.example.com'], 'secretbox'), []],
      ['secrets', encryptionSpec(['secrets']), [`${P}.resources[0]: Forbidden: "secrets" are always encrypted`]],
      ['wildcard', encryptionSpec(['*.apps']), [`${P}.resources[0]: Invalid value: "*.apps": wildcards are not supported`]],
      ['unknown provider', encryptionSpec([], 'identity'), [`${P}.provider.type: Unsupported value: "identity": supported values: "aescbc", "aesgcm", "secretbox"`]],
      ['aesgcm with the default rotation period', encryptionSpec([], 'aesgcm'), []],
      [
        'aesgcm with rotation switched off',
        encryptionSpec([], 'aesgcm', { maintenance: { autoRotation: { credentials: { etcdEncryptionKey: { rotationPeriod: '0s' } } } } }),
        [`${P}.provider.type: Forbidden: etcdEncryptionKey auto rotation must be enabled when encryption at rest provider is AES-GCM`],
      ],
      ['aesgcm with a rotation period', encryptionSpec([], 'aesgcm', { maintenance: { autoRotation: { credentials: { etcdEncryptionKey: { rotationPeriod: '720h' } } } } }), []],
    ];
    for (const [name, spec, want] of cases) it(name, () => assert.deepEqual(created(makeShoot(spec)), want));
  });

  describe('rotation periods', () => {
    const R = 'spec.maintenance.autoRotation.credentials';
    const MSG = 'value must be either 0 to disable rotation or between 30m and 90d';
    const cases: [string, string, string[]][] = [
      ['etcdEncryptionKey', '0', []],
      ['etcdEncryptionKey', '30m', []],
      ['etcdEncryptionKey', '2160h', []],
      ['etcdEncryptionKey', '29m', [`${R}.etcdEncryptionKey.rotationPeriod: Invalid value: "29m0s": ${MSG}`]],
      ['etcdEncryptionKey', '2161h', [`${R}.etcdEncryptionKey.rotationPeriod: Invalid value: "2161h0m0s": ${MSG}`]],
      ['observability', '1m', [`${R}.observability.rotationPeriod: Invalid value: "1m0s": ${MSG}`]],
      ['sshKeypair', '-1h', [`${R}.sshKeypair.rotationPeriod: Invalid value: "-1h0m0s": ${MSG}`]],
    ];
    for (const [name, period, want] of cases) {
      it(`${name} ${period}`, () => {
        const shoot = makeShoot({ ...workerSpec(), maintenance: { autoRotation: { credentials: { [name]: { rotationPeriod: period } } } } });
        assert.deepEqual(created(shoot), want);
      });
    }
  });

  it('rejects an empty seedName', () => {
    assert.deepEqual(created(makeShoot({ seedName: '' })), ['spec.seedName: Invalid value: "": seed name must not be empty when providing the key']);
    assert.deepEqual(created(makeShoot({ seedName: 'seed-1' })), []);
  });
});

describe('registry/shoot durations as bad values', () => {
  it('renders a metav1.Duration quoted and a time.Duration as nanoseconds, as apimachinery json-renders them', () => {
    const ttl = created(makeShoot({ kubernetes: { version: '1.33.0', kubeAPIServer: { eventTTL: '25h' } } }));
    assert.ok(ttl.includes('spec.kubernetes.kubeAPIServer.eventTTL: Invalid value: "25h0m0s": can not be longer than 24h'), ttl.join('\n'));
    const window = created(makeShoot({ maintenance: { timeWindow: { begin: '010000+0000', end: '080000+0000' } } }));
    assert.ok(window.includes('spec.maintenance.timeWindow: Invalid value: 25200000000000: time window must not be greater than 6h0m0s'), window.join('\n'));
  });

  it('renders an IntOrString as a number or a quoted string', () => {
    const pool = (maxUnavailable: unknown) => created(makeShoot(workerSpec([{ ...WORKER, maxSurge: 0, maxUnavailable }])));
    const P0 = 'spec.provider.workers[0].maxUnavailable: Invalid value:';
    assert.ok(pool('0%').includes(`${P0} "0%": may not be 0 when \`maxSurge\` is 0`), pool('0%').join('\n'));
    assert.ok(pool(0).includes(`${P0} 0: may not be 0 when \`maxSurge\` is 0`), pool(0).join('\n'));
  });
});
