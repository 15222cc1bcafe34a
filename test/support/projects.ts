/**
 * Projects for tests that create Shoots: a Shoot is admitted only in the namespace of a Project (as
 * Gardener's ShootValidator does), so such tests create the Project of their namespace first.
 */
import type { KubeObject } from '../../apimachinery/types.js';

export const PROJECTS_PATH = '/apis/core.gardener.cloud/v1beta1/projects';

/** The Project owning `namespace` (`garden-<name>` belongs to `<name>`, `garden` to `garden`). */
export function projectFor(namespace: string, spec: Record<string, unknown> = {}): KubeObject {
  const name = namespace === 'garden' ? 'garden' : namespace.replace(/^garden-/, '');
  return { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Project', metadata: { name }, spec: { namespace, ...spec } };
}
