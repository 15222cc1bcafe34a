/**
 * EncryptionConfiguration loading (kube-apiserver `--encryption-provider-config` semantics):
 * decode strictly → validate (upstream rules and messages) → build per-resource transformers.
 *
 * Lookup for a group-resource: exact GR → `*.<group>` → `*.*` → default (identity with the encrypt
 * check: plaintext is written, encrypted values cannot be read). A resource listed in several entries
 * gets the entries' provider lists concatenated in file order; a resource after an earlier `*.<group>`
 * or `*.*` rule that masks it is an error.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ValueTransformer } from '../transformer.js';
import { decodeEncryptionConfiguration } from './decode.js';
import type { EncryptionConfiguration, KeysConfiguration, ProviderConfiguration } from './decode.js';
import { buildProvider, identityEncryptCheckTransformer, providerListTransformer } from './providers.js';
import type { BuiltProvider, NamedKey, ProviderKind } from './providers.js';
import {
  decodeStdBase64,
  formatFieldError,
  groupResourceString,
  parseGroupResource,
  validateEncryptionConfiguration,
} from './validation.js';
import type { GroupResource } from './validation.js';

export type { EncryptionConfiguration } from './decode.js';
export { parseGroupResource, groupResourceString } from './validation.js';

/** Message for a `kms` provider, which garden-apiserver cannot talk to. */
export const KMS_UNSUPPORTED = 'kms provider is not supported by garden-apiserver (use aescbc, aesgcm or secretbox)';

/** The configuration could not be loaded; `errors` lists every problem as `path: message`. */
export class EncryptionConfigError extends Error {
  readonly errors: readonly string[];

  constructor(context: string, errors: readonly string[]) {
    super(`${context}: ${errors.length === 1 ? (errors[0] ?? '') : `[${errors.join(', ')}]`}`);
    this.name = 'EncryptionConfigError';
    this.errors = errors;
  }
}

/** One provider of a resource's list, without secret material. */
export interface ProviderInfo {
  kind: ProviderKind;
  /** Key names in order; the first one encrypts. Empty for identity. */
  keyNames: readonly string[];
  /** Fingerprints of the keys' secrets, in order (see `keyFingerprint`); left out of {@link EncryptionConfig.describe}. */
  keyFingerprints?: readonly string[];
}

/** What {@link EncryptionConfig.describe} reports for one configured resource (safe to log). */
export interface ResourceEncryptionInfo {
  /** As written in the config: `secrets`, `internalsecrets.core.gardener.cloud`, `*.core.gardener.cloud`, `*.`, `*.*`. */
  resource: string;
  /** Provider used for writing (the first of the list). */
  writeProvider: ProviderKind;
  /** Key name used for writing; absent for identity. */
  writeKey?: string;
  /** The full read chain in order. */
  providers: readonly ProviderInfo[];
}

/** A loaded encryption configuration. */
export interface EncryptionConfig {
  /** SHA-256 of the file content it was loaded from (absent when built from an object). */
  readonly contentHash: string | undefined;
  /** The transformer for a group-resource such as `secrets` or `internalsecrets.core.gardener.cloud`. */
  transformerFor(groupResource: string): ValueTransformer;
  /** The provider chain applying to a group-resource (after wildcard lookup); undefined = not configured. */
  providersFor(groupResource: string): readonly ProviderInfo[] | undefined;
  /** Per configured resource (file order): provider/key used for writing and the read chain. */
  describe(): ResourceEncryptionInfo[];
}

/** Options for loading. */
export interface LoadOptions {
  /** Name of the file in messages. */
  source?: string;
  /** Automatic reload enabled (stricter KMS-name uniqueness, as upstream). */
  reload?: boolean;
}

/** The hash used to detect content changes (kept in memory only, never the content itself). */
export function contentHash(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function grKey(gr: GroupResource): string {
  return `${gr.group}\u0000${gr.resource}`;
}

interface ResourceEntry {
  gr: GroupResource;
  providers: BuiltProvider[];
  transformer?: ValueTransformer;
}

class StaticEncryptionConfig implements EncryptionConfig {
  readonly contentHash: string | undefined;
  readonly #entries: Map<string, ResourceEntry>;

  constructor(entries: Map<string, ResourceEntry>, hash: string | undefined) {
    for (const e of entries.values()) e.transformer = providerListTransformer(e.providers);
    this.#entries = entries;
    this.contentHash = hash;
  }

  #lookup(groupResource: string): ResourceEntry | undefined {
    const gr = parseGroupResource(groupResource);
    return (
      this.#entries.get(grKey(gr)) ??
      this.#entries.get(grKey({ group: gr.group, resource: '*' })) ??
      this.#entries.get(grKey({ group: '*', resource: '*' }))
    );
  }

  transformerFor(groupResource: string): ValueTransformer {
    return this.#lookup(groupResource)?.transformer ?? identityEncryptCheckTransformer;
  }

  providersFor(groupResource: string): readonly ProviderInfo[] | undefined {
    return this.#lookup(groupResource)?.providers.map((p) => ({ ...info(p), keyFingerprints: [...p.keyFingerprints] }));
  }

  describe(): ResourceEncryptionInfo[] {
    return [...this.#entries.values()].map((e) => {
      const providers = e.providers.map(info);
      const first = providers[0] as ProviderInfo;
      const out: ResourceEncryptionInfo = { resource: groupResourceString(e.gr), writeProvider: first.kind, providers };
      const key = first.keyNames[0];
      if (key !== undefined) out.writeKey = key;
      return out;
    });
  }
}

