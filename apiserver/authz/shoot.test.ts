/** The shoot authorizer and identity of self-hosted shoots (Gardener's auth/shoot and gardenletidentity/shoot). */
import assert from 'node:assert/strict';
import { selfHostedShootOf } from '../../registry/shoot-identity.js';
import type { UserInfo } from '../../registry/types.js';
import { resolveRequestInfo } from '../requestinfo.js';
import type { ShootSeedRef } from './seed.js';
import { shootAuthorizer } from './shoot.js';
import { tableLookups } from '../../test/support/graph-lookups.js';

const SECRETS = (ns: string) => `/apis/core.gardener.cloud/v1beta1/namespaces/${ns}/internalsecrets`;
const SHOOTS = (ns: string) => `/apis/core.gardener.cloud/v1beta1/namespaces/${ns}/shoots`;
const selfHosted = { spec: { provider: { workers: [{ name: 'cp', controlPlane: {} }] } } } as ShootSeedRef;
const shoots = new Map<string, ShootSeedRef>([
  ['garden/own', selfHosted],
  ['garden/other', selfHosted],
  ['garden-dev/regular', { spec: {} }],
  ['garden-dev/regular2', { spec: {} }],
]);
const authz = shootAuthorizer(tableLookups(shoots, { garden: 'garden', dev: 'garden-dev' }));
const gardenlet: UserInfo = { name: 'gardener.cloud:system:shoot:garden:own', groups: ['gardener.cloud:system:shoots', 'system:authenticated'] };
const saGroups = (ns: string) => ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'];
const extension: UserInfo = { name: 'system:serviceaccount:garden:extension-shoot--own--provider-local', groups: saGroups('garden') };
const gardenadm: UserInfo = { name: 'gardener.cloud:gardenadm:shoot:garden:own', groups: ['gardener.cloud:system:shoots'] };

const decide = async (user: UserInfo, method: string, url: string) => (await authz.authorize({ user, info: resolveRequestInfo(method, url) })).decision;
const reason = async (user: UserInfo, method: string, url: string) => (await authz.authorize({ user, info: resolveRequestInfo(method, url) })).reason;

describe('self-hosted shoot identity', () => {
  it('recognizes gardenlets, gardenadm and extension service accounts by name and group', () => {
    assert.deepEqual(selfHostedShootOf(gardenlet), { namespace: 'garden', name: 'own', type: 'gardenlet' });
    assert.deepEqual(selfHostedShootOf(gardenadm), { namespace: 'garden', name: 'own', type: 'gardenadm' });
    assert.deepEqual(selfHostedShootOf(extension), { namespace: 'garden', name: 'own', type: 'extension' });
    assert.equal(selfHostedShootOf({ ...gardenlet, groups: [] }), undefined, 'the group is required');
    assert.equal(selfHostedShootOf({ ...gardenlet, name: 'gardener.cloud:system:shoot:own' }), undefined, 'namespace and name');
    assert.equal(selfHostedShootOf({ ...gardenlet, name: 'gardener.cloud:system:shoot:a:b:c' }), undefined);
    assert.equal(selfHostedShootOf({ name: 'system:serviceaccount:seed-a:extension-shoot--own--x', groups: saGroups('seed-a') }), undefined, 'garden or garden-* only');
    assert.equal(selfHostedShootOf({ name: 'system:serviceaccount:garden:extension-shoot--own', groups: saGroups('garden') }), undefined, 'needs --<suffix>');
    assert.equal(selfHostedShootOf({ name: 'system:serviceaccount:garden:other--own--x', groups: saGroups('garden') }), undefined);
  });
});

