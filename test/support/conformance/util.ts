/**
 * Helpers of the storage conformance suite: a per-test harness (fresh backend, unique key prefix,
 * cleanup of watches), watch readers with timeouts, a test transformer and selection predicates.
 * Only the {@link KVBackend} and {@link Storage} interfaces are used, so any adapter can run the suite.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../../apimachinery/types.js';
import type { KVBackend, KVEvent, KVWatch, SelectionPredicate, Storage, Watch, WatchEvent } from '../../../storage/interface.js';
import { InvalidRequestError, InvalidResourceVersionError } from '../../../storage/errors.js';
import { createStore, type StoreOptions } from '../../../storage/store/store.js';
import { identityTransformer, type ValueTransformer } from '../../../storage/transformer.js';

/** Produces a backend for one test and a way to dispose of it. */
export type BackendFactory = () => Promise<{ backend: KVBackend; cleanup(): Promise<void> }>;

/** What each conformance test gets: a fresh backend and a key prefix of its own. */
export interface Harness {
  backend: KVBackend;
  /** Unique per test, e.g. `/conformance/3f9a.../`; ends with `/`. */
  root: string;
  /** An object store on the backend, with short timeouts suited to tests. */
  store(opts?: Partial<StoreOptions>): Storage;
  /** Registers a watch to be stopped after the test. */
  track(watch: Watch): WatchReader;
  /** Registers a backend watch to be cancelled after the test. */
  trackKV(watch: KVWatch): KVWatch;
  /** Whether `store()` hands out stores wrapped in a watch cache (whose answers may differ). */
  readonly cached?: boolean;
}

/** Registers mocha hooks that give every test of the enclosing `describe` a fresh {@link Harness}. */
export function useHarness(factory: BackendFactory): Harness {
  let current: { backend: KVBackend; cleanup(): Promise<void> } | undefined;
  const stoppers: Array<() => void> = [];
  const h: Harness = {
    get backend(): KVBackend {
      assert.ok(current, 'backend is only available inside a test');
      return current.backend;
    },
    root: '',
    store: (opts = {}) =>
      createStore(h.backend, { transformer: identityTransformer, tooLargeWaitMs: 200, objectTemplate: TEMPLATE, ...opts }),
    track: (watch) => {
      stoppers.push(() => watch.stop());
      return new WatchReader(watch);
    },
    trackKV: (watch) => {
      stoppers.push(() => watch.cancel());
      return watch;
    },
  };
  beforeEach(async () => {
    current = await factory();
    h.root = `/conformance/${randomBytes(6).toString('hex')}/`;
  });
  afterEach(async () => {
    for (const stop of stoppers.splice(0)) stop();
    const c = current;
    current = undefined;
    await c?.cleanup();
  });
  return h;
}

/** apiVersion/kind of the test objects. */
export const TEMPLATE = { apiVersion: 'test.gardener.cloud/v1', kind: 'Thing' };

/** A test object in namespace `ns`. */
export function thing(name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}): KubeObject {
  return { ...TEMPLATE, metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels }, spec };
}

/** Predicate selecting objects whose label `key` equals `value`. */
export function labelIs(key: string, value: string): SelectionPredicate {
  return { empty: false, matches: (obj) => obj.metadata.labels?.[key] === value };
}

/** The predicate of a request without selectors. */
export const everything: SelectionPredicate = { empty: true, matches: () => true };

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads a {@link Watch} event by event, with timeouts, without ending it between reads. */
export class WatchReader {
  private readonly iterator: AsyncIterator<WatchEvent>;
  private pending: Promise<IteratorResult<WatchEvent>> | undefined;

  constructor(readonly watch: Watch) {
    this.iterator = watch[Symbol.asyncIterator]();
  }

  /** The next event, or `undefined` when the iteration ended; fails after `timeoutMs`. */
  async next(timeoutMs = 3000): Promise<WatchEvent | undefined> {
    const result = await this.race(timeoutMs);
    assert.ok(result !== 'timeout', `no watch event within ${timeoutMs} ms`);
    return result.done === true ? undefined : result.value;
  }

