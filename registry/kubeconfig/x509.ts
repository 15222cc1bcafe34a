/**
 * `@peculiar/x509`, ready to use: the Reflect metadata shim is loaded before it (ESM evaluates imports
 * in order) and its crypto provider is node's WebCrypto; with it the ASN.1 classes it is built on
 * (`@peculiar/asn1-x509`, `@peculiar/asn1-schema`), for the hot path of certificate issuance. Import
 * X.509 helpers from here, never from the packages directly.
 */
import './reflect-shim.js';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { asn1, AsnConvert, x509 };

/** The bytes of `u` as an ArrayBuffer of their own (what the ASN.1 classes take for octets). */
export function arrayBuffer(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

/** Wraps DER in PEM lines of 64 characters. */
export function pem(type: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${type}-----\n${b64.replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${type}-----\n`;
}
