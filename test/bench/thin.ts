/** The thin create path (`thin-server.ts`) as a benchmark process, and creates against it. */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapStandalone } from '../../apiserver/standalone/bootstrap.js';
import { adminClient } from '../support/client.js';
import { adminCredentials, REPO_ROOT, tempDir } from '../support/server.js';
import type { ThinConfig } from './thin-server.js';

/** A running thin server with a client authenticated by a client certificate. */
export interface ThinServer {
  pid: number | undefined;
  client: ReturnType<typeof adminClient>;
  stop(): Promise<void>;
}

/** Starts the thin server on `endpoints` (its own process) with `grpcOptions` for its etcd client. */
export async function startThin(endpoints: string[], aesKey: string, grpcOptions?: Record<string, unknown>): Promise<ThinServer> {
  const dataDir = tempDir('garden-apiserver-bench-thin-');
  await bootstrapStandalone(dataDir, '127.0.0.1');
  const cfg: ThinConfig = { endpoints, dataDir, aesKey, ...(grpcOptions !== undefined && { grpcOptions }) };
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/bench/thin-server.ts'), JSON.stringify(cfg)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (\d+)/.exec(out);
      if (m?.[1] !== undefined) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`thin server exited with ${code}: ${out}`)));
  });
  const client = adminClient(`https://127.0.0.1:${port}`, adminCredentials(dataDir), 64);
  return {
    pid: proc.pid,
    client,
    async stop() {
      client.close();
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
