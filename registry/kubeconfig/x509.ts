/**
 * `@peculiar/x509`, ready to use: the Reflect metadata shim is loaded before it (ESM evaluates imports
 * in order) and its crypto provider is node's WebCrypto. Import X.509 helpers from here, never from the
 * package directly.
 */
import './reflect-shim.js';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
