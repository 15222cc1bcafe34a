/**
 * Test servers: the real server in this process (for supertest HTTP tests) or as a child process (for
 * kubectl end-to-end and kill tests), each on a free loopback port with its own data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { silentLogger } from '../../apiserver/log.js';
import { parseOptions } from '../../apiserver/options.js';
import { runServer, type RunningServer } from '../../apiserver/run.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Flags every test server gets unless the test passes its own: a small RSA client key pool, so that
 * the many servers the tests start do not each spend half a minute of CPU filling 64 keys (tests of
 * the pool and the benchmark pass `--kubeconfig-key-pool-size` themselves).
 */
export function withTestDefaults(args: readonly string[]): string[] {
  const given = (flag: string) => args.some((a) => a === flag || a.startsWith(`${flag}=`));
  return [...(given('--kubeconfig-key-pool-size') ? [] : ['--kubeconfig-key-pool-size=2']), ...args];
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'garden-apiserver-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Client credentials of the admin kubeconfig's user (system:masters). */
export interface AdminCredentials {
  ca: string;
  cert: string;
  key: string;
}

/** Reads the standalone PKI of a data directory. */
export function adminCredentials(dataDir: string): AdminCredentials {
  const read = (f: string) => readFileSync(join(dataDir, 'pki', f), 'utf8');
  return { ca: read('ca.crt'), cert: read('admin.crt'), key: read('admin.key') };
}

/** An in-process server plus a supertest client that authenticates as the admin. */
export interface InProcessServer {
  running: RunningServer;
  dataDir: string;
  creds: AdminCredentials;
  /** A supertest request builder bound to the server, authenticated as admin unless `anonymous`. */
  request(method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, anonymous?: boolean): supertest.Test;
  stop(): Promise<void>;
}

/** Starts the server in this process on a free port. */
export async function startInProcess(extraArgs: string[] = [], dataDir = tempDir()): Promise<InProcessServer> {
  const options = parseOptions(['--secure-port=0', `--data-dir=${dataDir}`, ...withTestDefaults(extraArgs)]);
  const running = await runServer(options, silentLogger);
  const creds = adminCredentials(dataDir);
  const agent = supertest(running.url);
  return {
    running,
    dataDir,
    creds,
    request(method, path, anonymous = false) {
      const t = agent[method](path).ca(creds.ca);
      return anonymous ? t : t.cert(creds.cert).key(creds.key);
    },
    async stop() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A server running as a child process. */
export interface ChildServer {
  proc: ChildProcess;
  url: string;
  kubeconfig: string;
  dataDir: string;
  /** Output collected so far (stdout and stderr). */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

function waitForExit(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((res) => proc.once('exit', () => res()));
}

/**
 * Starts `npm start`'s entry point as a child process; resolves once it serves. `SERVER_NODE_ARGS`
 * (space-separated) are passed to Node, e.g. `--cpu-prof` to profile the server; so are `nodeArgs`.
 */
export async function startChild(dataDir = tempDir(), extraArgs: string[] = [], nodeArgs: string[] = []): Promise<ChildServer> {
  const node = [...(process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), ...nodeArgs, '--import', 'tsx'];
  const proc = spawn(process.execPath, [...node, join(REPO_ROOT, 'apiserver/main.ts'), '--secure-port=0', `--data-dir=${dataDir}`, ...withTestDefaults(extraArgs)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${out}`)), 30_000);
    const onData = () => {
      const m = /serving on (https:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    proc,
    url,
    kubeconfig: join(dataDir, 'admin.kubeconfig'),
    dataDir,
    output: () => out,
    async stop() {
      proc.kill('SIGTERM');
      await waitForExit(proc);
    },
    async kill() {
      proc.kill('SIGKILL');
      await waitForExit(proc);
    },
  };
}
