/**
 * The README's command blocks, run as written, in order, in one shell, against the server they
 * describe (`npm start` in a checkout next to `shared/`): "Using it with kubectl", the strategic merge
 * patch example and "Shoot kubeconfigs". The server is a real server process on a free port with the
 * data directory the README names; the checkout is a fresh directory beside a link to `shared/`.
 * Blocks not run here: Quick start (npm itself), "Users and roles" (a second `npm start` on the fixed
 * port 8443), the gardenctl/gardenlogin steps (binaries not available here) and the deploy steps.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startChild, tempDir, type ChildServer } from '../support/server.js';
import { sharedPath } from '../support/shared.js';

/** The first ```sh block after `heading`. */
function blockAfter(readme: string, heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README has no heading ${heading}`);
  const m = /\n```sh\n([\s\S]*?)\n```/.exec(readme.slice(at));
  assert.ok(m?.[1] !== undefined, `no sh block after ${heading}`);
  return m[1];
}

describe('README blocks, as written', function () {
  this.timeout(180_000);
  let parent: string;
  let checkout: string;
  let server: ChildServer | undefined;

  before(async () => {
    parent = tempDir('garden-apiserver-readme-');
    symlinkSync(sharedPath(), join(parent, 'shared'), 'dir');
    checkout = join(parent, 'garden-apiserver');
    mkdirSync(checkout);
    server = await startChild(join(checkout, '.garden-apiserver'), ['--authorization-policy-file=' + join(REPO_ROOT, 'deploy/policy/gardener-roles.yaml')]);
  });
  after(async () => {
    await server?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it('runs "Using it with kubectl", the patch example and "Shoot kubeconfigs" without an error', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const patchExample = /\n```sh\n(kubectl apply -f shoot\.yaml[^\n]*\nkubectl patch shoot[\s\S]*?)\n```/.exec(readme)?.[1];
    assert.ok(patchExample !== undefined, 'the strategic merge patch example');
    const script = ['## Using it with kubectl', '### Shoot kubeconfigs'].map((h) => blockAfter(readme, h));
    script.splice(1, 0, patchExample);
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script.join('\n')], {
      cwd: checkout,
      encoding: 'utf8',
      env: { ...process.env, HOME: parent, KUBECONFIG: '' },
      timeout: 150_000,
    });
    assert.equal(run.status, 0, `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
    assert.match(run.stdout, /internalsecret\.core\.gardener\.cloud\/mine (created|serverside-applied|configured)/);
    assert.match(run.stdout, /server: https:\/\/api\.my-shoot\.example\.com/);
    const kubeconfig = readFileSync(join(checkout, 'my-shoot.kubeconfig'), 'utf8');
    assert.match(kubeconfig, /client-certificate-data: /);
  });
});
