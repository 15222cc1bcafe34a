/**
 * `--tls-cipher-suites` and `--tls-min-version` as kube-apiserver reads them (component-base's
 * cliflag): IANA cipher suite names and `VersionTLS1x` names, turned into what Node's TLS takes.
 *
 * As in Go, the list governs TLS 1.0–1.2 only: TLS 1.3 suites are always on, and naming them is
 * allowed (Gardener's list does) but changes nothing.
 */
import { DEFAULT_CIPHERS, type SecureVersion } from 'node:tls';
import { InvalidArgumentError } from 'commander';
import { list } from './values.js';

/**
 * IANA names of the TLS 1.0–1.2 suites Go implements, with OpenSSL's names for them. Suites this
 * build's OpenSSL does not offer (RC4) are left out; start-up fails when none of those named remains.
 */
const TLS12_SUITES: Readonly<Record<string, string>> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
};

/** The TLS 1.3 suites, always enabled (Node takes their IANA names). */
const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

const VERSIONS: Readonly<Record<string, SecureVersion>> = {
  VersionTLS10: 'TLSv1',
  VersionTLS11: 'TLSv1.1',
  VersionTLS12: 'TLSv1.2',
  VersionTLS13: 'TLSv1.3',
};

/** `--tls-cipher-suites`: a comma-separated list of IANA suite names Go knows. */
export function cipherSuites(value: string): string[] {
  const names = list(value);
  for (const name of names) {
    if (TLS12_SUITES[name] === undefined && !TLS13_SUITES.includes(name)) throw new InvalidArgumentError(`Cipher suite ${name} not supported or doesn't exist`);
  }
  return names;
}

/** `--tls-min-version`: `VersionTLS10` to `VersionTLS13`. */
export function tlsVersion(value: string): SecureVersion {
  const version = VERSIONS[value];
  if (version === undefined) throw new InvalidArgumentError(`unknown tls version ${JSON.stringify(value)}`);
  return version;
}

/** What the listener's TLS contexts are made with beyond certificates. */
export interface TLSPolicy {
  /** OpenSSL cipher list: the TLS 1.3 suites, then the TLS 1.2 ones named (absent: Node's defaults). */
  ciphers?: string;
  minVersion?: SecureVersion;
}

/**
 * The policy of the flag values (suite names as {@link cipherSuites} returns them). TLS 1.0 and 1.1,
 * which OpenSSL 3 refuses at its default security level, come with security level 0, as Go serves them
 * when asked to.
 */
export function tlsPolicy(suites: readonly string[] | undefined, minVersion: SecureVersion | undefined): TLSPolicy {
  const policy: TLSPolicy = {};
  if (suites !== undefined && suites.length > 0) {
    const tls12 = [...new Set(suites.map((s) => TLS12_SUITES[s]).filter((s): s is string => s !== undefined))];
    policy.ciphers = [...TLS13_SUITES, ...tls12].join(':');
  }
  if (minVersion !== undefined) policy.minVersion = minVersion;
  if (minVersion === 'TLSv1' || minVersion === 'TLSv1.1') policy.ciphers = `${policy.ciphers ?? DEFAULT_CIPHERS}:@SECLEVEL=0`;
  return policy;
}
