/**
 * Real etcd for tests: Debian's `etcd` binary (package etcd-server) on free loopback ports, one or
 * three members, each in its own temporary data directory. Members can be stopped and started again
 * (same ports, same data) for fault tests.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

/** Options of {@link startEtcd}. */
export interface StartEtcdOptions {
  /** Cluster size (default 1). */
  members?: 1 | 3;
  /** Period of etcd's watch progress notifications (default 1 s; etcd's own default is 10 min). */
  progressNotifyInterval?: string;
  /** How long to wait for the cluster to become healthy (default 20 s). */
  startTimeoutMs?: number;
  /** Serve clients over TLS with client certificate authentication (see {@link makeTestPki}). */
  tls?: EtcdTestPki;
  /** Operations a transaction may hold (`--max-txn-ops`; etcd's default 128). */
  maxTxnOps?: number;
}

/** PEM files of a test PKI: a CA, a server certificate for 127.0.0.1, a client certificate. */
export interface EtcdTestPki {
  caFile: string;
  /** The CAs etcd accepts client certificates of, read at each start (default `caFile`). */
  clientCAFile?: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

/** A running etcd cluster. */
export interface EtcdCluster {
  /** Client URLs of the members, in member order (`http://127.0.0.1:<port>`, https with `tls`). */
  endpoints: string[];
  /** Data directories of the members, in member order. */
  dataDirs: string[];
  /** Process ids of the running members, in member order (undefined for a stopped member). */
  pids: (number | undefined)[];
  /** Stops member `i` (SIGTERM, or SIGKILL with `kill`) and waits for it to exit. */
  stopMember(i: number, opts?: { kill?: boolean }): Promise<void>;
  /** Starts member `i` again with its data and ports and waits until it serves requests. */
  startMember(i: number): Promise<void>;
  /**
   * Freezes member `i` (SIGSTOP): it keeps its connections but answers nothing. Resolves once every
   * thread of the member has stopped: the kernel stops a process's threads only when one of them has
   * taken the signal, and on a busy machine the others can serve requests in between.
   */
  pauseMember(i: number): Promise<void>;
  /** Resumes a paused member (SIGCONT). */
  resumeMember(i: number): void;
  /** Index of the current leader (asks the running members). */
  leaderIndex(): Promise<number>;
  /** Output of member `i` so far (for diagnostics). */
  output(i: number): string;
  /** Kills every member and removes the data directories. Idempotent. */
  stop(): Promise<void>;
}

/** What every member of one cluster shares. */
interface Settings {
  cluster: string;
  token: string;
  progressInterval: string;
  timeoutMs: number;
  tls: EtcdTestPki | undefined;
  maxTxnOps: number | undefined;
}

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  proc?: ChildProcess | undefined;
  output: string;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills members left running when the test process exits (by their pids, nothing else). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const proc of running) {
      if (proc.pid !== undefined && proc.exitCode === null) {
        try {
          process.kill(proc.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  });
}

/** Throws a clear error when the etcd binary is not installed. */
function assertEtcdInstalled(): void {
  const probe = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'the etcd binary was not found on PATH: install Debian\'s etcd-server package (apt-get install -y etcd-server etcd-client) to run the etcd tests',
    );
  }
}

export { freePort };

/** Go's name of this architecture, for ETCD_UNSUPPORTED_ARCH (etcd 3.4 only supports amd64 and ppc64le). */
function goArch(): string | undefined {
  const map: Record<string, string> = { arm64: 'arm64', arm: 'arm', s390x: 's390x', ia32: '386', riscv64: 'riscv64' };
  return map[process.arch];
}

function clientURL(m: Member, settings: Settings): string {
  return `${settings.tls === undefined ? 'http' : 'https'}://127.0.0.1:${m.clientPort}`;
}

