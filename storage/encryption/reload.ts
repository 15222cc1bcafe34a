/**
 * Automatic reload of the encryption configuration (kube-apiserver
 * `--encryption-provider-config-automatic-reload`): the file's content hash is polled; a changed, valid
 * file replaces the configuration, an invalid one is reported and the old configuration stays in force.
 *
 * Stores are built once with {@link DynamicEncryptionConfig.transformerFor}; the transformers it hands
 * out resolve the current configuration on every call, so they follow reloads.
 */
import type { ValueTransformer } from '../transformer.js';
import { buildEncryptionConfig, contentHash, parseEncryptionConfiguration, readConfigFile } from './config.js';
import type { EncryptionConfig, ProviderInfo, ResourceEncryptionInfo } from './config.js';

/** Upstream poll period (`EncryptionConfigFileChangePollDuration`). */
export const DEFAULT_RELOAD_INTERVAL_MS = 60_000;

/** Handle of a running file watch. */
export interface EncryptionConfigWatcher {
  /** Stops polling (idempotent). */
  stop(): void;
  /** Checks the file now (also what each tick does); resolves when the check is done. */
  poll(): Promise<void>;
}

/** Options of {@link watchEncryptionConfigFile}. */
export interface WatchOptions {
  /**
   * Hash of the content currently in force (`EncryptionConfig.contentHash`). Without it the first poll
   * only records the file's hash as the baseline.
   */
  initialHash?: string | undefined;
  /** Validate as with automatic reload enabled (default true). */
  reload?: boolean;
}

class ConfigFileWatcher implements EncryptionConfigWatcher {
  #lastHash: string | undefined;
  #lastFailure: string | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly onChange: (config: EncryptionConfig) => void,
    private readonly onError: (err: unknown) => void,
    private readonly options: WatchOptions,
  ) {
    this.#lastHash = options.initialHash;
  }

  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.poll(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  poll(): Promise<void> {
    this.#running ??= this.#check().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #fail(marker: string, err: unknown): void {
    if (marker === this.#lastFailure) return;
    this.#lastFailure = marker;
    this.onError(err);
  }

  async #check(): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await readConfigFile(this.path);
    } catch (e: unknown) {
      this.#fail(`read:${e instanceof Error ? e.message : String(e)}`, e);
      return;
    }
    const hash = contentHash(bytes);
    this.#lastHash ??= hash;
    if (hash === this.#lastHash) {
      this.#lastFailure = undefined; // back to the content in force: a later bad version is reported again
      return;
    }
    if (this.#stopped) return;
    let config: EncryptionConfig;
    try {
      const parsed = parseEncryptionConfiguration(bytes.toString('utf8'), this.path);
      config = buildEncryptionConfig(parsed, { source: this.path, reload: this.options.reload ?? true, hash });
    } catch (e: unknown) {
      this.#fail(`content:${hash}`, e);
      return;
    }
    this.#lastHash = hash;
    this.#lastFailure = undefined;
    try {
      this.onChange(config);
    } catch (e: unknown) {
      this.onError(e);
    }
  }
}

/**
 * Polls `path` every `intervalMs` (timer is unref'd). A changed file that loads calls `onChange(config)`;
 * one that does not calls `onError(err)` once per distinct content (or read failure) and is retried only
 * when the content changes again. Errors thrown by `onChange` are passed to `onError`.
 */
export function watchEncryptionConfigFile(
  path: string,
  onChange: (config: EncryptionConfig) => void,
  onError: (err: unknown) => void,
  intervalMs: number = DEFAULT_RELOAD_INTERVAL_MS,
  options: WatchOptions = {},
): EncryptionConfigWatcher {
  const watcher = new ConfigFileWatcher(path, onChange, onError, options);
  watcher.start(intervalMs);
  return watcher;
}

/**
 * An {@link EncryptionConfig} whose contents can be swapped. Transformers obtained from
 * {@link transformerFor} keep delegating to whatever configuration is current at call time.
 */
export class DynamicEncryptionConfig implements EncryptionConfig {
  #current: EncryptionConfig;
  #generation = 0;
  readonly #listeners: (() => void)[] = [];

  constructor(initial: EncryptionConfig) {
    this.#current = initial;
  }

  /** The configuration in force now. */
  get current(): EncryptionConfig {
    return this.#current;
  }

  /** Number of {@link set} calls so far. */
  get generation(): number {
    return this.#generation;
  }

  get contentHash(): string | undefined {
    return this.#current.contentHash;
  }

  /** Replaces the configuration; subsequent reads and writes use it. Then calls the `onChange` listeners. */
  set(next: EncryptionConfig): void {
    this.#current = next;
    this.#generation++;
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` after every later {@link set}. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  transformerFor(groupResource: string): ValueTransformer {
    let cached: { generation: number; transformer: ValueTransformer } | undefined;
    const resolve = (): ValueTransformer => {
      if (cached?.generation !== this.#generation) {
        cached = { generation: this.#generation, transformer: this.#current.transformerFor(groupResource) };
      }
      return cached.transformer;
    };
    return {
      toStorage: (data, key) => resolve().toStorage(data, key),
      fromStorage: (stored, key) => resolve().fromStorage(stored, key),
    };
  }

  providersFor(groupResource: string): readonly ProviderInfo[] | undefined {
    return this.#current.providersFor(groupResource);
  }

  describe(): ResourceEncryptionInfo[] {
    return this.#current.describe();
  }

  /** `transformerFor` as a bound function (the storage layer's `TransformerLookup`). */
  readonly lookup = (groupResource: string): ValueTransformer => this.transformerFor(groupResource);
}

/** Options of {@link startEncryptionConfigReload}. */
export interface ReloadOptions {
  intervalMs?: number;
  /** Called after a new configuration was put in force. */
  onReload?: (config: EncryptionConfig) => void;
  /** Called when a changed file could not be loaded (the old configuration stays). */
  onError?: (err: unknown) => void;
}

/** Watches `path` and puts each valid new version into `dynamic`. */
export function startEncryptionConfigReload(
  path: string,
  dynamic: DynamicEncryptionConfig,
  options: ReloadOptions = {},
): EncryptionConfigWatcher {
  return watchEncryptionConfigFile(
    path,
    (config) => {
      dynamic.set(config);
      options.onReload?.(config);
    },
    (err) => options.onError?.(err),
    options.intervalMs ?? DEFAULT_RELOAD_INTERVAL_MS,
    { initialHash: dynamic.contentHash },
  );
}
