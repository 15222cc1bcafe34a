/**
 * `kubectl get shoots` columns, as gardener-apiserver prints them: Name, CloudProfile, Provider, Region,
 * K8S Version, Hibernation, Last Operation, Status, Age, and with `-o wide` also Seed, Purpose, Gardener
 * Version and the health conditions. Status is the `shoot.gardener.cloud/status` label the care
 * controller maintains.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { field, nested, text } from '../encryptionconfig/types.js';
import { translateTimestampSince } from '../internalsecret/table.js';
import type { TableColumn, TableConvertor } from '../types.js';
import { hibernationEnabled, lastOperationOf } from './types.js';

/** Label with the Shoot's overall health (healthy, progressing, unhealthy, unknown). */
export const SHOOT_STATUS_LABEL = 'shoot.gardener.cloud/status';

const col = (name: string, description: string, priority = 0, type: TableColumn['type'] = 'string'): TableColumn => ({
  name,
  type,
  format: type === 'date' ? '' : 'name',
  description,
  priority,
});

const COLUMNS: TableColumn[] = [
  col('Name', 'Name of the Shoot, unique within its project namespace.'),
  col('CloudProfile', 'Cloud profile of the Shoot; namespace/name for a NamespacedCloudProfile.'),
  col('Provider', 'Infrastructure provider type.'),
  col('Region', 'Provider region.'),
  col('Seed', 'Seed that runs the control plane.', 1),
  col('K8S Version', 'Kubernetes version.'),
  col('Hibernation', 'Hibernated, Hibernating, Waking Up or Awake.'),
  col('Last Operation', 'Type, state and progress of the last operation.'),
  col('Status', 'Overall health as reported by Gardener.'),
  col('Purpose', 'Purpose of the cluster.', 1),
  col('Gardener Version', 'Version of the Gardener that last acted on the Shoot.', 1),
  col('APIServer', 'Status of the APIServerAvailable condition.', 1),
  col('Control', 'Status of the ControlPlaneHealthy condition.', 1),
  col('Observability', 'Status of the ObservabilityComponentsHealthy condition.', 1),
  col('Nodes', 'Status of the EveryNodeReady condition.', 1),
  col('System', 'Status of the SystemComponentsHealthy condition.', 1),
  col('Age', 'Time since the Shoot was created.', 0, 'date'),
];

/** The cloud profile cell: the reference (kind CloudProfile when not given), or the deprecated name. */
export function cloudProfileCell(shoot: KubeObject): string {
  const ref = nested(shoot, 'spec', 'cloudProfile');
  const name = text(ref, 'name') ?? '';
  if (ref !== undefined && name !== '') {
    const kind = text(ref, 'kind') || 'CloudProfile';
    if (kind === 'CloudProfile') return name;
    return kind === 'NamespacedCloudProfile' ? `${shoot.metadata.namespace ?? ''}/${name}` : '';
  }
  return text(field(shoot, 'spec'), 'cloudProfileName') ?? '';
}

/** Hibernation state from the desired (spec) and the observed (status) state. */
export function hibernationCell(shoot: KubeObject): string {
  const spec = hibernationEnabled(shoot);
  const status = field(shoot, 'status')?.hibernated === true;
  if (spec) return status ? 'Hibernated' : 'Hibernating';
  return status ? 'Waking Up' : 'Awake';
}

/** `<type> <state> (<progress>%)`, or `<pending>` before the first operation. */
export function lastOperationCell(shoot: KubeObject): string {
  const op = lastOperationOf(shoot);
  if (op === undefined) return '<pending>';
  const progress = typeof op.progress === 'number' ? op.progress : 0;
  return `${op.type ?? ''} ${op.state ?? ''} (${progress}%)`;
}

function conditionCell(shoot: KubeObject, type: string): string {
  const conditions = field(shoot, 'status')?.conditions;
  if (!Array.isArray(conditions)) return '<unknown>';
  const c: unknown = conditions.find((x: unknown) => text(x, 'type') === type);
  return c === undefined ? '<unknown>' : (text(c, 'status') ?? '');
}

/** The table convertor; `now` is injectable for tests. */
export function shootTableConvertor(now: () => number = Date.now): TableConvertor {
  return {
    columns: COLUMNS,
    cells(shoot: KubeObject): unknown[] {
      const spec = field(shoot, 'spec');
      const gardenerVersion = text(nested(shoot, 'status', 'gardener'), 'version') ?? '';
      return [
        shoot.metadata.name ?? '',
        cloudProfileCell(shoot),
        text(field(spec, 'provider'), 'type') ?? '',
        text(spec, 'region') ?? '',
        text(spec, 'seedName') ?? '<none>',
        text(field(spec, 'kubernetes'), 'version') ?? '',
        hibernationCell(shoot),
        lastOperationCell(shoot),
        shoot.metadata.labels?.[SHOOT_STATUS_LABEL] ?? '<pending>',
        text(spec, 'purpose') ?? '<none>',
        gardenerVersion === '' ? '<unknown>' : gardenerVersion,
        ...['APIServerAvailable', 'ControlPlaneHealthy', 'ObservabilityComponentsHealthy', 'EveryNodeReady', 'SystemComponentsHealthy'].map((t) =>
          conditionCell(shoot, t),
        ),
        translateTimestampSince(shoot.metadata.creationTimestamp, now()),
      ];
    },
  };
}

/** The convertor the descriptor uses. */
export const shootTable: TableConvertor = shootTableConvertor();
