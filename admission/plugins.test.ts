/** The admission plugin table: order, defaults, selection, and each plugin's decisions. */
import assert from 'node:assert/strict';
import type { KubeObject } from '../apimachinery/types.js';
import { isStatusError } from '../apimachinery/errors.js';
import { internalSecretResource } from '../registry/internalsecret/descriptor.js';
import { shootResource } from '../registry/shoot/descriptor.js';
import { buildAdmissionChain } from './chain.js';
import { ADMISSION_PLUGINS } from './plugins.js';
import type { AdmissionAttributes } from './types.js';

const shoots: Record<string, KubeObject> = {
  'ns/a': { metadata: { name: 'a', namespace: 'ns' }, spec: { seedName: 'seed-a' }, status: { seedName: 'seed-b' } },
};
const deps = { getShoot: async (ns: string, name: string) => shoots[`${ns}/${name}`] };
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
      ['DeletionConfirmation', true],
      ['SeedRestriction', true],
    ]);
    assert.deepEqual(buildAdmissionChain({}, deps).plugins.map((p) => p.name), ['NamespaceLifecycle', 'DeletionConfirmation', 'SeedRestriction']);
  });

  it('disables plugins by name and refuses unknown names', () => {
    assert.deepEqual(buildAdmissionChain({ disable: ['DeletionConfirmation'] }, deps).plugins.map((p) => p.name), ['NamespaceLifecycle', 'SeedRestriction']);
    assert.throws(() => buildAdmissionChain({ enable: ['Nope'] }, deps), /unknown admission plugin: Nope/);
  });

  it('SeedRestriction: only the ca-client of a shoot whose spec.seedName is the seed', async () => {
    const chain = buildAdmissionChain({}, deps);
    const run = (name: string, user = seedA) => {
      const a = attrs({ name, user, object: { metadata: { name } } });
      return outcome(chain.hooks('CREATE', a).validate?.(a.object as KubeObject, undefined));
    };
    assert.equal(await run('a.ca-client'), 'allowed');
    const denied = '403 internalsecrets.core.gardener.cloud "%s" is forbidden: object does not belong to seed "seed-a"';
    assert.equal(await run('missing.ca-client'), denied.replace('%s', 'missing.ca-client'));
    assert.equal(await run('a.other'), denied.replace('%s', 'a.other'));
    const seedB = { name: 'gardener.cloud:system:seed:seed-b', groups: ['gardener.cloud:system:seeds'] };
    assert.match(await run('a.ca-client', seedB), /does not belong to seed "seed-b"/, 'status.seedName does not count');
    assert.equal(await run('anything', { name: 'alice', groups: [] }), 'allowed', 'other users are not restricted');
    const extension = { name: 'system:serviceaccount:seed-seed-a:extension-foo', groups: [] };
    assert.equal(await run('a.ca-client', extension), 'allowed');
  });

  it('DeletionConfirmation: Shoots need the annotation, other kinds do not', async () => {
    const chain = buildAdmissionChain({}, deps);
    const del = (resource: typeof shootResource, obj: KubeObject) => {
      const a = attrs({ operation: 'DELETE', resource, name: obj.metadata.name ?? '', object: obj, oldObject: obj });
      return outcome(chain.hooks('DELETE', a).validate?.(obj, obj));
    };
    assert.match(await del(shootResource, { metadata: { name: 's' } }), /^403 shoots\.core\.gardener\.cloud "s" is forbidden: must have a "confirmation\.gardener\.cloud\/deletion" annotation to delete$/);
    assert.equal(await del(shootResource, { metadata: { name: 's', annotations: { 'confirmation.gardener.cloud/deletion': 'true' } } }), 'allowed');
    assert.equal(await del(internalSecretResource, { metadata: { name: 'x' } }), 'allowed');
  });
});
