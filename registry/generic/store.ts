/**
 * The generic store: one instance per resource, driven by its descriptor and strategy, on top of the
 * object storage. It owns keys, metadata lifecycle, finalizers and the translation of storage errors;
 * admission is passed in as hooks so the registry never depends on the admission chain.
 */
import { badRequest, conflict, generateNameConflict, isStatusError, notFound, successStatus } from '../../apimachinery/errors.js';
import { isDNS1123Label } from '../../apimachinery/validation.js';
import type { KubeList, KubeObject, Status } from '../../apimachinery/types.js';
import { KeyExistsError, KeyNotFoundError, PreconditionError } from '../../storage/errors.js';
import type { Preconditions, Storage, Watch } from '../../storage/interface.js';
import { apiVersionOf, type RequestContext, type ResourceDescriptor, type Strategy } from '../types.js';
import { toStatusError } from './errors.js';
import { ignoreManagedFieldsTimestamps } from './timestamps.js';
import { beforeCreate, beforeUpdate, createdResourceVersionError, now, updatedResourceVersionError, updateVersionError } from './lifecycle.js';
import { buildSelection, supportedFields, type ListParams, type Selection } from './selection.js';

/** Admission hooks run inside a write: mutating first, validating on the final object. */
export interface AdmissionHooks {
  mutate?(obj: KubeObject, old: KubeObject | undefined): Promise<void>;
  validate?(obj: KubeObject, old: KubeObject | undefined): Promise<void>;
  /**
   * A deletecollection as a whole, before anything is deleted (kube-apiserver admits it once with an
   * empty name); `all` lists every object of the resource in the request's namespace, whatever the
   * request selects.
   */
  validateCollection?(all: () => Promise<KubeObject[]>): Promise<void>;
}

/** Produces the new object from the current one (PUT body, or a patch applied to it). */
export type UpdatedObjectFunc = (current: KubeObject | undefined) => Promise<KubeObject>;

/** Options of a delete (meta/v1 DeleteOptions). */
export interface DeleteParams {
  preconditions?: Preconditions;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
}

/** Result of a delete: the object and whether it is gone (false while finalizers hold it). */
export interface DeleteResult {
  object: KubeObject;
  deleted: boolean;
}

const MAX_GENERATE_NAME_ATTEMPTS = 8;

/** Thrown out of an update's loop when the update releases its object for deletion. */
class Released {
  constructor(
    readonly obj: KubeObject,
    readonly current: KubeObject,
  ) {}
}

/**
 * Whether `obj`, the update of `current`, removes the last finalizer of an object being deleted with
 * no grace period left (kube's shouldDeleteDuringUpdate).
 */
function releasesDeletion(obj: KubeObject, current: KubeObject): boolean {
  const m = current.metadata;
  if ((obj.metadata.finalizers ?? []).length > 0 || m.deletionTimestamp === undefined) return false;
  return (m.deletionGracePeriodSeconds ?? 0) === 0;
}

/** REST operations of one resource. */
export class ResourceStore {
  readonly descriptor: ResourceDescriptor;
  private readonly storage: Storage;
  private readonly root: string;
  private readonly fieldLabels: Set<string>;
  private readonly gr: { group: string; resource: string };

  /**
   * @param keyRoot storage prefix such as `/registry-gardener`; keys are
   *   `<keyRoot>/<group>/<resource>/<namespace>/<name>`.
   */
  constructor(descriptor: ResourceDescriptor, storage: Storage, keyRoot: string) {
    this.descriptor = descriptor;
    this.storage = storage;
    this.root = `${keyRoot.replace(/\/+$/, '')}/${descriptor.group}/${descriptor.resource}/`;
    this.fieldLabels = supportedFields(descriptor);
    this.gr = { group: descriptor.group, resource: descriptor.resource };
  }

  /** Storage key of one object. */
  key(namespace: string, name: string): string {
    if (name === '' || name === '.' || name === '..' || name.includes('/')) throw badRequest(`invalid resource name: ${JSON.stringify(name)}`);
    return this.descriptor.namespaced ? `${this.root}${namespace}/${name}` : `${this.root}${name}`;
  }

