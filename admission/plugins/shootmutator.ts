/**
 * ShootMutator, the parts that need no CloudProfile or Seed (gardener-apiserver's plugin at b312835d17
 * also defaults Kubernetes versions, machine images and networks from those, which this server does
 * not hold): a created Shoot is annotated `gardener.cloud/created-by: <user>` (the dashboard's "Created
 * By"), and `shoot.gardener.cloud/tasks` gets the tasks gardenlet's next reconciliation must run —
 * the infrastructure and the three DNS records on create and on waking up; the infrastructure when its
 * configuration changes, IP families are added, SSH access is switched, or an SSH key or credentials
 * rotation starts; the DNS records when `spec.dns` changes. A spec change of a failed Shoot that confines
 * its updates to the maintenance window is marked `maintenance.shoot.gardener.cloud/needs-retry-operation`.
 * Every write of a Shoot (main resource, binding, status), as upstream's plugin acts on the kind.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../apimachinery/types.js';
import { isPlainObject } from '../../apimachinery/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';

export const SHOOT_MUTATOR = 'ShootMutator';

const CREATED_BY = 'gardener.cloud/created-by';
const TASKS = 'shoot.gardener.cloud/tasks';
const NEEDS_RETRY = 'maintenance.shoot.gardener.cloud/needs-retry-operation';
const DEPLOY_INFRASTRUCTURE = 'deployInfrastructure';
const DNS_TASKS = ['deployDNSRecordInternal', 'deployDNSRecordExternal', 'deployDNSRecordIngress'];
/** Operations after which the infrastructure is deployed again. */
const INFRASTRUCTURE_OPERATIONS = new Set(['rotate-ssh-keypair', 'rotate-credentials-start', 'rotate-credentials-start-without-workers-rollout']);

function annotations(shoot: KubeObject): Record<string, string> {
  shoot.metadata.annotations ??= {};
  return shoot.metadata.annotations;
}

/** Adds tasks to the comma-separated list, each once, in order. */
function addTasks(shoot: KubeObject, ...tasks: string[]): void {
  const a = annotations(shoot);
  const list = (a[TASKS] ?? '') === '' ? [] : (a[TASKS] ?? '').split(',');
  for (const t of tasks) if (!list.includes(t)) list.push(t);
  a[TASKS] = list.join(',');
}

const spec = (shoot: KubeObject): Record<string, unknown> => (isPlainObject(shoot.spec) ? shoot.spec : {});
const at = (obj: Record<string, unknown>, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), obj);
const hibernated = (shoot: KubeObject): boolean => at(spec(shoot), 'hibernation', 'enabled') === true;

function operationsOf(shoot: KubeObject): string[] {
  return (shoot.metadata.annotations?.['gardener.cloud/operation'] ?? '').split(';').map((o) => o.trim());
}

/** What an update of `old` to `shoot` asks gardenlet to deploy again. */
function updateTasks(shoot: KubeObject, old: KubeObject): void {
  const now = spec(shoot);
  const before = spec(old);
  if (hibernated(old) && !hibernated(shoot)) addTasks(shoot, DEPLOY_INFRASTRUCTURE, ...DNS_TASKS);
  const families = (s: Record<string, unknown>): unknown => at(s, 'networking', 'ipFamilies');
  const oldFamilies = families(before);
  const newFamilies = families(now);
  const familyAdded = Array.isArray(oldFamilies) && Array.isArray(newFamilies) && oldFamilies.length < newFamilies.length;
  if (!isDeepStrictEqual(at(before, 'provider', 'infrastructureConfig'), at(now, 'provider', 'infrastructureConfig')) || familyAdded) {
    addTasks(shoot, DEPLOY_INFRASTRUCTURE);
  }
  const ssh = (s: Record<string, unknown>): unknown => at(s, 'provider', 'workersSettings', 'sshAccess');
  if (isPlainObject(ssh(before)) && at(before, 'provider', 'workersSettings', 'sshAccess', 'enabled') !== at(now, 'provider', 'workersSettings', 'sshAccess', 'enabled')) {
    addTasks(shoot, DEPLOY_INFRASTRUCTURE);
  }
  if (!isDeepStrictEqual(before.dns, now.dns)) addTasks(shoot, ...DNS_TASKS);
  if (operationsOf(shoot).some((op) => INFRASTRUCTURE_OPERATIONS.has(op))) addTasks(shoot, DEPLOY_INFRASTRUCTURE);
  const lastOperation = isPlainObject(shoot.status) ? shoot.status.lastOperation : undefined;
  const failed = isPlainObject(lastOperation) && lastOperation.state === 'Failed';
  if (at(now, 'maintenance', 'confineSpecUpdateRollout') === true && failed && !isDeepStrictEqual(before, now)) annotations(shoot)[NEEDS_RETRY] = 'true';
}

function isShootWrite(attrs: AdmissionAttributes): boolean {
  // Writes of the Shoot kind: not the kubeconfig requests, which are other kinds.
  return attrs.resource.group === 'core.gardener.cloud' && attrs.resource.resource === 'shoots' && ['', 'binding', 'status'].includes(attrs.subresource);
}

/** The plugin. */
export function shootMutator(): AdmissionPlugin {
  return {
    name: SHOOT_MUTATOR,
    operations: ['CREATE', 'UPDATE'],
    async admit(attrs) {
      const shoot = attrs.object;
      if (!isShootWrite(attrs) || shoot === undefined) return;
      if (attrs.operation === 'CREATE') {
        annotations(shoot)[CREATED_BY] = attrs.user.name;
        addTasks(shoot, DEPLOY_INFRASTRUCTURE, ...DNS_TASKS);
        return;
      }
      // The stored Shoot as the store decoded it, comparable with the decoded request.
      if (attrs.oldObject !== undefined) updateTasks(shoot, attrs.oldObject);
    },
  };
}
