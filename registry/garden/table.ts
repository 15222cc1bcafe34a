/**
 * `kubectl get gardens` columns, after the CRD's printer columns: Name, K8S Version, Gardener Version,
 * Last Operation, Runtime, Virtual, API Server, Observability, Age. Missing values are null cells, which
 * kubectl prints as `<none>`.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { field, nested, text } from '../encryptionconfig/types.js';
import { translateTimestampSince } from '../internalsecret/table.js';
import type { TableColumn, TableConvertor } from '../types.js';

const col = (name: string, description: string, type: TableColumn['type'] = 'string'): TableColumn => ({
  name,
  type,
  format: name === 'Name' ? 'name' : '',
  description,
  priority: 0,
});

const COLUMNS: TableColumn[] = [
  col('Name', 'Name of the Garden.'),
  col('K8S Version', 'Kubernetes version of the virtual cluster.'),
  col('Gardener Version', 'Version of the Gardener components.'),
  col('Last Operation', 'State of the last operation.'),
  col('Runtime', 'Status of the RuntimeComponentsHealthy condition.'),
  col('Virtual', 'Status of the VirtualComponentsHealthy condition.'),
  col('API Server', 'Status of the VirtualGardenAPIServerAvailable condition.'),
  col('Observability', 'Status of the ObservabilityComponentsHealthy condition.'),
  col('Age', 'Time since the Garden was created.', 'date'),
];

function conditionStatus(garden: KubeObject, type: string): string | null {
  const conditions = field(garden, 'status')?.conditions;
  if (!Array.isArray(conditions)) return null;
  const c: unknown = conditions.find((x: unknown) => text(x, 'type') === type);
  return text(c, 'status') ?? null;
}

/** The table convertor; `now` is injectable for tests. */
export function gardenTableConvertor(now: () => number = Date.now): TableConvertor {
  return {
    columns: COLUMNS,
    cells(garden: KubeObject): unknown[] {
      return [
        garden.metadata.name ?? '',
        text(nested(garden, 'spec', 'virtualCluster', 'kubernetes'), 'version') ?? null,
        text(nested(garden, 'status', 'gardener'), 'version') ?? null,
        text(nested(garden, 'status', 'lastOperation'), 'state') ?? null,
        ...['RuntimeComponentsHealthy', 'VirtualComponentsHealthy', 'VirtualGardenAPIServerAvailable', 'ObservabilityComponentsHealthy'].map((t) =>
          conditionStatus(garden, t),
        ),
        translateTimestampSince(garden.metadata.creationTimestamp, now()),
      ];
    },
    // A custom resource's Table (apiextensions' convertor) carries the list's remainingItemCount.
    remainingItemCount: true,
  };
}

/** The convertor the descriptor uses. */
export const gardenTable: TableConvertor = gardenTableConvertor();
