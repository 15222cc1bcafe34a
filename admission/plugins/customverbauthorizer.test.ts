/** CustomVerbAuthorizer's decisions, after Gardener's plugin/pkg/global/customverbauthorizer tests. */
import assert from 'node:assert/strict';
import { isStatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { projectResource } from '../../registry/project/descriptor.js';
import { shootResource } from '../../registry/shoot/descriptor.js';
import type { AccessQuestion, ResourceDescriptor, UserInfo } from '../../registry/types.js';
import type { Operation } from '../types.js';
import { customVerbAuthorizer } from './customverbauthorizer.js';

const RBAC = 'rbac.authorization.k8s.io';
const user = (name: string) => ({ kind: 'User', apiGroup: RBAC, name });
const group = (name: string) => ({ kind: 'Group', apiGroup: RBAC, name });
const sa = (name: string) => ({ kind: 'ServiceAccount', name, namespace: 'garden-p' });
const member = (subject: Record<string, string>, role: string, roles?: string[]) => ({ ...subject, role, ...(roles && { roles }) });

const olga = { name: 'olga', groups: ['system:authenticated'] };
const alice = { name: 'alice', groups: ['system:authenticated', 'team-a'] };

/** Runs the plugin with an authorizer that allows `allowed` (`user verb`) and records every question. */
async function decide(
  resource: ResourceDescriptor,
  operation: Operation,
  who: UserInfo,
  object: KubeObject,
  oldObject?: KubeObject,
  allowed: string[] = [],
): Promise<{ outcome: string; asked: string[] }> {
  const asked: string[] = [];
  const may = async (u: UserInfo, q: AccessQuestion) => {
    asked.push(`${q.verb} ${q.group}/${q.resource} ${q.namespace ?? ''}/${q.name ?? ''}`);
    return allowed.includes(`${u.name} ${q.verb}`);
  };
  const plugin = customVerbAuthorizer({ getShoot: async () => undefined, projectForNamespace: async () => undefined, may });
  const namespace = object.metadata.namespace ?? '';
  try {
    await plugin.validate?.({ operation, resource, subresource: '', namespace, name: object.metadata.name ?? '', user: who, dryRun: false, object, oldObject });
    return { outcome: 'allowed', asked };
  } catch (e: unknown) {
    return { outcome: isStatusError(e) ? `${e.code} ${e.message}` : String(e), asked };
  }
}

const project = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Project', metadata: { name: 'p' }, spec });
const ownedByOlga = (members: unknown[] = []) => project({ owner: user('olga'), members: [member(user('olga'), 'admin', ['owner']), ...members] });
const forProject = (what: string, who = 'alice') => `403 projects.core.gardener.cloud "p" is forbidden: user "${who}" is not allowed to ${what} for "projects"`;
const MEMBERS = 'manage human users or groups in .spec.members';

describe('CustomVerbAuthorizer: Projects', () => {
  describe('modify-spec-tolerations-whitelist', () => {
    const whitelist = (keys: string[]) => project({ owner: user('alice'), tolerations: { whitelist: keys.map((key) => ({ key })) } });

    it('creates a project without tolerations without asking', async () => {
      assert.deepEqual(await decide(projectResource, 'CREATE', alice, project({ owner: user('alice') })), { outcome: 'allowed', asked: [] });
    });

    it('asks for the verb to create, change or drop a whitelist', async () => {
      const cases: Array<[Operation, KubeObject, KubeObject | undefined]> = [
        ['CREATE', whitelist(['foo']), undefined],
        ['UPDATE', whitelist(['foo', 'bar']), whitelist(['foo'])],
        ['UPDATE', project({ owner: user('alice'), tolerations: {} }), whitelist(['foo'])],
      ];
      for (const [op, obj, old] of cases) {
        assert.equal((await decide(projectResource, op, alice, obj, old, ['alice modify-spec-tolerations-whitelist'])).outcome, 'allowed');
        const refused = await decide(projectResource, op, alice, obj, old);
        assert.equal(refused.outcome, forProject('modify .spec.tolerations.whitelist'));
        assert.deepEqual(refused.asked, ['modify-spec-tolerations-whitelist core.gardener.cloud/projects /p']);
      }
    });

    it('does not ask when only the defaults change', async () => {
      const old = project({ owner: user('alice'), tolerations: { whitelist: [{ key: 'foo' }] } });
      const obj = project({ owner: user('alice'), tolerations: { defaults: [{ key: 'bar' }], whitelist: [{ key: 'foo' }] } });
      assert.deepEqual(await decide(projectResource, 'UPDATE', alice, obj, old), { outcome: 'allowed', asked: [] });
    });
  });

  describe('manage-members', () => {
    it('lets the owner, or a creator who becomes the owner, set members without asking', async () => {
      const members = [member(user('bob'), 'admin'), member(group('team-b'), 'viewer')];
      assert.deepEqual(await decide(projectResource, 'CREATE', olga, ownedByOlga(members)), { outcome: 'allowed', asked: [] });
      assert.deepEqual(await decide(projectResource, 'UPDATE', olga, ownedByOlga(members), ownedByOlga()), { outcome: 'allowed', asked: [] });
      assert.deepEqual(await decide(projectResource, 'CREATE', alice, project({ members })), { outcome: 'allowed', asked: [] });
    });

    it('lets anyone add service accounts (also as users) and the owner be listed', async () => {
      const members = [member(sa('robot'), 'admin'), member(user('system:serviceaccount:garden-p:other'), 'viewer')];
      assert.deepEqual(await decide(projectResource, 'UPDATE', alice, ownedByOlga(members), ownedByOlga()), { outcome: 'allowed', asked: [] });
      assert.deepEqual(await decide(projectResource, 'CREATE', alice, ownedByOlga()), { outcome: 'allowed', asked: [] });
    });

    it('refuses a creator who is not the owner to add human users or groups', async () => {
      for (const m of [member(user('bob'), 'admin'), member(group('team-b'), 'viewer')]) {
        assert.equal((await decide(projectResource, 'CREATE', alice, ownedByOlga([m]))).outcome, forProject(MEMBERS));
      }
    });

    it('refuses a member who is not the owner to add, remove or re-role humans, unless allowed manage-members', async () => {
      const admin = member(user('alice'), 'admin');
      const cases: Array<[KubeObject, KubeObject]> = [
        [ownedByOlga([admin, member(user('eve'), 'admin')]), ownedByOlga([admin])],
        [ownedByOlga([admin]), ownedByOlga([admin, member(group('team-b'), 'viewer')])],
        [ownedByOlga([admin, member(user('bob'), 'admin')]), ownedByOlga([admin, member(user('bob'), 'viewer')])],
      ];
      for (const [obj, old] of cases) {
        const refused = await decide(projectResource, 'UPDATE', alice, obj, old);
        assert.equal(refused.outcome, forProject(MEMBERS));
        assert.deepEqual(refused.asked, ['manage-members core.gardener.cloud/projects /p']);
        assert.equal((await decide(projectResource, 'UPDATE', alice, obj, old, ['alice manage-members'])).outcome, 'allowed');
      }
    });

    it('counts the owner by group and by service account', async () => {
      const byGroup = project({ owner: group('team-a'), members: [member(user('bob'), 'admin')] });
      assert.equal((await decide(projectResource, 'UPDATE', alice, byGroup, project({ owner: group('team-a') }))).outcome, 'allowed');
      const bySA = project({ owner: sa('robot'), members: [member(user('bob'), 'admin')] });
      const robot = { name: 'system:serviceaccount:garden-p:robot', groups: [] };
      assert.equal((await decide(projectResource, 'UPDATE', robot, bySA, project({ owner: sa('robot') }))).outcome, 'allowed');
      assert.equal((await decide(projectResource, 'UPDATE', alice, bySA, project({ owner: sa('robot') }))).outcome, forProject(MEMBERS));
    });
  });

  describe('owner', () => {
    const owned = (name: string) => project({ owner: user(name) });
    const OWNER = 'manage owner in .spec.owner';

    it('lets a create set the owner, and leaves an update without owner change alone', async () => {
      assert.deepEqual(await decide(projectResource, 'CREATE', alice, owned('olga')), { outcome: 'allowed', asked: [] });
      assert.deepEqual(await decide(projectResource, 'UPDATE', alice, owned('olga'), owned('olga')), { outcome: 'allowed', asked: [] });
    });

    it('lets the owner hand ownership on and a user-access manager change it', async () => {
      assert.deepEqual(await decide(projectResource, 'UPDATE', olga, owned('alice'), owned('olga')), { outcome: 'allowed', asked: [] });
      assert.equal((await decide(projectResource, 'UPDATE', alice, owned('bob'), owned('olga'), ['alice manage-members'])).outcome, 'allowed');
    });

    it('refuses anyone else to change or unset the owner', async () => {
      assert.equal((await decide(projectResource, 'UPDATE', alice, owned('alice'), owned('olga'))).outcome, forProject(OWNER));
      assert.equal((await decide(projectResource, 'UPDATE', alice, project({}), owned('olga'))).outcome, forProject(OWNER));
    });
  });
});

describe('CustomVerbAuthorizer: Shoots', () => {
  const shoot = (workers: unknown[]): KubeObject => ({
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: { name: 's', namespace: 'garden-p' },
    spec: { provider: { type: 'local', workers } },
  });
  const cp = { name: 'cp', machine: { type: 'small' }, controlPlane: {} };
  const pool = { name: 'w', machine: { type: 'small' } };
  const REFUSED = '403 shoots.core.gardener.cloud "s" is forbidden: user "alice" is not allowed to modify .spec.provider.workers[].controlPlane for "shoots"';

  it('asks mark-self-hosted to add, change or remove the control-plane pool', async () => {
    const cases: Array<[Operation, KubeObject, KubeObject | undefined]> = [
      ['CREATE', shoot([pool, cp]), undefined],
      ['UPDATE', shoot([{ ...cp, machine: { type: 'large' } }]), shoot([cp])],
      ['UPDATE', shoot([pool]), shoot([pool, cp])],
    ];
    for (const [op, obj, old] of cases) {
      const refused = await decide(shootResource, op, alice, obj, old);
      assert.equal(refused.outcome, REFUSED);
      assert.deepEqual(refused.asked, ['mark-self-hosted core.gardener.cloud/shoots garden-p/s']);
      assert.equal((await decide(shootResource, op, alice, obj, old, ['alice mark-self-hosted'])).outcome, 'allowed');
    }
  });

  it('does not ask for shoots without one, or when other pools change', async () => {
    assert.deepEqual(await decide(shootResource, 'CREATE', alice, shoot([pool])), { outcome: 'allowed', asked: [] });
    assert.deepEqual(await decide(shootResource, 'UPDATE', alice, shoot([cp, { ...pool, minimum: 2 }]), shoot([cp, pool])), { outcome: 'allowed', asked: [] });
  });

  it('leaves the kubeconfig requests of the subresources alone', async () => {
    const request: KubeObject = { apiVersion: 'authentication.gardener.cloud/v1alpha1', kind: 'AdminKubeconfigRequest', metadata: { name: 's', namespace: 'garden-p' }, spec: {} };
    assert.deepEqual(await decide(shootResource, 'CREATE', alice, request), { outcome: 'allowed', asked: [] });
  });
});
