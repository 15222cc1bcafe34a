/**
 * Encryption at rest for the server: the configuration from `--encryption-provider-config`, or in
 * standalone mode one generated under the data directory, so InternalSecrets are never written in
 * plaintext. With automatic reload a changed file is picked up; a bad one is refused and logged.
 */
import type { EncryptionConfig } from '../storage/encryption/config.js';
import { loadEncryptionConfigFile } from '../storage/encryption/config.js';
import { DynamicEncryptionConfig, watchEncryptionConfigFile } from '../storage/encryption/reload.js';
import { ensureStandaloneEncryptionConfig, INTERNAL_SECRETS_RESOURCE, requireCovers } from '../storage/encryption/standalone.js';
import type { Logger } from './log.js';

/** Resources Gardener always encrypts in gardener-apiserver's storage. */
export const ALWAYS_ENCRYPTED = [
  'controllerdeployments.core.gardener.cloud',
  'controllerregistrations.core.gardener.cloud',
  INTERNAL_SECRETS_RESOURCE,
  'shootstates.core.gardener.cloud',
] as const;

/** The encryption configuration in force, and how to stop reloading it. */
export interface ServerEncryption {
  config: DynamicEncryptionConfig;
  stop(): void;
}

export interface EncryptionOptions {
  configFile?: string;
  automaticReload: boolean;
  dataDir: string;
  /** Generate a configuration under `dataDir` when none is given (standalone); otherwise refuse to start. */
  generateIfMissing: boolean;
  reloadIntervalMs?: number;
  /** The resources this server serves (`<resource>.<group>`): the start-up log names only these. */
  servedResources?: readonly string[];
}

/** `<resource>: <provider>/<key>` per configured resource; only the served ones when `served` is given. */
function describe(config: EncryptionConfig, served?: readonly string[]): string[] {
  return config
    .describe()
    .filter((r) => served === undefined || served.includes(r.resource))
    .map((r) => `${r.resource}: ${r.writeProvider}${r.writeKey ? `/${r.writeKey}` : ''}`);
}

/** Error thrown when the server must not start with the given configuration. */
export class EncryptionSetupError extends Error {}

/** Loads (or generates) the configuration and starts reloading it when asked to. */
export async function setupEncryption(opts: EncryptionOptions, log: Logger): Promise<ServerEncryption> {
  let initial: EncryptionConfig;
  if (opts.configFile !== undefined) {
    initial = await loadEncryptionConfigFile(opts.configFile, { reload: opts.automaticReload });
  } else if (!opts.generateIfMissing) {
    throw new EncryptionSetupError(
      `refusing to start: ${INTERNAL_SECRETS_RESOURCE} must be encrypted at rest; pass --encryption-provider-config with a configuration that covers it`,
    );
  } else {
    const generated = await ensureStandaloneEncryptionConfig(opts.dataDir, { resources: ALWAYS_ENCRYPTED });
    for (const w of generated.warnings) log.info('encryption configuration warning', { warning: w });
    if (generated.created) log.info('generated encryption configuration', { path: generated.path });
    initial = generated.config;
  }
  const problem = requireCovers(initial, INTERNAL_SECRETS_RESOURCE);
  if (problem !== undefined) throw new EncryptionSetupError(`refusing to start: ${problem}`);
  log.info('encryption at rest', { resources: describe(initial, opts.servedResources) });
  const config = new DynamicEncryptionConfig(initial);
  if (opts.configFile === undefined || !opts.automaticReload) return { config, stop: () => {} };
  const watcher = watchEncryptionConfigFile(
    opts.configFile,
    (next) => {
      const bad = requireCovers(next, INTERNAL_SECRETS_RESOURCE);
      if (bad !== undefined) {
        log.error('refused reloaded encryption configuration; the previous one stays in force', { reason: bad });
        return;
      }
      config.set(next);
      log.info('reloaded encryption configuration', { resources: describe(next) });
    },
    (err) => log.error('refused reloaded encryption configuration; the previous one stays in force', { err }),
    opts.reloadIntervalMs ?? 60_000,
    { initialHash: initial.contentHash, reload: true },
  );
  return { config, stop: () => watcher.stop() };
}
