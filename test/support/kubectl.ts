/** Runs the real kubectl against a test server, with its own discovery cache directory. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kubectl --kubeconfig <kubeconfig> <args>`; never throws for a non-zero exit. */
/** `env` replaces the environment (e.g. PATH with a credential plugin, HOME with its configuration). */
export function kubectl(kubeconfig: string, args: readonly string[], input?: string, cacheRoot?: string, env?: NodeJS.ProcessEnv): Promise<KubectlResult> {
  const cacheDir = join(cacheRoot ?? join(kubeconfig, '..'), 'kube-cache');
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024, ...(env !== undefined && { env }) },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** Like {@link kubectl} but throws with stderr when the exit code is not 0. */
export async function kubectlOk(kubeconfig: string, args: readonly string[], input?: string): Promise<string> {
  const r = await kubectl(kubeconfig, args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
