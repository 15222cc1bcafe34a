/**
 * Schemas (core.gardener.cloud/v1beta1): ShootStatus and the status types shared with other kinds (conditions,
 * last operation and errors). Field names and types follow the upstream API; the descriptions are our own.
 */
import { ref, type Definitions } from '../../../openapi/schema.js';
import { bool, core, int32, int64, list, mergeKey, obj, refTo, str, strList, time } from './helpers.js';

/** Definitions of this area, keyed by upstream definition name. */
export const statusDefinitions: Definitions = {
  [core('ShootStatus')]: obj(
    'Observed state of a Shoot cluster.',
    {
      conditions: list(ref(core('Condition')), 'Current observations about the health of the cluster.', mergeKey('type')),
      constraints: list(ref(core('Condition')), 'Conditions that restrict some operations on the cluster.', mergeKey('type')),
      gardener: refTo(core('Gardener'), 'The Gardener instance that last acted on the cluster.'),
      hibernated: bool('Whether the cluster is hibernated right now.'),
      lastOperation: refTo(core('LastOperation'), 'The last operation and its progress.'),
      lastErrors: list(ref(core('LastError')), 'Errors of the last operation.'),
      observedGeneration: int64('Latest metadata.generation the controller has acted on.'),
      retryCycleStartTime: time('When the current retry cycle started.'),
      seedName: str(
        'Seed that runs the control plane, written after a successful operation; differs from spec.seedName during a migration.',
      ),
      technicalID: str(
        'Technical identifier used for infrastructure resources and the control plane namespace on the seed. Cannot be changed.',
      ),
      uid: str('Unique identifier of the cluster, used to compute hashes. Cannot be changed.'),
      clusterIdentity: str('Identity of the cluster. Cannot be changed.'),
      advertisedAddresses: list(
        ref(core('ShootAdvertisedAddress')),
        "Addresses of the cluster's API server and service account issuer.",
        mergeKey('name'),
      ),
      migrationStartTime: time('When a migration to another seed began.'),
      credentials: refTo(core('ShootCredentials'), "State of the cluster's credentials."),
      lastHibernationTriggerTime: time('When the hibernation schedule last changed the hibernation state.'),
      lastMaintenance: refTo(core('LastMaintenance'), 'Outcome of the last maintenance run.'),
      networking: refTo(core('NetworkingStatus'), 'IP ranges in use.'),
      inPlaceUpdates: refTo(core('InPlaceUpdatesStatus'), 'State of in-place updates of worker pools.'),
      manualWorkerPoolRollout: refTo(core('ManualWorkerPoolRollout'), 'Progress of user-requested worker pool rollouts.'),
      liveMigration: refTo(core('LiveMigration'), 'Progress of a live control plane migration.'),
    },
    ['gardener', 'hibernated', 'technicalID', 'uid'],
  ),
  [core('Condition')]: obj(
    'One observation about the state of an object.',
    {
      type: str('Kind of observation, e.g. APIServerAvailable or EveryNodeReady.'),
      status: str('Result of the observation: True, False, Unknown or Progressing.'),
      lastTransitionTime: time('When status last changed.'),
      lastUpdateTime: time('When the condition was last written.'),
      reason: str('Short machine-readable cause of the last transition.'),
      message: str('Human-readable details of the last transition.'),
      codes: list({ type: 'string' }, 'Well-known error codes that classify a reported problem.'),
    },
    ['type', 'status', 'lastTransitionTime', 'lastUpdateTime', 'reason', 'message'],
  ),
  [core('LastOperation')]: obj(
    'The last operation on an object and its progress.',
    {
      description: str('Human-readable details of the operation.'),
      lastUpdateTime: time('When the state last changed.'),
      progress: int32('Progress in percent (0 to 100).'),
      state: str('State: Aborted, Processing, Succeeded, Error, Failed or Pending.'),
      type: str('Kind of operation: Create, Reconcile, Delete, Migrate or Restore.'),
    },
    ['description', 'lastUpdateTime', 'progress', 'state', 'type'],
  ),
  [core('LastError')]: obj(
    'An error reported by the last operation.',
    {
      description: str('Human-readable description of the error.'),
      taskID: str('Identifier of the task that failed.'),
      codes: list({ type: 'string' }, 'Well-known codes that classify the error.'),
      lastUpdateTime: time('When the error was last reported.'),
    },
    ['description'],
  ),
  [core('Gardener')]: obj(
    'Identifies the Gardener instance that last acted on an object.',
    {
      id: str('Container ID of that Gardener.'),
      name: str('Host (pod) name of that Gardener.'),
      version: str('Version of that Gardener.'),
    },
    ['id', 'name', 'version'],
  ),
  [core('LastMaintenance')]: obj(
    'Outcome of the last maintenance run.',
    {
      description: str('What the maintenance changed.'),
      triggeredTime: time('When the maintenance was triggered.'),
      state: str('Outcome: Processing, Succeeded or Error.'),
      failureReason: str('Why the maintenance failed.'),
    },
    ['description', 'triggeredTime', 'state'],
  ),
  [core('ShootAdvertisedAddress')]: obj(
    "An address under which the cluster's API server can be reached.",
    {
      name: str('Name of the address, e.g. external, internal or service-account-issuer.'),
      url: str('URL of the address, e.g. https://api.example.com.'),
      application: str('Application the address belongs to, for UI clients.'),
    },
    ['name', 'url'],
  ),
  [core('NetworkingStatus')]: obj(
    'The IP ranges the cluster actually uses.',
    {
      pods: strList('IP ranges of pods.'),
      nodes: strList('IP ranges of nodes.'),
      services: strList('IP ranges of services.'),
      egressCIDRs: strList('IP ranges that outgoing traffic of the cluster comes from, when the infrastructure reports them.'),
    },
  ),
  [core('InPlaceUpdatesStatus')]: obj(
    'State of in-place updates of the worker pools.',
    {
      pendingWorkerUpdates: refTo(core('PendingWorkerUpdates'), 'Worker pools that still wait for an in-place update.'),
    },
  ),
  [core('PendingWorkerUpdates')]: obj(
    'Worker pools waiting for an in-place update.',
    {
      autoInPlaceUpdate: strList('Pools with update strategy AutoInPlaceUpdate.'),
      manualInPlaceUpdate: strList('Pools with update strategy ManualInPlaceUpdate.'),
    },
  ),
  [core('ManualWorkerPoolRollout')]: obj(
    'Progress of worker pool rollouts requested by the user.',
    {
      pendingWorkersRollouts: list(ref(core('PendingWorkersRollout')), 'Worker pools whose rollout has not finished.'),
    },
  ),
  [core('LiveMigration')]: obj(
    'Progress of a live migration of the control plane to another seed.',
    {
      conditions: list(ref(core('Condition')), 'One condition per migration step.', mergeKey('type')),
    },
  ),
};