function memberArgs(m: Member, settings: Settings): string[] {
  const client = clientURL(m, settings);
  const peer = `http://127.0.0.1:${m.peerPort}`;
  const tls = settings.tls;
  return [
    `--name=${m.name}`,
    `--data-dir=${m.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${settings.cluster}`,
    '--initial-cluster-state=new',
    `--initial-cluster-token=${settings.token}`,
    '--heartbeat-interval=50',
    '--election-timeout=500',
    '--snapshot-count=10000',
    `--experimental-watch-progress-notify-interval=${settings.progressInterval}`,
    '--logger=zap',
    '--log-outputs=stderr',
    '--log-level=warn',
    ...(settings.maxTxnOps === undefined ? [] : [`--max-txn-ops=${settings.maxTxnOps}`]),
    ...(tls === undefined
      ? []
      : [`--cert-file=${tls.serverCertFile}`, `--key-file=${tls.serverKeyFile}`, `--trusted-ca-file=${tls.clientCAFile ?? tls.caFile}`, '--client-cert-auth']),
  ];
}

function spawnMember(m: Member, settings: Settings): void {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const arch = goArch();
  if (arch !== undefined) env['ETCD_UNSUPPORTED_ARCH'] = arch;
  const proc = spawn('etcd', memberArgs(m, settings), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    m.output = (m.output + chunk.toString('utf8')).slice(-20_000);
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  proc.on('error', (err) => {
    m.output += `\nspawn error: ${err.message}`;
  });
  proc.on('exit', () => running.delete(proc));
  running.add(proc);
  m.proc = proc;
}

/** A JSON request to a member's HTTP gateway (with the client certificate under TLS). */
function memberJSON(m: Member, settings: Settings, path: string, body?: string): Promise<unknown> {
  const tls = settings.tls;
  const options = {
    host: '127.0.0.1',
    port: m.clientPort,
    path,
    method: body === undefined ? 'GET' : 'POST',
    timeout: 1000,
    ...(tls !== undefined && { ca: readFileSync(tls.caFile), cert: readFileSync(tls.clientCertFile), key: readFileSync(tls.clientKeyFile) }),
  };
  return new Promise((resolve, reject) => {
    const req = (tls === undefined ? httpRequest : httpsRequest)(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e: unknown) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function isHealthy(m: Member, settings: Settings): Promise<boolean> {
  try {
    const body = (await memberJSON(m, settings, '/health')) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

async function waitHealthy(members: Member[], settings: Settings): Promise<void> {
  const timeoutMs = settings.timeoutMs;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exited = members.find((m) => m.proc !== undefined && m.proc.exitCode !== null);
    if (exited !== undefined) throw new Error(`etcd member ${exited.name} exited early:\n${exited.output}`);
    const health = await Promise.all(members.map((m) => isHealthy(m, settings)));
    if (health.every(Boolean)) return;
    if (Date.now() > deadline) {
      const logs = members.map((m) => `--- ${m.name}\n${m.output}`).join('\n');
      throw new Error(`etcd did not become healthy within ${timeoutMs} ms:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopProcess(proc: ChildProcess, kill: boolean): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  if (!kill) proc.kill('SIGCONT'); // a paused member must run to handle SIGTERM
  proc.kill(kill ? 'SIGKILL' : 'SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Whether every thread of process `pid` is stopped by a signal (state `T` in
 * `/proc/<pid>/task/<tid>/stat`); a thread that has exited meanwhile counts as stopped.
 */
function allThreadsStopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((tid) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      return true;
    }
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T';
  });
}

async function memberStatus(m: Member, settings: Settings): Promise<{ memberId: string; leader: string } | undefined> {
  try {
    const body = (await memberJSON(m, settings, '/v3/maintenance/status', '{}')) as { header?: { member_id?: string }; leader?: string };
    if (body.header?.member_id === undefined || body.leader === undefined) return undefined;
    return { memberId: body.header.member_id, leader: body.leader };
  } catch {
    return undefined;
  }
}

/** The {@link EtcdCluster} of {@link startEtcd}. */
class LocalCluster implements EtcdCluster {
  private stopped = false;

  constructor(
    private readonly members: Member[],
    private readonly settings: Settings,
  ) {}

  get endpoints(): string[] {
    return this.members.map((m) => clientURL(m, this.settings));
  }

  get dataDirs(): string[] {
    return this.members.map((m) => m.dataDir);
  }

  get pids(): (number | undefined)[] {
    return this.members.map((m) => (m.proc?.exitCode === null ? m.proc.pid : undefined));
  }

  /** Spawns every member and waits until all are healthy (killing them all on failure). */
  async boot(): Promise<void> {
    this.members.forEach((m) => spawnMember(m, this.settings));
    try {
      await waitHealthy(this.members, this.settings);
    } catch (e: unknown) {
      await this.stop();
      throw e;
    }
  }

  async stopMember(i: number, opts: { kill?: boolean } = {}): Promise<void> {
    const m = this.member(i);
    if (m.proc !== undefined) await stopProcess(m.proc, opts.kill === true);
    m.proc = undefined;
  }

  async startMember(i: number): Promise<void> {
    const m = this.member(i);
    if (m.proc !== undefined && m.proc.exitCode === null) return;
    spawnMember(m, this.settings);
    await waitHealthy([m], this.settings);
  }

  async pauseMember(i: number): Promise<void> {
    const proc = this.member(i).proc;
    if (proc?.pid === undefined) return;
    proc.kill('SIGSTOP');
    const deadline = Date.now() + 10_000;
    while (!allThreadsStopped(proc.pid)) {
      if (Date.now() > deadline) throw new Error(`etcd member ${i} did not stop within 10 s of SIGSTOP`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  resumeMember(i: number): void {
    this.member(i).proc?.kill('SIGCONT');
  }

  async leaderIndex(): Promise<number> {
    const statuses = await Promise.all(this.members.map((m) => (m.proc === undefined ? undefined : memberStatus(m, this.settings))));
    for (const status of statuses) {
      if (status === undefined || status.leader === '0') continue;
      const idx = statuses.findIndex((s) => s?.memberId === status.leader);
      if (idx >= 0) return idx;
    }
    throw new Error('etcd cluster has no leader');
  }

  output(i: number): string {
    return this.member(i).output;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // SIGKILL: the data is thrown away, and a graceful stop of a whole cluster waits for lost peers.
    await Promise.all(this.members.map((m) => (m.proc === undefined ? undefined : stopProcess(m.proc, true))));
    for (const m of this.members) rmSync(m.dataDir, { recursive: true, force: true });
  }

  private member(i: number): Member {
    const m = this.members[i];
    if (m === undefined) throw new Error(`no etcd member ${i}`);
    return m;
  }
}

/**
 * Starts an etcd cluster on free loopback ports and waits until every member is healthy.
 * @throws Error when the etcd binary is missing or the cluster does not come up.
 */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  assertEtcdInstalled();
  installExitHook();
  for (let attempt = 1; ; attempt++) {
    try {
      return await bootCluster(opts);
    } catch (e: unknown) {
      // A port found free can still be taken before etcd binds it; try again on other ports.
      if (attempt >= 3 || !/address already in use/.test(String(e))) throw e;
    }
  }
}

/** Starts one cluster on newly chosen ports. */
async function bootCluster(opts: StartEtcdOptions): Promise<EtcdCluster> {
  const members: Member[] = [];
  for (let i = 0; i < (opts.members ?? 1); i++) {
    const dataDir = mkdtempSync(join(tmpdir(), `etcd-test-${i}-`));
    members.push({ name: `m${i}`, clientPort: await freePort(), peerPort: await freePort(), dataDir, output: '' });
  }
  const peers = members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
  const cluster = new LocalCluster(members, {
    cluster: peers,
    token: `test-${process.pid}-${members[0]?.peerPort ?? 0}`,
    progressInterval: opts.progressNotifyInterval ?? '1s',
    timeoutMs: opts.startTimeoutMs ?? 20_000,
    tls: opts.tls,
    maxTxnOps: opts.maxTxnOps,
  });
  await cluster.boot();
  return cluster;
}

/** Requests of a KV method (`Range`, `Txn`, ...) a member has answered so far, from its own Prometheus metrics on its client URL. */
export async function etcdRequests(endpoint: string, method: string): Promise<number> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('grpc_server_handled_total{') && line.includes(`grpc_method="${method}"`)) total += Number(line.split(' ').pop());
  }
  return total;
}

/** Range requests a member has answered so far. */
export function etcdRangeRequests(endpoint: string): Promise<number> {
  return etcdRequests(endpoint, 'Range');
}

/**
 * {@link etcdRequests} once the count has stopped changing: etcd counts a request after answering
 * it, so a request the client has already seen answered may still be missing from the count.
 */
export async function settledEtcdRequests(endpoint: string, method: string): Promise<number> {
  let last = await etcdRequests(endpoint, method);
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await etcdRequests(endpoint, method);
    if (now === last) return now;
    last = now;
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Issues a certificate signed by the CA in `dir` (files `<name>.crt`, `<name>.key`). */
function issue(dir: string, name: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', `${name}.crt`, '-extfile', `${name}.ext`],
    dir,
  );
}

/**
 * Creates a throwaway PKI in `dir` with OpenSSL's CLI: a CA, a server certificate for 127.0.0.1
 * and localhost, and a client certificate (CN `garden-apiserver`).
 */
export function makeTestPki(dir: string): EtcdTestPki {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=etcd-test-ca'], dir);
  issue(dir, 'server', '/CN=etcd-server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  issue(dir, 'client', '/CN=garden-apiserver', 'extendedKeyUsage=clientAuth\n');
  return {
    caFile: join(dir, 'ca.crt'),
    serverCertFile: join(dir, 'server.crt'),
    serverKeyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
  };
}

/**
 * A single-member etcd over TLS for tests of a renewed client certificate: the client certificate
 * files start as the `old` PKI's; etcd accepts both PKIs' client certificates until
 * {@link CertificateRenewal.distrustOld} restarts it accepting only the `renewed` one's. The server
 * certificate stays the old PKI's (`old.caFile` verifies it).
 */
export interface CertificateRenewal {
  etcd: EtcdCluster;
  old: EtcdTestPki;
  renewed: EtcdTestPki;
  /** The client certificate files a client is given (the old pair until {@link renewFiles}). */
  certFile: string;
  keyFile: string;
  /** Writes the renewed pair over the files and returns it. */
  renewFiles(): { cert: string; key: string };
  /** Restarts etcd accepting only the renewed PKI's client certificates. */
  distrustOld(): Promise<void>;
  /** Stops etcd and removes the files. */
  stop(): Promise<void>;
}

/**
 * Starts the etcd of a {@link CertificateRenewal} with its files in a new temporary directory; `opts`
 * as {@link startEtcd}'s (one member).
 */
export async function startEtcdForRenewal(opts: Pick<StartEtcdOptions, 'progressNotifyInterval'> = {}): Promise<CertificateRenewal> {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-renewal-'));
  const pkiAt = (name: string) => {
    mkdirSync(join(dir, name));
    return makeTestPki(join(dir, name));
  };
  const [old, renewed] = [pkiAt('old'), pkiAt('renewed')];
  const read = (file: string) => readFileSync(file, 'utf8');
  const clientCAFile = join(dir, 'client-cas.pem');
  writeFileSync(clientCAFile, read(old.caFile) + read(renewed.caFile));
  const [certFile, keyFile] = [join(dir, 'client.crt'), join(dir, 'client.key')];
  copyFileSync(old.clientCertFile, certFile);
  copyFileSync(old.clientKeyFile, keyFile);
  // The harness's own health checks use the renewed client certificate, accepted throughout.
  const etcd = await startEtcd({ ...opts, tls: { ...old, clientCertFile: renewed.clientCertFile, clientKeyFile: renewed.clientKeyFile, clientCAFile } });
  return {
    etcd,
    old,
    renewed,
    certFile,
    keyFile,
    renewFiles() {
      copyFileSync(renewed.clientCertFile, certFile);
      copyFileSync(renewed.clientKeyFile, keyFile);
      return { cert: read(certFile), key: read(keyFile) };
    },
    async distrustOld() {
      await etcd.stopMember(0);
      writeFileSync(clientCAFile, read(renewed.caFile));
      await etcd.startMember(0);
    },
    async stop() {
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
