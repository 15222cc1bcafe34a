import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGardenStandIn, type GardenStandIn } from '../../test/support/garden-standin.js';
import { until } from '../../test/support/wait.js';
import { loadGardenKubeConfig } from '../authn/kubeclient.js';
import { GardenNamespaces } from './namespaces.js';

describe('garden cluster informers', function () {
  this.timeout(60_000);
  let garden: GardenStandIn;
  let dir: string;
  let namespaces: GardenNamespaces | undefined;

  beforeEach(async () => {
    garden = await startGardenStandIn();
    dir = mkdtempSync(join(tmpdir(), 'informer-'));
  });
  afterEach(async () => {
    await namespaces?.stop();
    namespaces = undefined;
    await garden.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const watches = () => garden.requests.filter((r) => r.path === '/api/v1/namespaces' && r.query.get('watch') === 'true');

  for (const end of ['close', 'error'] as const) {
    it(`waits before watching again when watches end at once (${end === 'close' ? 'cleanly' : 'after an ERROR event'}), as client-go's reflector does`, async () => {
      garden.endWatches = end;
      const kc = loadGardenKubeConfig(garden.writeKubeconfig(join(dir, 'garden.kubeconfig')));
      assert.ok(kc);
      namespaces = new GardenNamespaces(kc);
      await namespaces.start();
      await new Promise((r) => setTimeout(r, 3_000));
      // 800 ms, then 1.6 s, then 3.2 s between attempts: a handful in 3 s, not thousands.
      assert.ok(watches().length <= 6, `${watches().length} watches in 3 s`);
      garden.endWatches = undefined;
      garden.setObject('namespaces', { metadata: { name: 'garden-after' }, status: { phase: 'Active' } });
      await until(async () => (await namespaces?.get('garden-after')) !== undefined, 'the informer to follow again', 30_000);
    });
  }

  it('asks the garden cluster to end each watch within 5 to 10 minutes', async () => {
    const kc = loadGardenKubeConfig(garden.writeKubeconfig(join(dir, 'garden.kubeconfig')));
    assert.ok(kc);
    namespaces = new GardenNamespaces(kc);
    await namespaces.start();
    await until(() => watches().length > 0, 'the watch');
    const seconds = Number(watches()[0]?.query.get('timeoutSeconds'));
    assert.ok(seconds >= 300 && seconds < 600, `timeoutSeconds=${seconds}`);
  });
});