describe('shoot authorizer', () => {
  it("lets the gardenlet and extensions work with their own shoot's ca-client, create any, and delete unknown ones", async () => {
    for (const user of [gardenlet, extension]) {
      for (const [method, url] of [
        ['GET', `${SECRETS('garden')}/own.ca-client`],
        ['PUT', `${SECRETS('garden')}/own.ca-client`],
        ['DELETE', `${SECRETS('garden')}/own.ca-client`],
        ['GET', `${SECRETS('garden')}?watch=1&fieldSelector=metadata.name%3Down.ca-client`],
        ['POST', SECRETS('garden-x')],
        ['DELETE', `${SECRETS('garden')}/nobody.ca-client`],
      ] as const) {
        assert.equal(await decide(user, method, url), 'allow', `${method} ${url}`);
      }
      for (const [method, url] of [
        ['GET', `${SECRETS('garden')}/other.ca-client`],
        ['DELETE', `${SECRETS('garden')}/other.ca-client`],
        ['GET', `${SECRETS('garden-x')}/own.ca-client`],
        ['GET', SECRETS('garden')],
        ['DELETE', `${SECRETS('garden')}/provider-credentials`],
      ] as const) {
        assert.equal(await decide(user, method, url), 'noOpinion', `${method} ${url}`);
      }
    }
    assert.equal(await reason(gardenlet, 'GET', SECRETS('garden')), 'must specify field or label selector for name own');
    assert.equal(await reason(gardenlet, 'GET', `${SECRETS('garden')}/other.ca-client`), 'no relationship found');
  });

  it('lets them read, update and patch their own Shoot and its status only', async () => {
    for (const [method, url] of [
      ['GET', `${SHOOTS('garden')}/own`],
      ['PATCH', `${SHOOTS('garden')}/own/status`],
      ['PUT', `${SHOOTS('garden')}/own`],
    ] as const) {
      assert.equal(await decide(gardenlet, method, url), 'allow', `${method} ${url}`);
    }
    for (const [method, url] of [
      ['GET', `${SHOOTS('garden')}/other`],
      ['PATCH', `${SHOOTS('garden')}/other`],
      ['DELETE', `${SHOOTS('garden')}/own`],
      ['GET', SHOOTS('garden')],
    ] as const) {
      assert.equal(await decide(gardenlet, method, url), 'noOpinion', `${method} ${url}`);
    }
  });

  it('lets them read the Project of their own Shoot\'s namespace by name, nothing else of Projects', async () => {
    const PROJECTS = '/apis/core.gardener.cloud/v1beta1/projects';
    for (const user of [gardenlet, extension]) {
      assert.equal(await decide(user, 'GET', `${PROJECTS}/garden`), 'allow');
      assert.equal(await decide(user, 'GET', `${PROJECTS}?watch=true&fieldSelector=metadata.name%3Dgarden`), 'allow');
    }
    assert.equal(await reason(gardenlet, 'GET', `${PROJECTS}/dev`), 'no relationship found');
    assert.equal(await reason(gardenlet, 'GET', `${PROJECTS}/nope`), 'no relationship found');
    assert.equal(await reason(gardenlet, 'GET', PROJECTS), 'must specify field or label selector for name own');
    assert.equal(await reason(gardenlet, 'PATCH', `${PROJECTS}/garden`), 'only the following verbs are allowed for this resource type: [get list watch]');
    const gone = shootAuthorizer(tableLookups(new Map(), { garden: 'garden' }));
    const r = await gone.authorize({ user: gardenlet, info: resolveRequestInfo('GET', `${PROJECTS}/garden`) });
    assert.equal(r.reason, 'no relationship found', 'without its Shoot the namespace leads nowhere');
  });

  it('does not count an extension ServiceAccount of a Shoot that is not self-hosted (anyone managing ServiceAccounts could mint it)', async () => {
    const minted: UserInfo = { name: 'system:serviceaccount:garden-dev:extension-shoot--regular--x', groups: saGroups('garden-dev') };
    for (const [method, url] of [
      ['GET', `${SECRETS('garden-dev')}/regular.ca-client`],
      ['POST', SECRETS('garden-dev')],
      ['GET', `${SHOOTS('garden-dev')}/regular`],
    ] as const) {
      assert.equal(await decide(minted, method, url), 'noOpinion', `${method} ${url}`);
    }
  });

  it('gives gardenadm and everyone else nothing', async () => {
    assert.equal(await decide(gardenadm, 'GET', `${SECRETS('garden')}/own.ca-client`), 'noOpinion');
    assert.equal(await decide({ name: 'alice', groups: [] }, 'GET', `${SECRETS('garden')}/own.ca-client`), 'noOpinion');
  });
});
