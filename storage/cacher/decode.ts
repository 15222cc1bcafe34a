/**
 * Turning backend changes into cache events: each value is decrypted and decoded once, through the
 * object store's own transformer and codec path ({@link StoreCore.decode}). Changes after the cached
 * state take the previous object from the state; changes from before it (start-up history) decode
 * the previous value carried by the event.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { CacheEvent } from './event.js';
import { deepFreeze, withRevision, type CacheEntry, type CacheState } from './state.js';
import { CorruptValueError } from '../errors.js';
import type { KeyValue, KVBackend, KVEvent } from '../interface.js';
import { prefixEnd, singleKeyEnd } from '../keys.js';
import { Pacer } from '../pacer.js';
import type { StoreCore } from '../store/core.js';

/** A backend change's values, decoded before the change is applied. */
export interface Decoded {
  value: CacheEntry | undefined;
  /** Only for history changes (live ones take the previous object from the state). */
  prev: CacheEntry | undefined;
}

/** Decodes values and builds {@link CacheEvent}s for one resource. */
export class ChangeDecoder {
  constructor(private readonly core: StoreCore) {}

  /** Decrypts and decodes a value (frozen); an unreadable value becomes an error entry. */
  async entry(kv: KeyValue, revision = kv.modRevision): Promise<CacheEntry> {
    try {
      return { obj: deepFreeze((await this.core.decode(kv, revision)).obj) };
    } catch (e: unknown) {
      if (e instanceof CorruptValueError) return { error: e };
      throw e;
    }
  }

  /** Decodes what `ev` needs; `history` when it is older than the cached state. */
  async change(ev: KVEvent, history: boolean): Promise<Decoded> {
    const prevKv = ev.prevKv;
    const [value, prev] = await Promise.all([
      ev.type === 'put' ? this.entry(ev.kv) : undefined,
      history && prevKv !== undefined ? this.entry(prevKv) : undefined,
    ]);
    return { value, prev };
  }

  /** A change from before the cached state, for the buffer only. */
  historyEvent(ev: KVEvent, d: Decoded): CacheEvent | undefined {
    const prev = d.prev;
    if (ev.type === 'put') return this.putEvent(ev, d.value, prev);
    if (prev === undefined) return undefined;
    if (prev.obj === undefined) return CacheEvent.corrupt(ev.kv.key, ev.revision, prev.error, prev);
    return CacheEvent.delete(ev.kv.key, ev.revision, withRevision(this.typed(prev.obj), ev.revision), prev);
  }

  /** A change after the cached state: applied to `state`, the previous object taken from it. */
  liveEvent(ev: KVEvent, d: Decoded, state: CacheState): CacheEvent | undefined {
    const key = ev.kv.key;
    const old = state.get(key);
    if (ev.type === 'delete') {
      state.delete(key);
      if (old === undefined) return undefined;
      if (old.obj === undefined) return CacheEvent.corrupt(key, ev.revision, old.error, old);
      return CacheEvent.delete(key, ev.revision, withRevision(this.typed(old.obj), ev.revision), old);
    }
    if (d.value !== undefined) state.set(key, d.value);
    return this.putEvent(ev, d.value, ev.prevKv !== undefined ? old : undefined);
  }

  /** `obj` with the resource's apiVersion/kind when it has none (frozen either way). */
  typed(obj: KubeObject): KubeObject {
    const typed = this.core.typed(obj);
    return typed === obj ? obj : Object.freeze(typed);
  }

  /** A put of `value` over `before` (the entry it replaced; undefined on create). */
  private putEvent(ev: KVEvent, value: CacheEntry | undefined, before: CacheEntry | undefined): CacheEvent | undefined {
    if (value === undefined) return undefined;
    if (value.obj === undefined) return CacheEvent.corrupt(ev.kv.key, ev.revision, value.error, before);
    const prev = before?.obj;
    return CacheEvent.put(ev.kv.key, ev.revision, this.typed(value.obj), prev === undefined ? undefined : this.typed(prev), before);
  }
}

/** Keys per backend read while the cache loads. */
const LOAD_PAGE = 500;

/**
 * The entries of every key under `prefix` at `revision`, in key order: read in pages, decoded in
 * slices (see {@link Pacer}) so that loading a large resource never holds the event loop for long.
 */
export async function readEntries(backend: KVBackend, decoder: ChangeDecoder, prefix: string, revision: number): Promise<Array<readonly [string, CacheEntry]>> {
  const end = prefixEnd(prefix);
  const out: Array<readonly [string, CacheEntry]> = [];
  const pacer = new Pacer();
  let start = prefix;
  for (;;) {
    const page = await backend.range(start, end, { revision, limit: LOAD_PAGE });
    for (const kv of page.kvs) {
      await pacer.pace();
      out.push([kv.key, await decoder.entry(kv)]);
    }
    const last = page.kvs[page.kvs.length - 1];
    if (!page.more || last === undefined) return out;
    start = singleKeyEnd(last.key);
  }
}