  /** The next `n` events (fails if the watch ends first). */
  async take(n: number, timeoutMs = 3000): Promise<WatchEvent[]> {
    const events: WatchEvent[] = [];
    while (events.length < n) {
      const event = await this.next(timeoutMs);
      assert.ok(event, `watch ended after ${events.length} of ${n} events`);
      events.push(event);
    }
    return events;
  }

  /** Asserts that nothing arrives (and the watch does not end) within `ms`. */
  async expectQuiet(ms = 150): Promise<void> {
    const result = await this.race(ms);
    assert.equal(result, 'timeout', `unexpected watch event: ${JSON.stringify(result)}`);
  }

  /** Asserts that the iteration ends within `timeoutMs` without further events. */
  async expectEnd(timeoutMs = 3000): Promise<void> {
    const event = await this.next(timeoutMs);
    assert.equal(event, undefined, `expected the watch to end, got ${JSON.stringify(event)}`);
  }

  private async race(ms: number): Promise<IteratorResult<WatchEvent> | 'timeout'> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    });
    const result = await Promise.race([this.pending, timeout]);
    clearTimeout(timer);
    if (result !== 'timeout') this.pending = undefined;
    return result;
  }
}

/** Collects the events of a backend watch. */
export class KVEventLog {
  readonly events: KVEvent[] = [];
  readonly errors: Error[] = [];
  readonly progress: number[] = [];
  readonly handlers = {
    onEvents: (events: KVEvent[]): void => {
      this.events.push(...events);
    },
    onError: (err: Error): void => {
      this.errors.push(err);
    },
    onProgress: (revision: number): void => {
      this.progress.push(revision);
    },
  };

  /** Waits until `done()` holds, failing after `timeoutMs`. */
  async until(done: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what} (events: ${this.events.length}, errors: ${this.errors.length})`);
      await sleep(5);
    }
  }

  /** Waits for at least `n` events. */
  async waitEvents(n: number): Promise<KVEvent[]> {
    await this.until(() => this.events.length >= n, `${n} events`);
    return this.events;
  }
}

/**
 * A transformer that stores `<tag>:` followed by the reversed bytes, so stored values are neither
 * plaintext nor readable without it. Values written with one of `staleTags` read back as stale;
 * anything else fails. Records the keys it was called with.
 */
export function reversingTransformer(tag: string, staleTags: readonly string[] = []): ValueTransformer & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    toStorage: async (data, key) => {
      keys.push(key);
      return Buffer.concat([Buffer.from(`${tag}:`), Buffer.from(data).reverse()]);
    },
    fromStorage: async (stored, key) => {
      keys.push(key);
      const value = Buffer.from(stored);
      for (const t of [tag, ...staleTags]) {
        const prefix = Buffer.from(`${t}:`);
        if (value.subarray(0, prefix.length).equals(prefix)) {
          return { data: Buffer.from(value.subarray(prefix.length)).reverse(), stale: t !== tag };
        }
      }
      throw new Error('no matching prefix found');
    },
  };
}

/** `metadata.resourceVersion` of `obj` as a number. */
export function rvOf(obj: KubeObject | undefined): number {
  const rv = obj?.metadata.resourceVersion;
  assert.ok(rv !== undefined && /^[0-9]+$/.test(rv), `bad resourceVersion ${String(rv)}`);
  return Number(rv);
}

/**
 * Whether `e` reports the bad resourceVersion `rv` as kube-apiserver's storage does: the store's reads
 * as a 400 `invalid resource version: <versioner error>`; a watch cache (`cached`) with the versioner's
 * error itself once loaded, and the store's answer before.
 */
export function isBadResourceVersion(e: unknown, rv: string, cached: boolean | undefined): boolean {
  const versioner = `resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`;
  if (e instanceof InvalidResourceVersionError) return cached === true && e.message === versioner;
  return e instanceof InvalidRequestError && e.message === `invalid resource version: ${versioner}`;
}
