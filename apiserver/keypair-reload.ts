/**
 * Reloading certificates from files: kube-apiserver picks up a changed `--tls-cert-file` /
 * `--tls-private-key-file` pair without a restart (a renewed Secret reaches the pod's files through the
 * kubelet), and its etcd client reads `--etcd-certfile` / `--etcd-keyfile` at each new connection; so
 * does this server. The files are read every `intervalMs`; a changed pair that forms a valid
 * certificate and key is installed, one that does not is logged and the previous pair kept.
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { Logger } from './log.js';

/** A certificate and its key, PEM. */
export interface KeyPair {
  cert: string;
  key: string;
}

export interface KeyPairReloadOptions {
  /** What the pair is, in log lines (`serving certificate`). */
  name: string;
  certFile: string;
  keyFile: string;
  /** The pair in use at start. */
  current: KeyPair;
  /** Installs a new pair. */
  install(pair: KeyPair): void;
  log: Logger;
  intervalMs?: number;
}

/** Starts watching; `stop` ends it. `check` reads the files once (what each interval does). */
export function reloadKeyPair(o: KeyPairReloadOptions): { stop(): void; check(): Promise<void> } {
  let current = o.current;
  /** The pair last refused, so that a bad pair is logged once, not every interval. */
  let refused: KeyPair | undefined;
  const check = async (): Promise<void> => {
    let next: KeyPair;
    try {
      next = { cert: await readFile(o.certFile, 'utf8'), key: await readFile(o.keyFile, 'utf8') };
    } catch (e: unknown) {
      o.log.error(`${o.name}: cannot read the files, keeping the current one`, { err: e instanceof Error ? e.message : String(e) });
      return;
    }
    const same = (a: KeyPair | undefined) => a !== undefined && a.cert === next.cert && a.key === next.key;
    if (same(current) || same(refused)) return;
    try {
      createSecureContext(next);
      o.install(next);
    } catch (e: unknown) {
      refused = next;
      // The message names the failure (e.g. a key that does not match the certificate), not the key.
      o.log.error(`${o.name}: the new certificate and key are not usable, keeping the current one`, { err: e instanceof Error ? e.message : String(e) });
      return;
    }
    current = next;
    refused = undefined;
    o.log.info(`${o.name} reloaded`, { certFile: o.certFile });
  };
  const timer = setInterval(() => void check(), o.intervalMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
