import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import { apiVersionOf } from '../types.js';
import { checkDeletionConfirmation, deletionConfirmed } from './deletion.js';
import { shootResource as d, shootSelectableFields } from './descriptor.js';
import { shootStatusStrategy, shootStrategy } from './strategy.js';
import { shootTableConvertor } from './table.js';
import { makeShoot } from '../../test/support/shoot/fixtures.js';

describe('registry/shoot descriptor', () => {
  it('registers shoots.core.gardener.cloud/v1beta1', () => {
    assert.equal(apiVersionOf(d), 'core.gardener.cloud/v1beta1');
    assert.deepEqual([d.kind, d.listKind, d.resource, d.singular, d.namespaced], ['Shoot', 'ShootList', 'shoots', 'shoot', true]);
    assert.deepEqual(d.shortNames, []);
    assert.deepEqual(d.categories, ['all']);
    assert.deepEqual([...d.verbs].sort(), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(d.subresources.map((s) => [s.name, s.verbs]), [['status', ['get', 'patch', 'update']], ['binding', ['get', 'patch', 'update']], ['adminkubeconfig', ['create']], ['viewerkubeconfig', ['create']]]);
    assert.equal(d.subresources[0]?.strategy, shootStatusStrategy);
    assert.equal(d.strategy, shootStrategy);
    assert.equal(d.garbageCollection, true);
    assert.equal(d.strategy.tracksGeneration, true);
  });

  it('offers the Gardener field selectors', () => {
    assert.deepEqual(shootSelectableFields({ metadata: {} }), {
      'metadata.name': '',
      'metadata.namespace': '',
      'spec.seedName': '',
      'status.seedName': '',
      'spec.cloudProfileName': '',
      'spec.cloudProfile.Name': '',
      'spec.cloudProfile.Kind': '',
    });
    const shoot = makeShoot({ seedName: 'a', cloudProfileName: 'cp', cloudProfile: { kind: 'NamespacedCloudProfile', name: 'ncp' } }, { seedName: 'b' });
    assert.deepEqual(shootSelectableFields(shoot), {
      'metadata.name': 'crazy-botany',
      'metadata.namespace': 'garden-dev',
      'spec.seedName': 'a',
      'status.seedName': 'b',
      'spec.cloudProfileName': 'cp',
      'spec.cloudProfile.Name': 'ncp',
      'spec.cloudProfile.Kind': 'NamespacedCloudProfile',
    });
  });
});

describe('registry/shoot table', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  const table = shootTableConvertor(() => now);

  it('has gardener-apiserver columns', () => {
    assert.deepEqual(
      table.columns.filter((c) => c.priority === 0).map((c) => c.name),
      ['Name', 'CloudProfile', 'Provider', 'Region', 'K8S Version', 'Hibernation', 'Last Operation', 'Status', 'Age'],
    );
    assert.deepEqual(
      table.columns.filter((c) => c.priority === 1).map((c) => c.name),
      ['Seed', 'Purpose', 'Gardener Version', 'APIServer', 'Control', 'Observability', 'Nodes', 'System'],
    );
    assert.equal(table.columns.at(-1)?.type, 'date');
    for (const c of table.columns) assert.ok(c.description.length > 0, c.name);
  });

  const row = (shoot: KubeObject): Record<string, unknown> => Object.fromEntries(table.columns.map((c, i) => [c.name, table.cells(shoot)[i]]));

  it('shows a new Shoot', () => {
    const shoot = makeShoot({ cloudProfile: { name: 'aws' } }, undefined, { creationTimestamp: '2025-06-01T11:00:00Z' });
    assert.deepEqual(row(shoot), {
      Name: 'crazy-botany',
      CloudProfile: 'aws',
      Provider: 'local',
      Region: 'europe-central-1',
      Seed: '<none>',
      'K8S Version': '1.33.0',
      Hibernation: 'Awake',
      'Last Operation': '<pending>',
      Status: '<pending>',
      Purpose: '<none>',
      'Gardener Version': '<unknown>',
      APIServer: '<unknown>',
      Control: '<unknown>',
      Observability: '<unknown>',
      Nodes: '<unknown>',
      System: '<unknown>',
      Age: '60m',
    });
  });

  it('shows a reconciled, hibernated Shoot', () => {
    const shoot = makeShoot(
      { cloudProfile: { kind: 'NamespacedCloudProfile', name: 'custom' }, seedName: 'seed-1', purpose: 'evaluation', hibernation: { enabled: true } },
      {
        hibernated: true,
        gardener: { id: 'x', name: 'gardenlet', version: 'v1.120.0' },
        lastOperation: { type: 'Reconcile', state: 'Succeeded', progress: 100 },
        conditions: [
          { type: 'APIServerAvailable', status: 'True' },
          { type: 'EveryNodeReady', status: 'Progressing' },
        ],
      },
      { labels: { 'shoot.gardener.cloud/status': 'healthy' } },
    );
    const r = row(shoot);
    assert.equal(r.CloudProfile, 'garden-dev/custom');
    assert.equal(r.Seed, 'seed-1');
    assert.equal(r.Hibernation, 'Hibernated');
    assert.equal(r['Last Operation'], 'Reconcile Succeeded (100%)');
    assert.equal(r.Status, 'healthy');
    assert.equal(r.Purpose, 'evaluation');
    assert.equal(r['Gardener Version'], 'v1.120.0');
    assert.deepEqual([r.APIServer, r.Control, r.Nodes], ['True', '<unknown>', 'Progressing']);
  });

  const hibernation: [boolean, boolean, string][] = [
    [true, true, 'Hibernated'],
    [true, false, 'Hibernating'],
    [false, true, 'Waking Up'],
    [false, false, 'Awake'],
  ];
  for (const [spec, status, want] of hibernation) {
    it(`hibernation spec=${spec} status=${status}: ${want}`, () => {
      assert.equal(row(makeShoot({ hibernation: { enabled: spec } }, { hibernated: status })).Hibernation, want);
    });
  }

  it('falls back to the deprecated cloudProfileName', () => assert.equal(row(makeShoot({ cloudProfile: undefined, cloudProfileName: 'gcp' })).CloudProfile, 'gcp'));
});

describe('registry/shoot deletion confirmation', () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, false],
    ['true', true],
    ['True', true],
    ['1', true],
    ['t', true],
    ['false', false],
    ['yes', false],
    ['', false],
  ];
  for (const [value, confirmed] of cases) {
    it(`annotation ${JSON.stringify(value)}: ${confirmed ? 'admitted' : '403'}`, () => {
      const shoot = makeShoot({}, undefined, value === undefined ? {} : { annotations: { 'confirmation.gardener.cloud/deletion': value } });
      assert.equal(deletionConfirmed(shoot), confirmed);
      const err = checkDeletionConfirmation(shoot);
      if (confirmed) assert.equal(err, undefined);
      else {
        assert.equal(err?.code, 403);
        assert.equal(err?.reason, 'Forbidden');
        assert.equal(err?.status.message, 'shoots.core.gardener.cloud "crazy-botany" is forbidden: must have a "confirmation.gardener.cloud/deletion" annotation to delete');
        assert.deepEqual(err?.status.details, { kind: 'shoots', name: 'crazy-botany', group: 'core.gardener.cloud' });
      }
    });
  }
});
