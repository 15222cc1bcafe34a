/**
 * What gardener-controller-manager's project controller does about a deleted Project's namespace, for
 * standalone mode where no controller runs: a Project is not gone while Shoots remain in its namespace
 * (upstream keeps its `gardener` finalizer: "Cannot release namespace ... still contains Shoots"), so
 * the namespace stays claimed and its Shoots' kubeconfigs stay out of reach of a new Project that
 * would claim the same namespace. The deletion marks the Project with a deletionTimestamp and the
 * `gardener` finalizer; when its namespace's last Shoot is gone (or at the next look, every 30 s), the
 * finalizer is removed and the Project with it.
 */
import { isStatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { projectNamespace } from '../../registry/project/types.js';
import type { ResourceStore } from '../../registry/generic/store.js';
import type { RequestContext } from '../../registry/types.js';

/** The finalizer upstream's project controller keeps on a Project. */
export const PROJECT_FINALIZER = 'gardener';

/** How often held Projects are looked at again (see {@link ProjectRelease.start}). */
const SWEEP_INTERVAL_MS = 30_000;

/** Holds and releases Project deletions. */
export class ProjectRelease {
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly projects: ResourceStore,
    private readonly shoots: ResourceStore,
    private readonly ctx: RequestContext,
    private readonly onError: (err: Error) => void,
  ) {
    projects.deletionHold = async (project) => ((await this.hasShoots(projectNamespace(project))) ? PROJECT_FINALIZER : undefined);
  }

  private async hasShoots(namespace: string | undefined): Promise<boolean> {
    if (namespace === undefined || namespace === '') return false;
    const list = await this.shoots.list({ ...this.ctx, namespace }, { limit: 1 });
    return list.items.length > 0;
  }

  /** A Shoot in `namespace` is gone: its Project may go too. Errors go to `onError`. */
  shootDeleted(namespace: string): void {
    void this.releaseIn(namespace).catch((e: unknown) => {
      // Released by another write meanwhile.
      if (isStatusError(e) && e.code === 404) return;
      this.onError(e instanceof Error ? e : new Error(String(e)));
    });
  }

  /**
   * Releases held Projects now and every `intervalMs` after: a Shoot deleted while the server was down,
   * or through another replica while this one was placing the hold (each saw the other's change too
   * late), leaves a Project held until the next look, as upstream's controller looks again.
   */
  start(intervalMs = SWEEP_INTERVAL_MS): void {
    const run = () => void this.releaseAll().catch((e: unknown) => this.onError(e instanceof Error ? e : new Error(String(e))));
    run();
    this.sweep = setInterval(run, intervalMs);
    this.sweep.unref();
  }

  stop(): void {
    clearInterval(this.sweep);
  }

  /** Releases every held Project whose namespace is empty (at start, for Shoots deleted meanwhile). */
  async releaseAll(): Promise<void> {
    const list = await this.projects.list({ ...this.ctx, namespace: '' }, {});
    for (const p of list.items) if (held(p)) await this.release(p);
  }

  private async releaseIn(namespace: string): Promise<void> {
    const list = await this.projects.list({ ...this.ctx, namespace: '' }, {});
    const project = list.items.find((p) => projectNamespace(p) === namespace);
    if (project !== undefined && held(project)) await this.release(project);
  }

  private async release(project: KubeObject): Promise<void> {
    if (await this.hasShoots(projectNamespace(project))) return;
    const name = project.metadata.name ?? '';
    await this.projects.update({ ...this.ctx, namespace: '' }, name, async (current) => {
      if (current === undefined) throw new Error(`project ${name} is gone`);
      const next = structuredClone(current);
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== PROJECT_FINALIZER);
      return next;
    });
  }
}

function held(project: KubeObject): boolean {
  return project.metadata.deletionTimestamp !== undefined && (project.metadata.finalizers ?? []).includes(PROJECT_FINALIZER);
}
