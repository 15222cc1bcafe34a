/**
 * Reloading the serving certificate: kube-apiserver picks up a changed `--tls-cert-file` /
 * `--tls-private-key-file` pair without a restart (a renewed Secret reaches the pod's files through the
 * kubelet), so does this server. The files are read every `intervalMs`; a changed pair that forms a
 * valid certificate and key is installed for new connections, one that does not is logged and the
 * previous pair kept.
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { Logger } from './log.js';

/** A serving certificate and its key, PEM. */
export interface ServingPair {
  cert: string;
  key: string;
}

export interface ServingReloadOptions {
  certFile: string;
  keyFile: string;
  /** The pair in use at start. */
  current: ServingPair;
  /** Installs a new pair for new connections. */
  install(pair: ServingPair): void;
  log: Logger;
  intervalMs?: number;
}

/** Starts watching; `stop` ends it. `check` reads the files once (what each interval does). */
export function reloadServingCertificate(o: ServingReloadOptions): { stop(): void; check(): Promise<void> } {
  let current = o.current;
  /** The pair last refused, so that a bad pair is logged once, not every interval. */
  let refused: ServingPair | undefined;
  const check = async (): Promise<void> => {
    let next: ServingPair;
    try {
      next = { cert: await readFile(o.certFile, 'utf8'), key: await readFile(o.keyFile, 'utf8') };
    } catch (e: unknown) {
      o.log.error('serving certificate: cannot read the files, keeping the current one', { err: e instanceof Error ? e.message : String(e) });
      return;
    }
    const same = (a: ServingPair | undefined) => a !== undefined && a.cert === next.cert && a.key === next.key;
    if (same(current) || same(refused)) return;
    try {
      createSecureContext(next);
    } catch (e: unknown) {
      refused = next;
      // The message names the failure (e.g. a key that does not match the certificate), not the key.
      o.log.error('serving certificate: the new certificate and key are not usable, keeping the current one', { err: e instanceof Error ? e.message : String(e) });
      return;
    }
    o.install(next);
    current = next;
    refused = undefined;
    o.log.info('serving certificate reloaded', { certFile: o.certFile });
  };
  const timer = setInterval(() => void check(), o.intervalMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
