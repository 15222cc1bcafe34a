/** Shoot warnings, after Gardener's pkg/api/core/shoot/warnings_test.go (interval one hour, as there). */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import { shootWarnings } from './warnings.js';

const HOUR = 3600;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

function shoot(spec: Record<string, unknown> = {}, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: { name: 's', namespace: 'garden-dev', creationTimestamp: ago(2 * HOUR) },
    spec: { kubernetes: { version: '1.31.1' }, provider: { workers: [{ name: 'test' }] }, ...spec },
    ...extra,
  };
}

const warnings = (s: KubeObject, old?: KubeObject): string[] => shootWarnings(s, old, HOUR, NOW);
const has = (list: string[], text: string): boolean => list.some((w) => w.includes(text));

function withRotation(mutate: (rotation: Record<string, Record<string, unknown> | undefined>) => void, spec: Record<string, unknown> = {}): KubeObject {
  const rotation: Record<string, Record<string, unknown> | undefined> = { certificateAuthorities: {}, sshKeypair: {}, observability: {}, serviceAccountKey: {}, etcdEncryptionKey: {} };
  mutate(rotation);
  for (const [k, v] of Object.entries(rotation)) if (v === undefined) delete rotation[k];
  return shoot(spec, { status: { credentials: { rotation } } });
}