  /**
   * The key a list or watch of one name reads, when the request is for one namespace (or the kind is
   * cluster-scoped) and the name can be a key; otherwise the filtered prefix is read, as Kubernetes does
   * when its key function fails.
   */
  private singleKey(ctx: RequestContext, sel: Selection): string | undefined {
    const name = sel.name;
    if (name === undefined) return undefined;
    // A request across namespaces whose selector names one is read in that namespace (Kubernetes'
    // MatchesSingleNamespace), when the name is a valid namespace name.
    const selected = sel.fields.exactMatch('metadata.namespace');
    const namespace = ctx.namespace !== '' || selected === undefined || isDNS1123Label(selected).length > 0 ? ctx.namespace : selected;
    if (this.descriptor.namespaced && namespace === '') return undefined;
    // Names that are no path segment (Kubernetes' IsValidPathSegmentName) make its key function fail.
    if (name === '.' || name === '..' || /[/%]/.test(name)) return undefined;
    try {
      return this.key(namespace, name);
    } catch {
      return undefined;
    }
  }

  /** Key prefix of a list: one namespace, or everything. */
  prefix(namespace: string): string {
    return this.descriptor.namespaced && namespace !== '' ? `${this.root}${namespace}/` : this.root;
  }

  private typed(obj: KubeObject): KubeObject {
    return { apiVersion: apiVersionOf(this.descriptor), kind: this.descriptor.kind, ...obj };
  }

