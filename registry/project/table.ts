/**
 * `kubectl get projects` columns, as gardener-apiserver prints them: Name, Namespace, Status (the phase),
 * Owner, Creator, Age; `<unknown>` for what is not set.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { isPlainObject } from '../../apimachinery/types.js';
import { translateTimestampSince } from '../internalsecret/table.js';
import type { TableColumn, TableConvertor } from '../types.js';
import { projectNamespace, specSubject } from './types.js';

const UNKNOWN = '<unknown>';

const col = (name: string, description: string, type: TableColumn['type'] = 'string'): TableColumn => ({
  name,
  type,
  format: type === 'date' ? '' : 'name',
  description,
  priority: 0,
});

/** The table convertor; `now` is injectable for tests. */
export function projectTableConvertor(now: () => number = Date.now): TableConvertor {
  return {
    columns: [
      col('Name', 'Name of the Project.'),
      col('Namespace', 'Namespace of the project, where its Shoots live.'),
      col('Status', 'Phase of the project: Pending, Ready, Failed or Terminating.'),
      col('Owner', 'Name of the owner.'),
      col('Creator', 'Name of the user who created the project.'),
      col('Age', 'Time since the Project was created.', 'date'),
    ],
    cells(obj: KubeObject): unknown[] {
      const phase = isPlainObject(obj.status) && typeof obj.status.phase === 'string' && obj.status.phase !== '' ? obj.status.phase : UNKNOWN;
      return [
        obj.metadata.name ?? '',
        projectNamespace(obj) ?? UNKNOWN,
        phase,
        specSubject(obj, 'owner')?.name ?? UNKNOWN,
        specSubject(obj, 'createdBy')?.name ?? UNKNOWN,
        translateTimestampSince(obj.metadata.creationTimestamp, now()),
      ];
    },
  };
}

/** The convertor the descriptor uses. */
export const projectTable: TableConvertor = projectTableConvertor();