function info(p: BuiltProvider): ProviderInfo {
  return { kind: p.kind, keyNames: [...p.keyNames] };
}

/** The configuration used when none is given: every resource stored as plaintext. */
export function plaintextEncryptionConfig(): EncryptionConfig {
  return new StaticEncryptionConfig(new Map(), undefined);
}

function namedKeys(c: KeysConfiguration): NamedKey[] {
  return c.keys.map((k) => ({ name: k.name, secret: decodeStdBase64(k.secret) ?? new Uint8Array(0) }));
}

function buildProviderElement(p: ProviderConfiguration): BuiltProvider {
  if (p.aesgcm !== undefined) return buildProvider('aesgcm', namedKeys(p.aesgcm));
  if (p.aescbc !== undefined) return buildProvider('aescbc', namedKeys(p.aescbc));
  if (p.secretbox !== undefined) return buildProvider('secretbox', namedKeys(p.secretbox));
  if (p.identity !== undefined) return buildProvider('identity');
  throw new Error(KMS_UNSUPPORTED);
}

/** Paths of kms providers (reported as unsupported). */
function kmsErrors(c: EncryptionConfiguration): string[] {
  return c.resources.flatMap((r, i) =>
    r.providers.flatMap((p, j) => (p.kms === undefined ? [] : [`resources[${i}].providers[${j}].kms: ${KMS_UNSUPPORTED}`])),
  );
}

/** Upstream's masking check: a resource after an earlier `*.<group>` / `*.*` rule (any entry, incl. its own). */
function maskingErrors(c: EncryptionConfiguration): string[] {
  const seen = new Set<string>();
  const errs: string[] = [];
  c.resources.forEach((entry, i) => {
    entry.resources.forEach((res, j) => {
      const gr = parseGroupResource(res);
      const maskers: GroupResource[] = [{ group: gr.group, resource: '*' }, { group: '*', resource: '*' }];
      const masker = maskers.find((m) => seen.has(grKey(m)));
      if (masker !== undefined) {
        errs.push(
          `resources[${i}].resources[${j}]: resource "${groupResourceString(gr)}" is masked by earlier rule "${groupResourceString(masker)}"`,
        );
      }
      seen.add(grKey(gr));
    });
  });
  return errs;
}

/**
 * Builds the transformers of a decoded configuration. Validates first (upstream rules and messages),
 * then checks masking and KMS use; throws {@link EncryptionConfigError} listing every problem.
 */
export function buildEncryptionConfig(c: EncryptionConfiguration, options: LoadOptions & { hash?: string } = {}): EncryptionConfig {
  const invalid = validateEncryptionConfiguration(c, options.reload ?? false).map(formatFieldError);
  if (invalid.length > 0) throw new EncryptionConfigError('error while validating encryption configuration', invalid);
  const problems = [...maskingErrors(c), ...kmsErrors(c)];
  if (problems.length > 0) throw new EncryptionConfigError('error while building transformers', problems);
  const entries = new Map<string, ResourceEntry>();
  try {
    for (const entry of c.resources) {
      const built = entry.providers.map(buildProviderElement);
      for (const res of entry.resources) {
        const gr = parseGroupResource(res);
        const existing = entries.get(grKey(gr));
        if (existing === undefined) entries.set(grKey(gr), { gr, providers: [...built] });
        else existing.providers.push(...built);
      }
    }
  } catch (e: unknown) {
    throw new EncryptionConfigError('error while building transformers', [e instanceof Error ? e.message : String(e)]);
  }
  return new StaticEncryptionConfig(entries, options.hash);
}

/** Decodes (strictly) without validating; throws {@link EncryptionConfigError}. */
export function parseEncryptionConfiguration(text: string, source?: string): EncryptionConfiguration {
  const decoded = decodeEncryptionConfiguration(text, source);
  if (!decoded.ok) throw new EncryptionConfigError('error while parsing encryption configuration', decoded.errors);
  return decoded.config;
}

/**
 * Parses, validates and builds a configuration from YAML or JSON text.
 * @throws EncryptionConfigError with every problem found.
 */
export function loadEncryptionConfig(text: string, options: LoadOptions = {}): EncryptionConfig {
  const config = parseEncryptionConfiguration(text, options.source);
  return buildEncryptionConfig(config, { ...options, hash: contentHash(text) });
}

/**
 * Reads and loads `--encryption-provider-config`.
 * @throws EncryptionConfigError (also for an unreadable or empty file).
 */
export async function loadEncryptionConfigFile(path: string, options: Omit<LoadOptions, 'source'> = {}): Promise<EncryptionConfig> {
  const bytes = await readConfigFile(path);
  const config = parseEncryptionConfiguration(bytes.toString('utf8'), path);
  return buildEncryptionConfig(config, { ...options, source: path, hash: contentHash(bytes) });
}

/**
 * Reads the file's bytes (for hashing and loading).
 * @throws EncryptionConfigError when it cannot be read.
 */
export async function readConfigFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e: unknown) {
    const why = e instanceof Error ? e.message : String(e);
    throw new EncryptionConfigError('error while reading encryption configuration', [
      `error reading encryption provider configuration file "${path}": ${why}`,
    ]);
  }
}
