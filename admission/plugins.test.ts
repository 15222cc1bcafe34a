/** The admission plugin table: order, defaults, selection, and each plugin's decisions. */
import assert from 'node:assert/strict';
import type { KubeObject } from '../apimachinery/types.js';
import { isStatusError } from '../apimachinery/errors.js';
import { fieldErr } from '../apimachinery/field.js';
import { internalSecretResource } from '../registry/internalsecret/descriptor.js';
import { projectResource } from '../registry/project/descriptor.js';
import { shootResource } from '../registry/shoot/descriptor.js';
import { buildAdmissionChain } from './chain.js';
import { ADMISSION_PLUGINS } from './plugins.js';
import type { ResourceDescriptor } from '../registry/types.js';
import type { AdmissionAttributes, AdmissionDeps } from './types.js';

const shoots: Record<string, KubeObject> = {
  'ns/a': { metadata: { name: 'a', namespace: 'ns' }, spec: { seedName: 'seed-a' }, status: { seedName: 'seed-b' } },
};
const projects: Record<string, KubeObject> = {
  'garden-dev': { metadata: { name: 'dev' }, spec: { namespace: 'garden-dev' } },
  'garden-gone': { metadata: { name: 'gone', deletionTimestamp: '2026-01-01T00:00:00Z' }, spec: { namespace: 'garden-gone' } },
  'garden-long': { metadata: { name: 'longername' }, spec: { namespace: 'garden-long' } },
};
const deps = { getShoot: async (ns: string, name: string) => shoots[`${ns}/${name}`], projectForNamespace: async (ns: string) => projects[ns] };
const seedA = { name: 'gardener.cloud:system:seed:seed-a', groups: ['gardener.cloud:system:seeds'] };

function attrs(over: Partial<AdmissionAttributes>): AdmissionAttributes {
  return { operation: 'CREATE', resource: internalSecretResource, subresource: '', namespace: 'ns', name: '', user: seedA, dryRun: false, object: undefined, oldObject: undefined, ...over };
}

async function outcome(p: Promise<void> | undefined): Promise<string> {
  try {
    await p;
    return 'allowed';
  } catch (e: unknown) {
    return isStatusError(e) ? `${e.code} ${e.message}` : String(e);
  }
}

