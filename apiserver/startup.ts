/**
 * The first step of start-up: the listener, opened before the server's modules are loaded and before
 * any data is read, so that the port is open (answering "starting") within a moment of the process
 * start whatever the size of the store. Only light modules are imported here.
 */
import { listenHost } from './bind.js';
import { readFileSync } from 'node:fs';
import { openListener, type Listener } from './listener.js';
import type { ServerOptions } from './options.js';
import { bootstrapStandalone, type StandalonePKI } from './standalone/bootstrap.js';

/** The open listener and the TLS material it was opened with. */
export interface EarlyListener {
  listener: Listener;
  /** The standalone PKI under `--data-dir` (CA, serving and admin certificates). */
  pki: StandalonePKI;
  /** The serving certificate and key: `--tls-cert-file`/`--tls-private-key-file`, or the generated pair. */
  serving: { cert: string; key: string };
}

/** Bootstraps the standalone PKI (first start only) and opens the listener on `--bind-address:--secure-port`. */
export async function listenEarly(options: ServerOptions): Promise<EarlyListener> {
  const pki = await bootstrapStandalone(options.dataDir, options.bindAddress);
  const serving =
    options.tlsCertFile !== undefined && options.tlsPrivateKeyFile !== undefined
      ? { cert: readFileSync(options.tlsCertFile, 'utf8'), key: readFileSync(options.tlsPrivateKeyFile, 'utf8') }
      : pki.serving;
  // The complete client CA list (with --client-ca-file and the front proxy's CA) is installed when the
  // server takes over; client certificates are verified by the authenticators, not by this list.
  const listener = await openListener({ ...serving, ...options.tls, clientCA: pki.ca.cert }, await listenHost(options.bindAddress), options.securePort);
  return { listener, pki, serving };
}
