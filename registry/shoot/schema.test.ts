import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileKindValidator } from '../../openapi/validate.js';
import { refName, type Definitions, type Schema } from '../../openapi/schema.js';
import { SHOOT_DEFINITION, coreDefinitions, shootDefinitions, shootSchema } from './schema/index.js';
import { at, EXAMPLES, rawExampleShoot, setAt, uncommentExample } from '../../test/support/shoot/fixtures.js';

const CORE = 'com.github.gardener.gardener.pkg.apis.core.v1beta1';
const def = (type: string): Schema => {
  const d = coreDefinitions[`${CORE}.${type}`];
  assert.ok(d !== undefined, type);
  return d;
};
const prop = (type: string, name: string): Schema => {
  const p = def(type).properties?.[name];
  assert.ok(p !== undefined, `${type}.${name}`);
  return p;
};
const validator = compileKindValidator({ kind: 'Shoot', definitionName: SHOOT_DEFINITION, schema: shootSchema, definitions: shootDefinitions });

/** Every schema node below `s` that has properties, with its path. */
function walkProperties(s: Schema, path: string, out: [string, Schema][]): void {
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    out.push([`${path}.${k}`, p]);
    if (refName(p) === undefined) walkProperties(p, `${path}.${k}`, out);
  }
}

describe('registry/shoot schema', () => {
  it('uses the upstream definition names and reaches only known definitions', () => {
    assert.equal(SHOOT_DEFINITION, `${CORE}.Shoot`);
    for (const name of Object.keys(shootDefinitions)) assert.match(name, /^(com\.github\.gardener\.gardener\.pkg\.apis\.core\.v1beta1|io\.k8s\.)/);
    for (const t of ['ShootSpec', 'ShootStatus', 'EncryptionConfig', 'EncryptionAtRest', 'ETCDEncryptionKeyRotation', 'Worker', 'KubeletConfig']) {
      assert.ok(shootDefinitions[`${CORE}.${t}`] !== undefined, t);
    }
    assert.ok(shootDefinitions['io.k8s.api.core.v1.Taint'] !== undefined);
    assert.deepEqual(shootSchema['x-kubernetes-group-version-kind'], [{ group: 'core.gardener.cloud', version: 'v1beta1', kind: 'Shoot' }]);
  });

  it('describes every field and every type', () => {
    const all: [string, Schema][] = [];
    walkProperties(shootSchema, 'Shoot', all);
    for (const [name, d] of Object.entries(shootDefinitions as Definitions)) {
      assert.ok((d.description ?? '').length > 0, name);
      walkProperties(d, name, all);
    }
    for (const [path, p] of all) assert.ok((p.description ?? '').length > 0, path);
    assert.ok(all.length > 450, `only ${all.length} fields`);
  });

  it('carries the Go types: integer widths, floats, durations, quantities, times, raw extensions', () => {
    assert.deepEqual([prop('ShootStatus', 'observedGeneration').type, prop('ShootStatus', 'observedGeneration').format], ['integer', 'int64']);
    assert.equal(prop('Worker', 'maximum').format, 'int32');
    assert.equal(prop('KubeletConfig', 'podPidsLimit').format, 'int64');
    assert.equal(prop('KubeAPIServerConfig', 'defaultNotReadyTolerationSeconds').format, 'int64');
    assert.equal(prop('LastOperation', 'progress').format, 'int32');
    assert.deepEqual([prop('ClusterAutoscaler', 'scaleDownUtilizationThreshold').type, prop('ClusterAutoscaler', 'scaleDownUtilizationThreshold').format], ['number', 'double']);
    assert.equal(prop('MaintenanceRotationConfig', 'rotationPeriod').type, 'string');
    assert.equal(prop('KubeletConfigReserved', 'cpu')['x-kubernetes-int-or-string'], true);
    assert.equal(prop('Worker', 'maxSurge')['x-kubernetes-int-or-string'], true);
    assert.equal(refName(prop('Condition', 'lastTransitionTime')), 'io.k8s.apimachinery.pkg.apis.meta.v1.Time');
    const raw = prop('Provider', 'infrastructureConfig');
    assert.equal(raw['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(raw.type, undefined, 'a RawExtension holds any JSON value');
    assert.deepEqual(prop('Worker', 'labels').additionalProperties, { type: 'string' });
    assert.equal(prop('ControlPlaneAutoscaling', 'minAllowed').additionalProperties !== undefined, true);
    assert.deepEqual(def('EncryptionConfig').required, ['provider']);
    assert.deepEqual(Object.keys(def('EncryptionProvider').properties ?? {}), ['type']);
  });

  it('has the upstream list semantics', () => {
    const merge = (type: string, name: string): [unknown, unknown] => {
      const p = prop(type, name);
      return [p['x-kubernetes-patch-strategy'], p['x-kubernetes-patch-merge-key']];
    };
    assert.deepEqual(merge('Provider', 'workers'), ['merge', 'name']);
    assert.deepEqual(merge('ShootSpec', 'tolerations'), ['merge', 'key']);
    assert.deepEqual(merge('ShootStatus', 'conditions'), ['merge', 'type']);
    assert.deepEqual(merge('ShootStatus', 'constraints'), ['merge', 'type']);
    assert.deepEqual(merge('ShootStatus', 'advertisedAddresses'), ['merge', 'name']);
    assert.deepEqual(merge('KubeAPIServerConfig', 'admissionPlugins'), ['merge', 'name']);
    assert.deepEqual(merge('DNS', 'providers'), [undefined, undefined], 'replaced as a whole, as the Go type declares no patch strategy');
  });

  describe('the upstream example (90-shoot.yaml)', () => {
    it('validates as given', () => {
      assert.deepEqual(validator.check(rawExampleShoot()), { typeErrors: [], unknownFields: [], duplicateFields: [] });
    });

    it('validates with every commented field enabled, without unknown fields', () => {
      const text = readFileSync(`${EXAMPLES}/90-shoot.yaml`, 'utf8');
      const changed = uncommentExample(text).split('\n').filter((l, i) => l !== text.split('\n')[i]).length;
      assert.ok(changed > 350, `only ${changed} lines enabled`);
      const shoot = rawExampleShoot(true);
      assert.deepEqual(validator.check(shoot), { typeErrors: [], unknownFields: [], duplicateFields: [] });
      assert.deepEqual(at(shoot, 'spec.kubernetes.kubeAPIServer.encryptionConfig'), { resources: ['configmaps', 'customresource.fancyoperator.io'], provider: { type: 'aescbc' } });
      assert.equal(at(shoot, 'spec.provider.workers.0.machineControllerManager.autoPreserveFailedMachineMax'), 0);
      assert.equal(at(shoot, 'spec.provider.workers.0.controlPlane.exposure.extension.type'), 'local');
      assert.equal(at(shoot, 'spec.kubernetes.verticalPodAutoscaler.maxAllowed.cpu'), 8);
      assert.equal(at(shoot, 'spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod'), '168h');
      assert.equal(at(shoot, 'spec.seedName'), 'my-seed');
      assert.deepEqual(at(shoot, 'spec.hibernation.schedules.0'), { start: '0 20 * * *', end: '0 6 * * *', location: 'America/Los_Angeles' });
    });
  });

  it('reports misspelled fields at their path', () => {
    const shoot = rawExampleShoot(true);
    setAt(shoot, 'spec.kubernetes.kubeAPIServer.encryptionConfig.resourcez', ['x']);
    setAt(shoot, 'spec.provider.workers.0.machine.imagee', {});
    const unknown = validator.check(shoot).unknownFields;
    assert.deepEqual([...unknown].sort(), ['spec.kubernetes.kubeAPIServer.encryptionConfig.resourcez', 'spec.provider.workers[0].machine.imagee']);
  });

  it('keeps raw extensions open and reports Go-style type errors elsewhere', () => {
    const shoot = rawExampleShoot();
    setAt(shoot, 'spec.provider.infrastructureConfig', { apiVersion: 'x/v1', kind: 'Y', nested: { any: [1, 'two'] } });
    setAt(shoot, 'spec.extensions.0.providerConfig', 'a string is accepted too');
    assert.deepEqual(validator.check(shoot), { typeErrors: [], unknownFields: [], duplicateFields: [] });
    setAt(shoot, 'spec.provider.workers.0.minimum', 'three');
    assert.deepEqual(validator.check(shoot).typeErrors, ['json: cannot unmarshal string into Go struct field Worker.spec.provider.workers.minimum of type int32']);
  });
});
