/**
 * DeletionConfirmation over HTTPS, as Gardener's plugin behaves (plugin/pkg/global/deletionconfirmation
 * at b312835d17): `deletion.gardener.cloud/confirmed-by` follows the confirmation and cannot be forged,
 * a deletecollection with any unconfirmed object in the namespace deletes nothing, and a Project's
 * dual approval keeps the confirming user from also deleting.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import supertest from 'supertest';
import { makeShoot } from '../support/shoot/fixtures.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';

const BASE = '/apis/core.gardener.cloud/v1beta1';
const SHOOTS = (ns: string) => `${BASE}/namespaces/${ns}/shoots`;
const CONFIRM = 'confirmation.gardener.cloud/deletion';
const BY = 'deletion.gardener.cloud/confirmed-by';
const MERGE = 'application/merge-patch+json';

describe('DeletionConfirmation over HTTPS', function () {
  let s: InProcessServer;
  let dir: string;
  const as = (token: string) => ({
    req: (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
      supertest(s.running.url)[method](path).ca(s.creds.ca).set('Authorization', `Bearer ${token}`),
  });
  const alice = () => as('token-alice');
  const bob = () => as('token-bob');

  before(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'tokens.csv'), 'token-alice,alice,u1,system:masters\ntoken-bob,bob,u2,system:masters\n');
    s = await startInProcess([`--token-auth-file=${join(dir, 'tokens.csv')}`]);
    for (const [name, dual] of [['plain', false], ['dual', true]] as const) {
      const spec: Record<string, unknown> = { namespace: `garden-${name}` };
      if (dual) spec.dualApprovalForDeletion = [{ resource: 'shoots', selector: { matchLabels: { critical: 'true' } } }];
      await s.request('post', `${BASE}/projects`).send({ metadata: { name }, spec }).expect(201);
    }
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const annotations = async (ns: string, name: string) => (await s.request('get', `${SHOOTS(ns)}/${name}`).expect(200)).body.metadata.annotations ?? {};
  const annotate = (who: ReturnType<typeof as>, ns: string, name: string, value: Record<string, string | null>) =>
    who.req('patch', `${SHOOTS(ns)}/${name}`).set('Content-Type', MERGE).send({ metadata: { annotations: value } });

  it('records who confirmed, keeps it, drops it with the confirmation, and ignores a forged value', async () => {
    const created = await alice()
      .req('post', SHOOTS('garden-plain'))
      .send(makeShoot({}, undefined, { name: 'a', namespace: 'garden-plain', annotations: { [CONFIRM]: 'true', [BY]: 'mallory' } }))
      .expect(201);
    assert.equal(created.body.metadata.annotations[BY], 'alice', 'set on create to the creating user');
    await annotate(bob(), 'garden-plain', 'a', { other: 'x', [BY]: 'mallory' }).expect(200);
    assert.equal((await annotations('garden-plain', 'a'))[BY], 'alice', 'kept while the confirmation stays');
    await annotate(bob(), 'garden-plain', 'a', { [CONFIRM]: null }).expect(200);
    assert.equal((await annotations('garden-plain', 'a'))[BY], undefined, 'removed with the confirmation');
    await annotate(bob(), 'garden-plain', 'a', { [CONFIRM]: 'true' }).expect(200);
    assert.equal((await annotations('garden-plain', 'a'))[BY], 'bob', 'the user who confirmed again');
    await alice().req('post', SHOOTS('garden-plain')).send(makeShoot({}, undefined, { name: 'b', namespace: 'garden-plain', annotations: { [BY]: 'mallory' } })).expect(201);
    assert.equal((await annotations('garden-plain', 'b'))[BY], undefined, 'no confirmation, no confirmed-by');
  });

  it('refuses a deletecollection as a whole while any object in the namespace is unconfirmed', async () => {
    // "a" is confirmed, "b" is not: nothing may be deleted, also not with a selector that picks "a" only.
    for (const path of [SHOOTS('garden-plain'), `${SHOOTS('garden-plain')}?fieldSelector=metadata.name%3Da`]) {
      const r = await s.request('delete', path).expect(403);
      assert.equal(r.body.reason, 'Forbidden');
      assert.equal(
        r.body.message,
        'shoots.core.gardener.cloud is forbidden: 1 error occurred:\n\t* shoots.core.gardener.cloud "b" is forbidden: must have a "confirmation.gardener.cloud/deletion" annotation to delete\n\n',
      );
    }
    const left = (await s.request('get', SHOOTS('garden-plain')).expect(200)).body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.deepEqual(left, ['a', 'b']);
    await annotate(alice(), 'garden-plain', 'b', { [CONFIRM]: 'true' }).expect(200);
    const deleted = await s.request('delete', SHOOTS('garden-plain')).expect(200);
    assert.deepEqual(deleted.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['a', 'b']);
  });

  it('keeps the confirming user from deleting where the Project asks for dual approval', async () => {
    const make = (name: string, labels: Record<string, string>) =>
      alice()
        .req('post', SHOOTS('garden-dual'))
        .send(makeShoot({}, undefined, { name, namespace: 'garden-dual', labels, annotations: { [CONFIRM]: 'true' } }))
        .expect(201);
    await make('critical', { critical: 'true' });
    await make('ordinary', {});
    const refused = await alice().req('delete', `${SHOOTS('garden-dual')}/critical`).expect(403);
    assert.equal(
      refused.body.message,
      'shoots.core.gardener.cloud "critical" is forbidden: you are not allowed to both confirm the deletion and send the actual DELETE request - another subject must perform the deletion',
    );
    await alice().req('delete', `${SHOOTS('garden-dual')}/ordinary`).expect(200);
    await bob().req('delete', `${SHOOTS('garden-dual')}/critical`).expect(200);
  });
});