describe('registry/shoot warnings (Gardener GetWarnings)', () => {
  it('has nothing to say about a plain Shoot', () => {
    assert.deepEqual(warnings(shoot()), []);
  });

  describe('credentials rotation (updates only)', () => {
    it('asks for a rotation of a Shoot old enough, not of a young one, and not on create', () => {
      assert.ok(has(warnings(shoot(), shoot()), 'you should consider rotating the shoot credentials'));
      assert.deepEqual(warnings(shoot()), [], 'create');
      const young = shoot();
      young.metadata.creationTimestamp = ago(60);
      assert.deepEqual(warnings(young, young), []);
    });

    const cases: [string, string, boolean, (r: Record<string, Record<string, unknown> | undefined>) => void][] = [
      ['ca nil', 'you should consider rotating the certificate authorities', true, (r) => (r.certificateAuthorities = undefined)],
      ['ca last initiated too long ago', 'you should consider rotating the certificate authorities', true, (r) => (r.certificateAuthorities = { lastInitiationTime: ago(2 * HOUR) })],
      ['ca last initiated not too long ago', 'you should consider rotating the certificate authorities', false, (r) => (r.certificateAuthorities = { lastInitiationTime: ago(HOUR / 2) })],
      ['ca completion due (never completed)', 'the certificate authorities rotation initiation was finished more than 20m0s ago and should be completed', true, (r) => (r.certificateAuthorities = { lastInitiationFinishedTime: ago(HOUR / 2) })],
      ['ca completion due (current not completed)', 'the certificate authorities rotation initiation was finished more than', true, (r) => (r.certificateAuthorities = { lastInitiationFinishedTime: ago(HOUR / 2), lastCompletionTriggeredTime: ago(HOUR) })],
      ['ca completion not due', 'the certificate authorities rotation initiation was finished more than', false, (r) => (r.certificateAuthorities = { lastInitiationFinishedTime: ago(HOUR / 2), lastCompletionTriggeredTime: ago(HOUR / 3) })],
      ['etcd key nil', 'you should consider rotating the ETCD encryption key', true, (r) => (r.etcdEncryptionKey = undefined)],
      ['etcd key initiated not too long ago', 'you should consider rotating the ETCD encryption key', false, (r) => (r.etcdEncryptionKey = { lastInitiationTime: ago(HOUR / 2) })],
      ['etcd key completion due', 'the ETCD encryption key rotation initiation was finished more than 20m0s ago and should be completed', true, (r) => (r.etcdEncryptionKey = { lastInitiationFinishedTime: ago(HOUR / 2) })],
      ['service account key completion due', 'the ServiceAccount token signing key rotation initiation was finished more than', true, (r) => (r.serviceAccountKey = { lastInitiationFinishedTime: ago(HOUR / 2) })],
      ['observability nil', 'you should consider rotating the observability passwords', true, (r) => (r.observability = undefined)],
      ['ssh keypair nil', 'you should consider rotating the SSH keypair', true, (r) => (r.sshKeypair = undefined)],
    ];
    for (const [name, text, expected, mutate] of cases) {
      it(name, () => {
        const s = withRotation(mutate);
        assert.equal(has(warnings(s, s), text), expected, JSON.stringify(warnings(s, s)));
      });
    }

    it('leaves out observability for testing Shoots and SSH for workerless ones or with SSH access off', () => {
      const testing = withRotation((r) => (r.observability = undefined), { purpose: 'testing' });
      assert.ok(!has(warnings(testing, testing), 'observability passwords'));
      const workerless = withRotation((r) => (r.sshKeypair = undefined), { provider: { workers: [] } });
      assert.ok(!has(warnings(workerless, workerless), 'SSH keypair'));
      const off = withRotation((r) => (r.sshKeypair = undefined), { provider: { workers: [{ name: 'w' }], workersSettings: { sshAccess: { enabled: false } } } });
      assert.ok(!has(warnings(off, off), 'SSH keypair'));
    });

    it('words the completion interval as Go prints durations (a third of the interval)', () => {
      const s = withRotation((r) => (r.etcdEncryptionKey = { lastInitiationFinishedTime: ago(40 * 24 * HOUR) }));
      const list = shootWarnings(s, s, 90 * 24 * HOUR, NOW);
      assert.ok(list.includes('the ETCD encryption key rotation initiation was finished more than 720h0m0s ago and should be completed'), JSON.stringify(list));
    });
  });

  describe('deprecated fields and annotations', () => {
    const exact = (s: KubeObject, text: string, old?: KubeObject) => assert.ok(warnings(s, old).includes(text), JSON.stringify(warnings(s, old)));

    it('podEvictionTimeout, maxEmptyBulkDelete below 1.33, the two-step ETCD key annotations', () => {
      exact(shoot({ kubernetes: { version: '1.31.1', kubeControllerManager: { podEvictionTimeout: '2m' } } }), 'you are setting the spec.kubernetes.kubeControllerManager.podEvictionTimeout field. The field does not have effect since Kubernetes 1.13 and is forbidden to be set starting from Kubernetes 1.33. Instead, use the spec.kubernetes.kubeAPIServer.(defaultNotReadyTolerationSeconds/defaultUnreachableTolerationSeconds) fields.');
      exact(shoot({ kubernetes: { version: '1.32.0', clusterAutoscaler: { maxEmptyBulkDelete: 5 } } }), 'you are setting the spec.kubernetes.clusterAutoscaler.maxEmptyBulkDelete field. The field has been deprecated and is forbidden to be set starting from Kubernetes 1.33. The value is not used and will be set to nil. Instead, use the spec.kubernetes.clusterAutoscaler.maxScaleDownParallelism field.');
      assert.deepEqual(warnings(shoot({ kubernetes: { version: '1.33.0', clusterAutoscaler: { maxEmptyBulkDelete: 5 } } })), []);
      for (const op of ['rotate-etcd-encryption-key-start', 'rotate-etcd-encryption-key-complete']) {
        const s = shoot();
        s.metadata.annotations = { 'gardener.cloud/operation': op };
        exact(s, `you are setting the operation annotation to ${op}. This annotation has been deprecated and is forbidden to be set starting from Kubernetes 1.34. Instead, use the rotate-etcd-encryption-key annotation, which performs a full rotation of the ETCD encryption key.`);
      }
    });

    it('secretBindingName, cloudProfileName from 1.33, addons, kubeMaxPDVols', () => {
      assert.ok(has(warnings(shoot({ secretBindingName: 'b' })), 'spec.secretBindingName is deprecated and will be disallowed starting with Kubernetes 1.34.'));
      assert.deepEqual(warnings(shoot({ cloudProfileName: 'p' })), []);
      assert.ok(has(warnings(shoot({ kubernetes: { version: '1.33.0' }, cloudProfileName: 'p' })), 'you are setting the spec.cloudProfileName field. The field is deprecated'));
      assert.deepEqual(warnings(shoot({ kubernetes: { version: '1.33.0' }, cloudProfileName: '' })), []);
      exact(shoot({ addons: {} }), 'you are setting the spec.addons field. The field is deprecated and will be forbidden starting with Kubernetes 1.35.');
      assert.ok(has(warnings(shoot({ kubernetes: { version: '1.31.1', kubeScheduler: { kubeMaxPDVols: '1' } } })), 'you are setting the spec.kubernetes.kubeScheduler.kubeMaxPDVols field'));
    });

    it('IPVS kube-proxy: from 1.35 always, below it when switched to', () => {
      const ipvs = (version: string) => shoot({ kubernetes: { version, kubeProxy: { enabled: true, mode: 'IPVS' } } });
      assert.ok(has(warnings(ipvs('1.35.0')), 'you are using IPVS mode for kube-proxy'));
      assert.deepEqual(warnings(ipvs('1.34.0')), []);
      const iptables = shoot({ kubernetes: { version: '1.34.0', kubeProxy: { enabled: true, mode: 'IPTables' } } });
      iptables.metadata.creationTimestamp = ago(60);
      const switched = ipvs('1.34.0');
      switched.metadata.creationTimestamp = ago(60);
      assert.ok(has(warnings(switched, iptables), 'you have switched to IPVS mode for kube-proxy'));
    });

    it('kube-apiserver anonymous authentication and watch cache default, DNS provider secretName', () => {
      exact(shoot({ kubernetes: { version: '1.31.1', kubeAPIServer: { enableAnonymousAuthentication: true } } }), 'you are setting the spec.kubernetes.kubeAPIServer.enableAnonymousAuthentication field. The field is deprecated. Using Kubernetes v1.32 and above, please use anonymous authentication configuration. See: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration');
      assert.deepEqual(warnings(shoot({ kubernetes: { version: '1.31.1', kubeAPIServer: { watchCacheSizes: {} } } })), []);
      exact(shoot({ kubernetes: { version: '1.31.1', kubeAPIServer: { watchCacheSizes: { default: 10 } } } }), 'you are setting the spec.kubernetes.kubeAPIServer.watchCacheSizes.default field. The field has been deprecated and is forbidden to be set starting from Kubernetes 1.35. The cache size is automatically sized by the kube-apiserver.');
      exact(shoot({ dns: { providers: [{ type: 'a' }, { type: 'b', secretName: 's' }] } }), 'you are setting the spec.dns.providers[1].secretName field. The field is deprecated and is forbidden to be set starting from Kubernetes 1.35. Use spec.dns.providers[1].credentialsRef instead.');
    });
  });
});
