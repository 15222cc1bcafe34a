/**
 * The cases of Gardener's Project defaulting tests (pkg/apis/core/v1beta1/defaults_project_test.go at
 * b312835d17): upstream calls SetObjectDefaults_Project (SetDefaults_Project, then SetDefaults_ProjectMember
 * per member) on a v1beta1 Project, here defaultProject on its JSON. Each case is named by its upstream
 * Describe/Context > It (or DescribeTable > Entry) path.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import { defaultProject } from './defaults.js';
import { at, setAt } from '../../test/support/shoot/fixtures.js';

type Json = Record<string, unknown>;
type Change = [string, unknown];

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const PROTECTED = 'seed.gardener.cloud/protected';

/** A Go string field that is "" after decoding: empty, or left out (omitempty). */
const EMPTY = Symbol('empty string or unset');

interface DefaultsCase {
  from: string;
  set: Change[];
  want: Change[];
}

/** The v1beta1 members of `should default the api groups of members` (`Roles: ["role"]`, no `Role`). */
const API_GROUP_MEMBERS: Json[] = [
  { apiGroup: 'group', kind: 'kind', name: 'member1', roles: ['role'] },
  { kind: 'ServiceAccount', name: 'member2', roles: ['role'] },
  { kind: 'User', name: 'member3', roles: ['role'] },
  { kind: 'Group', name: 'member4', roles: ['role'] },
];

const DEFAULTS_CASES: DefaultsCase[] = [
  {
    from: "toleration defaulting > should not add the 'protected' toleration if the namespace is not 'garden' (w/o existing project tolerations)",
    set: [['spec.namespace', 'foo']],
    want: [['spec.tolerations', undefined]],
  },
  {
    from: "toleration defaulting > should not add the 'protected' toleration if the namespace is not 'garden' (w/ existing project tolerations)",
    set: [
      ['spec.namespace', 'foo'],
      ['spec.tolerations', { defaults: [{ key: 'foo' }], whitelist: [{ key: 'bar' }] }],
    ],
    want: [
      ['spec.tolerations.defaults', [{ key: 'foo' }]],
      ['spec.tolerations.whitelist', [{ key: 'bar' }]],
    ],
  },
  {
    from: "toleration defaulting > should add the 'protected' toleration if the namespace is 'garden' (w/o existing project tolerations)",
    set: [['spec.namespace', 'garden']],
    want: [
      ['spec.tolerations.defaults', [{ key: PROTECTED }]],
      ['spec.tolerations.whitelist', [{ key: PROTECTED }]],
    ],
  },
  {
    from: "toleration defaulting > should add the 'protected' toleration if the namespace is 'garden' (w/ existing project tolerations)",
    set: [
      ['spec.namespace', 'garden'],
      ['spec.tolerations', { defaults: [{ key: 'foo' }], whitelist: [{ key: 'bar' }] }],
    ],
    want: [
      ['spec.tolerations.defaults', [{ key: 'foo' }, { key: PROTECTED }]],
      ['spec.tolerations.whitelist', [{ key: 'bar' }, { key: PROTECTED }]],
    ],
  },
  { from: 'api group defaulting > should default the owner api groups > do nothing because owner is nil', set: [], want: [['spec.owner', undefined]] },
  {
    from: 'api group defaulting > should default the owner api groups > kind serviceaccount',
    set: [['spec.owner', { kind: 'ServiceAccount' }]],
    want: [['spec.owner.apiGroup', EMPTY]],
  },
  { from: 'api group defaulting > should default the owner api groups > kind user', set: [['spec.owner', { kind: 'User' }]], want: [['spec.owner.apiGroup', RBAC_GROUP]] },
  { from: 'api group defaulting > should default the owner api groups > kind group', set: [['spec.owner', { kind: 'Group' }]], want: [['spec.owner.apiGroup', RBAC_GROUP]] },
  {
    from: 'api group defaulting > should default the api groups of members',
    set: [['spec.members', API_GROUP_MEMBERS]],
    want: [
      ['spec.members.0.apiGroup', 'group'],
      ['spec.members.1.apiGroup', EMPTY],
      ['spec.members.2.apiGroup', RBAC_GROUP],
      ['spec.members.3.apiGroup', RBAC_GROUP],
    ],
  },
  {
    from: 'member defaulting > should default the roles of members',
    set: [
      [
        'spec.members',
        [
          { apiGroup: 'group', kind: 'kind', name: 'member1' },
          { apiGroup: 'group', kind: 'kind', name: 'member2' },
        ],
      ],
    ],
    want: [
      ['spec.members.0.role', 'viewer'],
      ['spec.members.1.role', 'viewer'],
    ],
  },
];

/** Upstream's base Project of the defaulting tests: `&Project{}`. */
function emptyProject(): KubeObject {
  return { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Project', metadata: {}, spec: {} };
}

describe('registry/project defaults: cases of upstream defaults_project_test.go', () => {
  for (const c of DEFAULTS_CASES) {
    it(c.from, () => {
      const project = emptyProject();
      for (const [path, value] of c.set) setAt(project, path, structuredClone(value));
      defaultProject(project);
      for (const [path, value] of c.want) {
        const got = at(project, path);
        if (value === EMPTY) assert.ok(got === undefined || got === '', `${path}: want "" or unset, got ${JSON.stringify(got)}`);
        else assert.deepEqual(got, value, path);
      }
    });
  }
});
