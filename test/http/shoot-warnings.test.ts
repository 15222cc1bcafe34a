/** Shoot warnings over HTTPS with `--shoot-credentials-rotation-interval` set: the flag reaches them. */
import assert from 'node:assert/strict';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';
import { makeShoot } from '../support/shoot/fixtures.js';
import { startInProcess, type InProcessServer } from '../support/server.js';

const SHOOTS = '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots';
const MERGE = 'application/merge-patch+json';

describe('Shoot warnings over HTTPS', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess(['--shoot-credentials-rotation-interval=24h']);
    await s.request('post', PROJECTS_PATH).send(projectFor('garden-dev')).expect(201);
  });
  after(async () => s.stop());

  it('asks to complete an ETCD encryption key rotation after a third of the interval, not on status writes', async () => {
    await s.request('post', SHOOTS).send(makeShoot({}, undefined, { name: 'w', namespace: 'garden-dev' })).expect(201);
    const rotation = { credentials: { rotation: { etcdEncryptionKey: { phase: 'Prepared', lastInitiationTime: '2020-01-01T00:00:00Z', lastInitiationFinishedTime: '2020-01-01T01:00:00Z' } } } };
    const status = await s.request('patch', `${SHOOTS}/w/status`).set('Content-Type', MERGE).send({ status: rotation }).expect(200);
    assert.equal(status.headers.warning, undefined, 'no warnings through the status subresource');
    const labelled = await s.request('patch', `${SHOOTS}/w`).set('Content-Type', MERGE).send({ metadata: { labels: { a: 'b' } } }).expect(200);
    assert.equal(labelled.headers.warning, '299 - "the ETCD encryption key rotation initiation was finished more than 8h0m0s ago and should be completed"');
  });
});