  private async guard<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e: unknown) {
      throw toStatusError(e, this.gr, name);
    }
  }

  async get(ctx: RequestContext, name: string, resourceVersion?: string): Promise<KubeObject> {
    const key = this.key(ctx.namespace, name);
    const opts = resourceVersion === undefined ? {} : { resourceVersion };
    return this.typed(await this.guard(name, () => this.storage.get(key, opts)));
  }

  async list(ctx: RequestContext, params: ListParams): Promise<KubeList> {
    const sel = buildSelection(this.descriptor, params, this.fieldLabels);
    // A continue token makes any list a paginated list of the prefix, as kube-apiserver's predicate
    // says (MatchesSingle): only a first read of one name is a read of one key.
    const singleKey = (params.continue ?? '') === '' ? this.singleKey(ctx, sel) : undefined;
    const result = await this.guard('', () =>
      this.storage.list(this.prefix(ctx.namespace), {
        ...(params.resourceVersion !== undefined && { resourceVersion: params.resourceVersion }),
        ...(params.resourceVersionMatch !== undefined && { resourceVersionMatch: params.resourceVersionMatch as 'Exact' }),
        ...(params.limit !== undefined && { limit: params.limit }),
        ...(params.continue !== undefined && { continue: params.continue }),
        ...(singleKey !== undefined && { singleKey }),
        predicate: sel.predicate,
      }),
    );
    const metadata: KubeList['metadata'] = { resourceVersion: result.resourceVersion };
    if (result.continue) metadata.continue = result.continue;
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
    return {
      apiVersion: apiVersionOf(this.descriptor),
      kind: this.descriptor.listKind,
      metadata,
      items: result.items.map((o) => this.typed(o)),
    };
  }

  /**
   * A watch. Its options are validated as a watch's when `params.watch` is set, as a list's otherwise
   * (a watch through the `/watch/` path prefix, as kube-apiserver validates it).
   */
  watch(ctx: RequestContext, params: ListParams): Watch {
    const sel = buildSelection(this.descriptor, params, this.fieldLabels);
    const singleKey = this.singleKey(ctx, sel);
    try {
      return this.storage.watch(this.prefix(ctx.namespace), {
        ...(params.resourceVersion !== undefined && { resourceVersion: params.resourceVersion }),
        ...(params.allowWatchBookmarks !== undefined && { allowBookmarks: params.allowWatchBookmarks }),
        ...(params.sendInitialEvents !== undefined && { sendInitialEvents: params.sendInitialEvents }),
        ...(singleKey !== undefined && { singleKey }),
        predicate: sel.predicate,
      });
    } catch (e: unknown) {
      throw toStatusError(e, this.gr, '');
    }
  }

  /**
   * Creates `obj` (namespace already set from the URL), which it prepares in place: the caller hands
   * it over. Retries generateName collisions.
   */
  async create(ctx: RequestContext, obj: KubeObject, hooks: AdmissionHooks = {}, strategy = this.descriptor.strategy): Promise<KubeObject> {
    strategy.decode?.(obj);
    await hooks.mutate?.(obj, undefined);
    const generated = (obj.metadata.name ?? '') === '' && obj.metadata.generateName !== undefined;
    for (let attempt = 1; ; attempt++) {
      // Only a generated name may need another attempt, from the object as it was before this one.
      const candidate = generated ? structuredClone(obj) : obj;
      const sentVersion = candidate.metadata.resourceVersion;
      beforeCreate(this.descriptor, strategy, candidate, ctx);
      await hooks.validate?.(candidate, undefined);
      const versionError = ctx.dryRun ? undefined : createdResourceVersionError(sentVersion);
      if (versionError !== undefined) throw versionError;
      const name = candidate.metadata.name ?? '';
      try {
        const key = this.key(ctx.namespace, name);
        const created = this.typed(await this.storage.create(key, candidate, { dryRun: ctx.dryRun }));
        // A dry run answers the object as sent through the storage codec (kube-apiserver's
        // DryRunnableStorage): a resourceVersion the client set is kept, as nothing stored it.
        if (ctx.dryRun && sentVersion !== undefined && sentVersion !== '') created.metadata.resourceVersion = sentVersion;
        return created;
      } catch (e: unknown) {
        if (generated && e instanceof KeyExistsError) {
          if (attempt < MAX_GENERATE_NAME_ATTEMPTS) continue;
          throw generateNameConflict(this.gr, name, 1);
        }
        const err = toStatusError(e, this.gr, name);
        if (e instanceof KeyExistsError && (await this.beingDeleted(ctx, name))) err.status.message = `object is being deleted: ${err.status.message ?? ''}`;
        throw err;
      }
    }
  }

  /** Whether `name` exists with a deletionTimestamp (what a create that found it is told). */
  private async beingDeleted(ctx: RequestContext, name: string): Promise<boolean> {
    try {
      return (await this.storage.get(this.key(ctx.namespace, name))).metadata.deletionTimestamp !== undefined;
    } catch {
      return false;
    }
  }

  /**
   * Updates `name` with the object `updated` computes from the current one, inside the optimistic
   * concurrency loop. Creates the object when the strategy allows create-on-update (or `forceCreate`).
   * `preconditions` are checked against the stored object first (409 when they fail).
   */
  async update(
    ctx: RequestContext,
    name: string,
    updated: UpdatedObjectFunc,
    hooks: AdmissionHooks = {},
    opts: { strategy?: Strategy; forceCreate?: boolean; preconditions?: Preconditions } = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    const strategy = opts.strategy ?? this.descriptor.strategy;
    const allowCreate = opts.forceCreate === true || strategy.allowCreateOnUpdate;
    const key = this.key(ctx.namespace, name);
    const write = { created: false };
    for (;;) {
      const outcome = await this.guard(name, () =>
        this.storage
          .guaranteedUpdate(key, this.updateFunc(ctx, name, updated, hooks, strategy, allowCreate, write), {
            allowCreate,
            dryRun: ctx.dryRun,
            ...(opts.preconditions !== undefined && { preconditions: opts.preconditions }),
          })
          .catch((e: unknown) => {
            if (e instanceof Released) return e;
            throw e;
          }),
      );
      if (!(outcome instanceof Released)) return { object: this.typed(outcome), created: write.created };
      if (await this.deleteReleased(ctx, name, outcome.current)) return { object: this.typed(outcome.obj), created: false };
    }
  }

  /**
   * One try of an update: the new object from `updated`, admitted and prepared for storage; sets
   * `write.created` when it creates. Throws {@link Released} instead of returning an object whose last
   * finalizer is gone while it is being deleted.
   */
  private updateFunc(ctx: RequestContext, name: string, updated: UpdatedObjectFunc, hooks: AdmissionHooks, strategy: Strategy, allowCreate: boolean, write: { created: boolean }) {
    return async (current: KubeObject | undefined): Promise<KubeObject> => {
      if (current === undefined && !allowCreate) throw notFound(this.gr, name);
      const obj = await updated(current === undefined ? undefined : this.typed(current));
      this.checkIdentity(ctx, obj, name);
      const versionError = updatedResourceVersionError(obj.metadata.resourceVersion);
      if (versionError !== undefined) throw versionError;
      strategy.decode?.(obj);
      // Admission, preparation and validation see the stored object decoded, once, as upstream does.
      const stored = current === undefined ? undefined : (strategy.decodeStored?.(current) ?? current);
      await hooks.mutate?.(obj, stored);
      write.created = stored === undefined;
      if (stored === undefined) {
        beforeCreate(this.descriptor, strategy, obj, ctx);
      } else {
        const stale = updateVersionError(this.descriptor, strategy, obj, stored);
        if (stale !== undefined) throw stale;
        beforeUpdate(this.descriptor, strategy, obj, stored, ctx);
      }
      await hooks.validate?.(obj, stored);
      if (current !== undefined && releasesDeletion(obj, current)) throw new Released(obj, current);
      if (current !== undefined) ignoreManagedFieldsTimestamps(this.typed(current), obj);
      return obj;
    };
  }

  /**
   * Deletes an object whose update removed its last finalizer while it was being deleted, instead of
   * writing the update (as kube-apiserver does: watchers see the deletion only). The delete is bound
   * to the version the update read; false when that version has changed since (the update is then
   * tried again on the newer one). An object already gone counts as deleted.
   */
  private async deleteReleased(ctx: RequestContext, name: string, current: KubeObject): Promise<boolean> {
    const rv = current.metadata.resourceVersion;
    try {
      await this.storage.delete(this.key(ctx.namespace, name), {
        ...(rv !== undefined && { preconditions: { resourceVersion: rv } }),
        dryRun: ctx.dryRun,
        cachedExisting: current,
      });
      return true;
    } catch (e: unknown) {
      if (e instanceof KeyNotFoundError) return true;
      if (e instanceof PreconditionError) return false;
      throw toStatusError(e, this.gr, name);
    }
  }

  private checkIdentity(ctx: RequestContext, obj: KubeObject, name: string): void {
    const m = obj.metadata;
    if ((m.name ?? '') === '') m.name = name;
    if (m.name !== name) {
      throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${name})`);
    }
    if (this.descriptor.namespaced) {
      if ((m.namespace ?? '') === '') m.namespace = ctx.namespace;
      if (m.namespace !== ctx.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
    }
  }

  /**
   * A finalizer a deletion adds to an object that must not go yet (what a controller's finalizer
   * does where no controller runs), or undefined. Set by the server for the kinds that need it.
   */
  deletionHold?: (obj: KubeObject) => Promise<string | undefined>;

  /**
   * Deletes `name`. With finalizers present (or added by the propagation policy on kinds with garbage
   * collection, or by {@link deletionHold}) the object is only marked with a deletionTimestamp.
   */
  async delete(ctx: RequestContext, name: string, params: DeleteParams, hooks: AdmissionHooks = {}): Promise<DeleteResult> {
    const key = this.key(ctx.namespace, name);
    const current = this.typed(await this.guard(name, () => this.storage.get(key)));
    this.checkDeletePreconditions(current, params.preconditions);
    await hooks.validate?.(current, current);
    const added = [this.gcFinalizer(params), await this.deletionHold?.(current)].filter((f): f is string => f !== undefined);
    // The object just read (or just marked) is the delete's guess of the stored one: no second read.
    let latest = current;
    if ((current.metadata.finalizers ?? []).length > 0 || added.length > 0) {
      const { object } = await this.markDeleted(ctx, name, params, added);
      if (object.metadata.deletionTimestamp !== undefined && (object.metadata.finalizers ?? []).length > 0) {
        return { object, deleted: false };
      }
      latest = object;
    }
    const deleted = await this.guard(name, () =>
      this.storage.delete(key, {
        ...(params.preconditions !== undefined && { preconditions: params.preconditions }),
        dryRun: ctx.dryRun,
        cachedExisting: latest,
      }),
    );
    return { object: this.typed(deleted), deleted: true };
  }

  /** Kubernetes' BeforeDelete check of the preconditions against the object read, with its words (409). */
  private checkDeletePreconditions(current: KubeObject, pre: Preconditions | undefined): void {
    const kind = { group: this.descriptor.group, resource: this.descriptor.kind };
    const name = current.metadata.name ?? '';
    const uid = current.metadata.uid ?? '';
    if (pre?.uid !== undefined && pre.uid !== uid) {
      throw conflict(kind, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`);
    }
    const rv = current.metadata.resourceVersion ?? '';
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== rv) {
      throw conflict(kind, name, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${rv}). The object might have been modified`);
    }
  }

  private gcFinalizer(params: DeleteParams): string | undefined {
    if (!this.descriptor.garbageCollection) return undefined;
    if (params.propagationPolicy === 'Foreground') return 'foregroundDeletion';
    if (params.propagationPolicy === 'Orphan') return 'orphan';
    return undefined;
  }

  private async markDeleted(ctx: RequestContext, name: string, params: DeleteParams, added: readonly string[]) {
    return this.guard(name, async () => {
      const key = this.key(ctx.namespace, name);
      const object = await this.storage.guaranteedUpdate(
        key,
        async (current) => {
          if (current === undefined) throw notFound(this.gr, name);
          const obj = structuredClone(current);
          const m = obj.metadata;
          for (const f of added) if (!(m.finalizers ?? []).includes(f)) m.finalizers = [...(m.finalizers ?? []), f];
          if (m.deletionTimestamp === undefined) {
            m.deletionTimestamp = now();
            m.deletionGracePeriodSeconds = 0;
            // As Kubernetes' markAsDeleting: a generation in use moves on.
            if ((m.generation ?? 0) > 0) m.generation = (m.generation ?? 0) + 1;
          }
          delete m.resourceVersion;
          return obj;
        },
        { dryRun: ctx.dryRun, ...(params.preconditions !== undefined && { preconditions: params.preconditions }) },
      );
      return { object: this.typed(object) };
    });
  }

  /**
   * Deletes every object the selectors match; returns the list of what was deleted or marked.
   * `onProgress(done, total)` is called after each object (long collections report progress).
   */
  async deleteCollection(
    ctx: RequestContext,
    params: ListParams,
    del: DeleteParams,
    hooks: AdmissionHooks = {},
    onProgress?: (done: number, total: number) => void,
  ): Promise<KubeList> {
    await hooks.validateCollection?.(async () => (await this.list(ctx, {})).items);
    // As Kubernetes: one list (a page when `limit` is given, with its continue token), each item
    // deleted, and the list answered as it was read.
    const list = await this.list(ctx, params);
    for (const [i, item] of list.items.entries()) {
      onProgress?.(i, list.items.length);
      const name = item.metadata.name ?? '';
      const itemCtx = { ...ctx, namespace: item.metadata.namespace ?? ctx.namespace };
      try {
        await this.delete(itemCtx, name, del, hooks);
      } catch (e: unknown) {
        if (!(isStatusError(e) && e.code === 404)) throw e;
      }
    }
    onProgress?.(list.items.length, list.items.length);
    return list;
  }

  /** Number of stored objects of this resource (all namespaces). */
  async count(): Promise<number> {
    return this.guard('', () => this.storage.count(this.root));
  }

  /** Status returned for an immediate delete of a kind that does not return the deleted object. */
  deletedStatus(obj: KubeObject): Omit<Status, 'code'> {
    const details: Status['details'] = { name: obj.metadata.name ?? '', group: this.descriptor.group, kind: this.descriptor.resource };
    if (obj.metadata.uid !== undefined) details.uid = obj.metadata.uid;
    return successStatus(details);
  }
}
