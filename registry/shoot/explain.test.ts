/**
 * `kubectl explain` on the Shoot and Garden schemas, served as OpenAPI v3 documents by a tiny HTTP server
 * with just enough discovery for kubectl to find the kinds.
 */
import assert from 'node:assert/strict';
import { startExplainServer, type ExplainServer } from '../../test/support/explain-server.js';
import { gardenResource } from '../garden/descriptor.js';
import { shootResource } from './descriptor.js';

describe('registry/shoot and registry/garden kubectl explain', function () {
  let stand: ExplainServer;
  before(async () => {
    stand = await startExplainServer([shootResource, gardenResource]);
  });
  after(async () => stand?.close());
  const explain = (...args: string[]) => stand.explain(...args);

  it('explains the Shoot encryption configuration', async () => {
    const out = await explain('shoot.spec.kubernetes.kubeAPIServer.encryptionConfig');
    assert.match(out, /GROUP:\s+core\.gardener\.cloud/);
    assert.match(out, /FIELD:\s+encryptionConfig <EncryptionConfig>/);
    assert.match(out, /provider\s+<EncryptionProvider> -required-/);
    assert.match(out, /resources\s+<\[\]string>/);
    assert.match(await explain('shoots.spec.kubernetes.kubeAPIServer.encryptionConfig.provider.type'), /aescbc, aesgcm or secretbox/);
  });

  it('explains status fields the kubeconfig subresources read', async () => {
    assert.match(await explain('shoots.status.advertisedAddresses'), /<\[\]ShootAdvertisedAddress>/);
    assert.match(await explain('shoots.status.credentials.encryptionAtRest.resources'), /<\[\]string>/);
    assert.match(await explain('shoots.spec.seedName'), /FIELD:\s+seedName <string>/);
  });

  it('explains the Garden encryption configurations', async () => {
    const out = await explain('gardens.spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig');
    assert.match(out, /GROUP:\s+operator\.gardener\.cloud/);
    assert.match(out, /kube-apiserver/);
    assert.match(await explain('garden.status.credentials.encryptionAtRest'), /<EncryptionAtRest>/);
  });
});
