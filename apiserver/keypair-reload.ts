/**
 * Reloading certificates from files: kube-apiserver picks up a changed `--tls-cert-file` /
 * `--tls-private-key-file` pair without a restart (a renewed Secret reaches the pod's files through the
 * kubelet), and its etcd client reads `--etcd-certfile` / `--etcd-keyfile` at each new connection; so
 * does this server. The files are read every `intervalMs`; a changed pair that forms a valid
 * certificate and key is installed, one that does not is logged and the previous pair kept.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
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

/**
 * Throws unless `pair` is a certificate (chain) and the private key of its first certificate (a
 * secure context alone takes an empty key).
 */
function checkPair(pair: KeyPair): void {
  createSecureContext(pair);
  if (!new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key))) {
    throw new Error('the private key does not match the certificate');
  }
}

/**
 * Starts watching; `stop` ends it. `check` reads the files once (what each interval does). A pair that
 * is not usable is refused only when two reads in a row find it: the two files are replaced one after
 * the other (a Secret volume's `..data` link is flipped between the reads of the two files, or a tool
 * writes one and then the other), and a read in between finds a new certificate with the old key. A
 * failure is logged once until the files change.
 */
export function reloadKeyPair(o: KeyPairReloadOptions): { stop(): void; check(): Promise<void> } {
  let current = o.current;
  /** The pair last found unusable: refused (and logged) when the next read finds it again. */
  let unusable: KeyPair | undefined;
  let refused: KeyPair | undefined;
  let unreadable: string | undefined;
  const same = (a: KeyPair | undefined, b: KeyPair) => a !== undefined && a.cert === b.cert && a.key === b.key;
  const check = async (): Promise<void> => {
    let next: KeyPair;
    try {
      next = { cert: await readFile(o.certFile, 'utf8'), key: await readFile(o.keyFile, 'utf8') };
    } catch (e: unknown) {
      const err = e instanceof Error ? e.message : String(e);
      if (err !== unreadable) o.log.error(`${o.name}: cannot read the files, keeping the current one`, { err });
      unreadable = err;
      return;
    }
    unreadable = undefined;
    if (same(current, next) || same(refused, next)) return;
    try {
      checkPair(next);
      o.install(next);
    } catch (e: unknown) {
      if (!same(unusable, next)) {
        unusable = next;
        return;
      }
      refused = next;
      // The message names the failure (e.g. a key that does not match the certificate), not the key.
      o.log.error(`${o.name}: the new certificate and key are not usable, keeping the current one`, { err: e instanceof Error ? e.message : String(e) });
      return;
    }
    current = next;
    unusable = undefined;
    refused = undefined;
    o.log.info(`${o.name} reloaded`, { certFile: o.certFile });
  };
  const timer = setInterval(() => void check(), o.intervalMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
