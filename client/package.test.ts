/**
 * The package as another Node 20 project uses it: `import … from 'garden-apiserver'` loads compiled
 * JavaScript under plain `node` (no TypeScript loader), and TypeScript finds the declarations.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from '../test/support/server.js';

describe('client: the published package', function () {
  this.timeout(120_000);
  let project: string;

  before(() => {
    execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'pipe' });
    project = tempDir('garden-apiserver-consumer-');
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(REPO_ROOT, join(project, 'node_modules', 'garden-apiserver'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it('imports under plain node, from the root and from ./client', () => {
    writeFileSync(
      join(project, 'use.js'),
      "import { requestAdminKubeconfig, KubeconfigRequestError, kubeconfigPath } from 'garden-apiserver';\n" +
        "import * as client from 'garden-apiserver/client';\n" +
        "console.log(JSON.stringify([typeof requestAdminKubeconfig, typeof KubeconfigRequestError, kubeconfigPath('viewer', 'garden-dev', 'a'), client.requestAdminKubeconfig === requestAdminKubeconfig]));\n",
    );
    const out = execFileSync(process.execPath, ['use.js'], { cwd: project, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.deepEqual(JSON.parse(out), ['function', 'function', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/a/viewerkubeconfig', true]);
  });

  it('is typed for TypeScript consumers', () => {
    writeFileSync(
      join(project, 'use.ts'),
      "import { requestViewerKubeconfig, type IssuedKubeconfig } from 'garden-apiserver';\n" +
        "export const call: (ns: string) => Promise<IssuedKubeconfig> = (ns) => requestViewerKubeconfig(undefined as never, ns, 'a');\n" +
        "// @ts-expect-error the expiration is a number of seconds\nrequestViewerKubeconfig(undefined as never, 'ns', 'a', { expirationSeconds: 'long' });\n",
    );
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', 'use.ts'], { cwd: project, stdio: 'pipe' });
  });
});