describe('admission plugins', () => {
  it('runs in the order of the table, all on by default', () => {
    assert.deepEqual(ADMISSION_PLUGINS.map((p) => [p.name, p.enabledByDefault]), [
      ['NamespaceLifecycle', true],
      ['ResourceReferenceManager', true],
      ['ShootMutator', true],
      ['ShootValidator', true],
      ['ProjectMutator', true],
      ['DeletionConfirmation', true],
      ['CustomVerbAuthorizer', true],
      ['SeedRestriction', true],
      ['ShootRestriction', true],
      ['GardenValidator', true],
    ]);
    assert.deepEqual(
      buildAdmissionChain({}, deps).plugins.map((p) => p.name),
      ['NamespaceLifecycle', 'ResourceReferenceManager', 'ShootMutator', 'ShootValidator', 'ProjectMutator', 'DeletionConfirmation', 'CustomVerbAuthorizer', 'SeedRestriction', 'ShootRestriction', 'GardenValidator'],
    );
  });

  it('disables plugins by name and refuses unknown names', () => {
    assert.deepEqual(
      buildAdmissionChain({ disable: ['DeletionConfirmation', 'ShootValidator'] }, deps).plugins.map((p) => p.name),
      ['NamespaceLifecycle', 'ResourceReferenceManager', 'ShootMutator', 'ProjectMutator', 'CustomVerbAuthorizer', 'SeedRestriction', 'ShootRestriction', 'GardenValidator'],
    );
    assert.throws(() => buildAdmissionChain({ enable: ['Nope'] }, deps), /unknown admission plugin: Nope/);
  });

  it('SeedRestriction: only the ca-client of a shoot whose spec.seedName is the seed', async () => {
    const chain = buildAdmissionChain({}, deps);
    const run = (name: string, user = seedA) => {
      const a = attrs({ name, user, object: { metadata: { name } } });
      return outcome(chain.hooks('CREATE', a).validate?.(a.object as KubeObject, undefined));
    };
    assert.equal(await run('a.ca-client'), 'allowed');
    // Worded as kube-apiserver reports the seed-restriction.gardener.cloud webhook's refusals.
    const denied = '403 admission webhook "seed-restriction.gardener.cloud" denied the request: object does not belong to seed "seed-a"';
    // gardener's seedrestriction handler_test.go: a missing Shoot is refused with its NotFound text.
    assert.equal(await run('missing.ca-client'), '403 admission webhook "seed-restriction.gardener.cloud" denied the request: shoots.core.gardener.cloud "missing" not found');
    assert.equal(await run('a.other'), denied);
    const seedB = { name: 'gardener.cloud:system:seed:seed-b', groups: ['gardener.cloud:system:seeds'] };
    assert.match(await run('a.ca-client', seedB), /does not belong to seed "seed-b"/, 'status.seedName does not count');
    assert.equal(await run('anything', { name: 'alice', groups: [] }), 'allowed', 'other users are not restricted');
    const extension = { name: 'system:serviceaccount:seed-seed-a:extension-foo', groups: ['system:serviceaccounts', 'system:serviceaccounts:seed-seed-a'] };
    assert.equal(await run('a.ca-client', extension), 'allowed');
  });

  it('SeedRestriction: a create of an InternalSecret that exists already goes on to the storage (409 there)', async () => {
    const stored = { metadata: { name: 'other.secret', namespace: 'ns' } };
    const chain = buildAdmissionChain({}, { ...deps, getInternalSecret: async (_ns: string, name: string) => (name === 'other.secret' ? stored : undefined) });
    const a = attrs({ name: 'other.secret', object: { metadata: { name: 'other.secret' } } });
    assert.equal(await outcome(chain.hooks('CREATE', a).validate?.(a.object as KubeObject, undefined)), 'allowed');
    const b = attrs({ name: 'new.secret', object: { metadata: { name: 'new.secret' } } });
    assert.match(await outcome(chain.hooks('CREATE', b).validate?.(b.object as KubeObject, undefined)), /^403 .*object does not belong to seed "seed-a"$/);
  });

  it('ShootRestriction: a self-hosted shoot creates only its own ca-client, in its namespace', async () => {
    const chain = buildAdmissionChain({}, deps);
    const own = { name: 'gardener.cloud:system:shoot:garden:sh1', groups: ['gardener.cloud:system:shoots'] };
    const run = (namespace: string, name: string, user: AdmissionAttributes['user'] = own) => {
      const a = attrs({ namespace, name, user, object: { metadata: { name, namespace } } });
      return outcome(chain.hooks('CREATE', a).validate?.(a.object as KubeObject, undefined));
    };
    assert.equal(await run('garden', 'sh1.ca-client'), 'allowed');
    const refused = (_name: string) => '403 admission webhook "shoot-restriction.gardener.cloud" denied the request: object does not belong to shoot garden/sh1';
    assert.equal(await run('garden-dev', 'victim.ca-client'), refused('victim.ca-client'));
    assert.equal(await run('garden', 'other.ca-client'), refused('other.ca-client'));
    assert.equal(await run('garden-dev', 'sh1.ca-client'), refused('sh1.ca-client'));
    assert.equal(await run('garden', 'sh1'), refused('sh1'));
    const gardenadm = { name: 'gardener.cloud:gardenadm:shoot:garden:sh1', groups: ['gardener.cloud:system:shoots'] };
    assert.equal(await run('garden', 'sh1.ca-client', gardenadm), '400 admission webhook "shoot-restriction.gardener.cloud" denied the request: unexpected resource: "internalsecrets.core.gardener.cloud"');
    assert.equal(await run('garden-dev', 'victim.ca-client', { name: 'alice', groups: [] }), 'allowed');
  });

  it('DeletionConfirmation: Shoots need the annotation, other kinds do not', async () => {
    const chain = buildAdmissionChain({}, deps);
    const del = (resource: ResourceDescriptor, obj: KubeObject) => {
      const a = attrs({ operation: 'DELETE', resource, name: obj.metadata.name ?? '', object: obj, oldObject: obj });
      return outcome(chain.hooks('DELETE', a).validate?.(obj, obj));
    };
    assert.match(await del(shootResource, { metadata: { name: 's' } }), /^403 shoots\.core\.gardener\.cloud "s" is forbidden: must have a "confirmation\.gardener\.cloud\/deletion" annotation to delete$/);
    assert.equal(await del(shootResource, { metadata: { name: 's', annotations: { 'confirmation.gardener.cloud/deletion': 'true' } } }), 'allowed');
    assert.equal(await del(internalSecretResource, { metadata: { name: 'x' } }), 'allowed');
    assert.match(await del(projectResource, { metadata: { name: 'p' } }), /^403 projects\.core\.gardener\.cloud "p" is forbidden: must have a "confirmation\.gardener\.cloud\/deletion" annotation to delete$/);
    assert.equal(await del(projectResource, { metadata: { name: 'p', annotations: { 'confirmation.gardener.cloud/deletion': 'True' } } }), 'allowed');
  });

  describe('ShootValidator', () => {
    const create = (namespace: string, metadata: KubeObject['metadata'], extra: Partial<AdmissionDeps> = {}) => {
      const chain = buildAdmissionChain({}, { ...deps, ...extra });
      const obj = { metadata: { ...metadata, namespace } };
      const a = attrs({ resource: shootResource, namespace, name: metadata.name ?? '', object: obj, user: { name: 'alice', groups: [] } });
      return outcome(chain.hooks('CREATE', a).validate?.(obj, undefined));
    };

    it('admits Shoots in the namespace of a Project', async () => {
      assert.equal(await create('garden-dev', { name: 'crazy-botany' }), 'allowed');
    });

    it('refuses Shoots in a project being deleted, with Gardener\'s message', async () => {
      assert.equal(await create('garden-gone', { name: 's' }), "403 shoots.core.gardener.cloud \"s\" is forbidden: cannot create shoot 's' in project 'gone' that is already marked for deletion");
    });

    it('limits project and shoot names to 21 characters together (16 with generateName)', async () => {
      assert.equal(await create('garden-long', { name: 'a'.repeat(11) }), 'allowed');
      assert.equal(
        await create('garden-long', { name: 'a'.repeat(12) }),
        `422 Shoot.core.gardener.cloud "${'a'.repeat(12)}" is invalid: name: Invalid value: "${'a'.repeat(12)}": the length of the shoot name and the project name must not exceed 21 characters (project: longername; shoot: ${'a'.repeat(12)})`,
      );
      assert.equal(await create('garden-long', { generateName: 'abcdef' }), 'allowed');
      assert.equal(
        await create('garden-long', { generateName: 'abcdefg' }),
        '422 Shoot.core.gardener.cloud "" is invalid: name: Invalid value: "": the length of the shoot generateName and the project name must not exceed 16 characters (project: longername; shoot with generateName: abcdefg)',
      );
    });

    it('without a Project: the namespace does not exist in standalone mode, an internal error with a garden', async () => {
      assert.equal(await create('garden-none', { name: 's' }), '404 namespaces "garden-none" not found');
      const namespaces = { get: async () => ({ phase: 'Active' }) };
      assert.equal(await create('garden-none', { name: 's' }, { namespaces }), '500 Internal error occurred: could not find referenced project: Project.core.gardener.cloud "<unknown>" not found');
    });
    it('calls the configured ShootReferenceChecks on create and update; their errors refuse the write', async () => {
      const seen: string[] = [];
      const shootReferences = {
        validate: async (shoot: KubeObject, old: KubeObject | undefined) => {
          seen.push(`${shoot.metadata.name ?? ''} ${old === undefined ? 'create' : 'update'}`);
          return shoot.metadata.name === 'bad' ? [fieldErr.notFound('spec.cloudProfile.name', 'nope')] : [];
        },
      };
      assert.equal(await create('garden-dev', { name: 'good' }, { shootReferences }), 'allowed');
      assert.equal(await create('garden-dev', { name: 'bad' }, { shootReferences }), '422 Shoot.core.gardener.cloud "bad" is invalid: spec.cloudProfile.name: Not found: "nope"');
      const chain = buildAdmissionChain({}, { ...deps, shootReferences });
      const obj: KubeObject = { metadata: { name: 'bad', namespace: 'garden-dev' } };
      const a = attrs({ operation: 'UPDATE', resource: shootResource, namespace: 'garden-dev', name: 'bad', object: obj, oldObject: obj, user: { name: 'alice', groups: [] } });
      assert.match(await outcome(chain.hooks('UPDATE', a).validate?.(obj, obj)), /^422 .*Not found: "nope"$/);
      assert.deepEqual(seen, ['good create', 'bad create', 'bad update']);
    });
  });

  describe('ShootMutator (metadata, b312835d17)', () => {
    const TASKS = 'shoot.gardener.cloud/tasks';
    const DNS = 'deployDNSRecordInternal,deployDNSRecordExternal,deployDNSRecordIngress';
    const mutate = async (operation: 'CREATE' | 'UPDATE', obj: KubeObject, old?: KubeObject, subresource = '') => {
      const chain = buildAdmissionChain({}, deps);
      const a = attrs({ operation, resource: shootResource, subresource, namespace: 'garden-dev', name: 's', object: obj, oldObject: old, user: { name: 'alice', groups: [] } });
      await chain.hooks(operation, a).mutate?.(obj, old);
      return obj.metadata.annotations ?? {};
    };
    const shoot = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>, status?: Record<string, unknown>): KubeObject => ({
      metadata: { name: 's', namespace: 'garden-dev', ...(annotations !== undefined && { annotations }) },
      spec: { region: 'r', ...spec },
      ...(status !== undefined && { status }),
    });

    it('names the creator and asks for the infrastructure and DNS records on create', async () => {
      assert.deepEqual(await mutate('CREATE', shoot()), { 'gardener.cloud/created-by': 'alice', [TASKS]: `deployInfrastructure,${DNS}` });
    });

    it('adds the tasks an update needs, each once', async () => {
      const old = shoot({ hibernation: { enabled: true }, dns: { domain: 'a.example.com' } });
      const woken = await mutate('UPDATE', shoot({ hibernation: { enabled: false }, dns: { domain: 'b.example.com' } }, { [TASKS]: 'deployInfrastructure' }), old);
      assert.equal(woken[TASKS], `deployInfrastructure,${DNS}`);
      const infra = await mutate('UPDATE', shoot({ provider: { infrastructureConfig: { a: 2 } } }), shoot({ provider: { infrastructureConfig: { a: 1 } } }));
      assert.equal(infra[TASKS], 'deployInfrastructure');
      const rotate = await mutate('UPDATE', shoot({}, { 'gardener.cloud/operation': 'rotate-ssh-keypair' }), shoot());
      assert.equal(rotate[TASKS], 'deployInfrastructure');
      assert.deepEqual(await mutate('UPDATE', shoot({ purpose: 'testing' }), shoot()), {});
      assert.equal((await mutate('UPDATE', shoot({ dns: { domain: 'x' } }), shoot(), 'status'))[TASKS], DNS, 'the status subresource too');
      assert.deepEqual(await mutate('CREATE', shoot(), undefined, 'adminkubeconfig'), {}, 'not the kubeconfig requests');
    });

    it('marks a confined spec change of a failed Shoot for a retry', async () => {
      const failed = { lastOperation: { type: 'Reconcile', state: 'Failed' } };
      const confined = { maintenance: { confineSpecUpdateRollout: true } };
      const marked = await mutate('UPDATE', shoot({ ...confined, purpose: 'testing' }, undefined, failed), shoot(confined));
      assert.equal(marked['maintenance.shoot.gardener.cloud/needs-retry-operation'], 'true');
    });
  });

  describe('ProjectMutator', () => {
    const admit = async (operation: 'CREATE' | 'UPDATE', spec: Record<string, unknown>, metadata: KubeObject['metadata'] = { name: 'p' }) => {
      const chain = buildAdmissionChain({}, deps);
      const obj: KubeObject = { metadata, spec };
      const a = attrs({ operation, resource: projectResource, namespace: '', name: 'p', object: obj, user: { name: 'alice', groups: [] } });
      await chain.hooks(operation, a).mutate?.(obj, operation === 'UPDATE' ? obj : undefined);
      return obj.spec;
    };
    const alice = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' };

    it('sets createdBy, makes the creator the owner and an admin member', async () => {
      assert.deepEqual(await admit('CREATE', { namespace: 'garden-p' }), {
        namespace: 'garden-p',
        createdBy: alice,
        owner: alice,
        members: [{ ...alice, role: 'admin', roles: ['owner'] }],
      });
    });

    it('takes the owner from the first member with the owner role', async () => {
      const bob = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' };
      const spec = await admit('CREATE', { members: [{ ...bob, role: 'viewer', roles: ['owner'] }] });
      assert.deepEqual(spec, { members: [{ ...bob, role: 'viewer', roles: ['owner'] }], createdBy: alice, owner: bob });
    });

    it('adds a changed owner as member on update, but not while the project is deleted', async () => {
      const carol = { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'carol' };
      assert.deepEqual(await admit('UPDATE', { owner: carol }), { owner: carol, members: [{ ...carol, role: 'admin', roles: ['owner'] }] });
      assert.deepEqual(await admit('UPDATE', { owner: carol }, { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' }), { owner: carol });
    });
  });

  describe('ResourceReferenceManager', () => {
    const run = (operation: 'CREATE' | 'UPDATE', object: KubeObject, oldObject?: KubeObject) => {
      const chain = buildAdmissionChain({}, deps);
      const a = attrs({ operation, resource: projectResource, namespace: '', name: object.metadata.name ?? '', object, oldObject, user: { name: 'mallory', groups: [] } });
      return outcome(chain.hooks(operation, a).validate?.(object, oldObject));
    };
    const claim = (name: string, namespace?: string, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({
      metadata: { name, ...meta },
      spec: namespace === undefined ? {} : { namespace },
    });
    const TAKEN = '403 projects.core.gardener.cloud "evil" is forbidden: namespace "garden-dev" is already used by another project';

    it("refuses a Project that claims another Project's namespace, on create or when first set", async () => {
      assert.equal(await run('CREATE', claim('evil', 'garden-dev')), TAKEN);
      assert.equal(await run('UPDATE', claim('evil', 'garden-dev'), claim('evil')), TAKEN);
    });

    it('admits a free namespace, its own namespace, and updates of a Project that had one or is being deleted', async () => {
      assert.equal(await run('CREATE', claim('evil', 'garden-evil')), 'allowed');
      assert.equal(await run('CREATE', claim('evil')), 'allowed');
      assert.equal(await run('UPDATE', claim('dev', 'garden-dev'), claim('dev', 'garden-dev')), 'allowed');
      assert.equal(await run('UPDATE', claim('evil', 'garden-dev', { deletionTimestamp: '2026-01-01T00:00:00Z' }), claim('evil')), 'allowed');
    });
  });

  // gardener-operator's pkg/operator/webhook/validation/garden/handler_test.go, served as admission here.
  describe('GardenValidator', () => {
    const gardenResource = { ...shootResource, group: 'operator.gardener.cloud', version: 'v1alpha1', resource: 'gardens', kind: 'Garden', namespaced: false };
    const plugin = (stored: KubeObject[]) => buildAdmissionChain({}, { ...deps, gardens: async () => stored }).plugins.find((p) => p.name === 'GardenValidator');
    const garden = (meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'operator.gardener.cloud/v1alpha1', kind: 'Garden', metadata: { name: 'g', ...meta } });
    const run = (stored: KubeObject[], over: Partial<AdmissionAttributes>) => outcome(plugin(stored)?.validate?.(attrs({ resource: gardenResource as ResourceDescriptor, namespace: '', ...over })));

    const denied = 'admission webhook "garden-validation.operator.gardener.cloud" denied the request: ';
    const invalidEncryption = (meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({
      ...garden(meta),
      spec: { virtualCluster: { gardener: { gardenerAPIServer: { encryptionConfig: { resources: ['Configmaps'] } } } } },
    });

    it('admits the first Garden and refuses a second, before looking at its spec', async () => {
      assert.equal(await run([], { object: garden() }), 'allowed');
      const onlyOne = `400 ${denied}there can be only one operator.gardener.cloud/v1alpha1.Garden resource in the system at a time`;
      assert.equal(await run([garden({ name: 'other' })], { object: garden() }), onlyOne);
      assert.equal(await run([garden({ name: 'other' })], { object: invalidEncryption() }), onlyOne);
    });
    it('validates the Garden on create and on update, keeping the Invalid status', async () => {
      const created = await run([], { object: invalidEncryption() });
      assert.ok(created.startsWith(`422 ${denied}Garden.operator.gardener.cloud "g" is invalid: `), created);
      assert.ok(created.includes('encryptionConfig.resources[0]: Invalid value: "Configmaps"'), created);
      const updated = await run([], { operation: 'UPDATE', object: invalidEncryption(), oldObject: garden() });
      assert.match(updated, /^422 admission webhook .*Invalid value: "Configmaps"/);
      assert.equal(await run([], { operation: 'UPDATE', object: invalidEncryption(), oldObject: garden(), subresource: 'status' }), 'allowed', 'not for the status');
    });
    for (const finalizer of ['gardener.cloud/operator', 'gardener.cloud/reference-protection']) {
      it(`refuses the finalizer ${finalizer} on creation`, async () => {
        assert.equal(await run([], { object: garden({ finalizers: ['foo', finalizer] }) }), `400 ${denied}finalizer "${finalizer}" cannot be added on creation`);
      });
    }
    it('deletes a Garden only with the confirmation annotation', async () => {
      assert.equal(await run([], { operation: 'DELETE', oldObject: garden() }), `403 ${denied}must have a "confirmation.gardener.cloud/deletion" annotation to delete`);
      assert.equal(await run([], { operation: 'DELETE', oldObject: garden({ annotations: { 'confirmation.gardener.cloud/deletion': 'true' } }) }), 'allowed');
    });
  });
});
