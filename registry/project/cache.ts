/**
 * The server's in-memory view of its Projects, for the requests that need them on every call:
 * authorization of project members, the project check of Shoot creation, and the namespaces served in
 * standalone mode. It is kept current by a list and a watch of the Project store and, so that a change
 * takes effect before its writer hears back, by the writes of this server itself ({@link observe} and
 * {@link observeDeleted}, see storage/observed.ts). Each name remembers the newest resourceVersion seen,
 * deletions included, so an older event never undoes a newer write.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { internalError } from '../../apimachinery/errors.js';
import { Reflector, type ReflectorOptions, type ReflectorSource } from '../generic/reflector.js';
import { projectNamespace } from './types.js';

interface Entry {
  resourceVersion: bigint;
  /** Undefined for a deleted Project (kept to order later events). */
  project: KubeObject | undefined;
}

function rvOf(obj: KubeObject): bigint {
  const rv = obj.metadata.resourceVersion ?? '';
  return /^\d+$/.test(rv) ? BigInt(rv) : 0n;
}

/** Projects by name, with a revision counter for caches derived from them. */
export class ProjectCache {
  private entries = new Map<string, Entry>();
  private readonly reflector: Reflector;
  private revision = 0;

  constructor(source: ReflectorSource, opts: ReflectorOptions = {}) {
    this.reflector = new Reflector(
      source,
      {
        replace: (items, rv) => this.replace(items, /^\d+$/.test(rv) ? BigInt(rv) : 0n),
        apply: (type, obj) => this.put(obj, type === 'DELETED'),
      },
      opts,
    );
  }

  /** Starts the list+watch loop (idempotent); resolves after the initial list. */
  start(): Promise<void> {
    return this.reflector.start();
  }

  /** Ends the loop. */
  stop(): void {
    this.reflector.stop();
  }

  /** Whether the first list has been loaded. */
  get hasSynced(): boolean {
    return this.reflector.hasSynced;
  }

  /** Changes whenever a Project is added, changed or removed. */
  get generation(): number {
    return this.revision;
  }

  /** A Project stored by this server. */
  observe(project: KubeObject): void {
    this.put(project, false);
  }

  /** A Project deleted by this server (with the resourceVersion of the delete). */
  observeDeleted(project: KubeObject): void {
    this.put(project, true);
  }

  /** The Project `name`, or undefined. Waits for the first list (500 after 30 s). */
  async get(name: string): Promise<KubeObject | undefined> {
    await this.synced();
    return this.entries.get(name)?.project;
  }

  /** The Project whose `spec.namespace` is `namespace`, or undefined. */
  async forNamespace(namespace: string): Promise<KubeObject | undefined> {
    return (await this.list()).find((p) => projectNamespace(p) === namespace);
  }

  /** Every Project, by name. */
  async list(): Promise<KubeObject[]> {
    await this.synced();
    const out: KubeObject[] = [];
    for (const [, e] of [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (e.project !== undefined) out.push(e.project);
    return out;
  }

  private synced(): Promise<void> {
    return this.reflector.waitForSync(30_000, () => internalError('the Project cache has not synced yet'));
  }

  private put(obj: KubeObject, deleted: boolean): void {
    const name = obj.metadata.name ?? '';
    const rv = rvOf(obj);
    const known = this.entries.get(name);
    if (known !== undefined) {
      const same = known.resourceVersion === rv && (known.project === undefined) === deleted;
      if (known.resourceVersion > rv || same) return;
    }
    this.entries.set(name, { resourceVersion: rv, project: deleted ? undefined : obj });
    this.revision++;
  }

  /** A full list at `listRv`; entries this server wrote after it stay. */
  private replace(items: readonly KubeObject[], listRv: bigint): void {
    const next = new Map<string, Entry>();
    for (const obj of items) next.set(obj.metadata.name ?? '', { resourceVersion: rvOf(obj), project: obj });
    for (const [name, e] of this.entries) {
      const listed = next.get(name);
      if (e.resourceVersion > listRv && (listed === undefined || e.resourceVersion > listed.resourceVersion)) next.set(name, e);
    }
    this.entries = next;
    this.revision++;
  }
}
