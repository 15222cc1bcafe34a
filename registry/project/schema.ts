/**
 * The Project kind's OpenAPI schema and the named definitions it reaches, under the upstream names
 * (`com.github.gardener.gardener.pkg.apis.core.v1beta1.Project...`, `io.k8s.api.rbac.v1.Subject`,
 * `io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector`). Tolerations and conditions share the Shoot's
 * definitions. Patch metadata follows the Go types: conditions merge by `type`, tolerations by `key`.
 */
import { API_VERSION_DESCRIPTION, KIND_DESCRIPTION, OBJECT_META } from '../../openapi/meta.js';
import { ref, type Definitions, type Schema } from '../../openapi/schema.js';
import { core, int64, list, mergeKey, obj, refTo, str, strList, strMap, time, bool } from '../shoot/schema/helpers.js';
import { coreDefinitions, definitionsReachedFrom } from '../shoot/schema/index.js';
import { LABEL_SELECTOR_REQUIREMENT } from '../shoot/schema/k8s.js';
import { GROUP, KIND, VERSION } from './types.js';

/** Definition name of the kind. */
export const PROJECT_DEFINITION = core('Project');
export const SUBJECT = 'io.k8s.api.rbac.v1.Subject';
export const LABEL_SELECTOR = 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector';

const subjectFields = {
  apiGroup: str('API group of the subject: "" for ServiceAccount (the default), rbac.authorization.k8s.io for User and Group (the default).'),
  kind: str('Kind of subject: User, Group or ServiceAccount.'),
  name: str('Name of the user, group or service account.'),
  namespace: str('Namespace of a ServiceAccount; must be empty for users and groups.'),
};

const projectDefinitions: Definitions = {
  [core('ProjectSpec')]: obj('Desired properties of a project.', {
    createdBy: refTo(SUBJECT, 'Who created the project; set by the server from the requesting user and immutable.'),
    description: str('What the project is used for: letters, digits, spaces and the punctuation .,:-_/\\ only.'),
    owner: refTo(
      SUBJECT,
      'Who owns the project; defaults to the first member with the owner role, else to the creator. Always also a member; ' +
        'once set it can be changed but not removed.',
    ),
    purpose: str('Why the project exists: letters, digits, spaces and the punctuation .,:-_/\\ only.'),
    members: list(ref(core('ProjectMember')), 'Users, groups and service accounts with roles in the project; each subject at most once.'),
    namespace: str(
      'Namespace of the project: "garden" or a name starting with "garden-"; chosen by Gardener when unset. Cannot be changed once set.',
    ),
    tolerations: refTo(core('ProjectTolerations'), 'Tolerations of seed taints for the Shoots of the project.'),
    dualApprovalForDeletion: list(
      ref(core('DualApprovalForDeletion')),
      'Resources whose deletion needs two people: one confirms, another one deletes.',
    ),
  }),
  [core('ProjectMember')]: {
    ...obj(
      'A user, group or service account with roles in the project.',
      {
        ...subjectFields,
        role: str('First role of the member: owner, admin, viewer, uam, serviceaccountmanager or extension:<name>; viewer when no role is given.'),
        roles: strList('Further roles of the member (see role).'),
      },
      ['kind', 'name', 'role'],
    ),
  },
  [core('ProjectTolerations')]: obj('Tolerations of seed taints.', {
    defaults: list(ref(core('Toleration')), 'Tolerations added to every Shoot of the project.', mergeKey('key')),
    whitelist: list(ref(core('Toleration')), 'Tolerations Shoots of the project may use; the defaults must be among them.', mergeKey('key')),
  }),
  [core('DualApprovalForDeletion')]: obj(
    'Dual approval for deleting resources of one kind.',
    {
      resource: str('Resource it applies to; only "shoots".'),
      selector: refTo(LABEL_SELECTOR, 'Objects it applies to; an empty selector matches all.'),
      includeServiceAccounts: bool('Whether deletions by service accounts need the second person too (default true).'),
    },
    ['resource', 'selector'],
  ),
  [core('ProjectStatus')]: obj('Observed state of the project, written by Gardener.', {
    observedGeneration: int64('Generation of the project the status was written for.'),
    phase: str('Phase of the project: Pending, Ready, Failed or Terminating.'),
    staleSinceTimestamp: time('Since when the project has been found unused.'),
    staleAutoDeleteTimestamp: time('When the unused project will be deleted automatically.'),
    lastActivityTimestamp: time('Last activity in the project.'),
    conditions: list(ref(core('Condition')), "Current observations about the project's state.", mergeKey('type')),
  }),
  [SUBJECT]: { ...obj('A user, group or service account.', subjectFields, ['kind', 'name']), 'x-kubernetes-map-type': 'atomic' },
  [LABEL_SELECTOR]: {
    ...obj('Selects objects by their labels: all matchLabels and matchExpressions must hold; empty selects everything.', {
      matchLabels: strMap('Labels an object must have, key and value.'),
      matchExpressions: { ...list(ref(LABEL_SELECTOR_REQUIREMENT), 'Label requirements an object must meet.'), 'x-kubernetes-list-type': 'atomic' },
    }),
    'x-kubernetes-map-type': 'atomic',
  },
};

/** The kind's schema. */
export const projectSchema: Schema = {
  type: 'object',
  description:
    'A Gardener project: a namespace for Shoots and the people allowed to work in it, each with roles. Deleting a ' +
    'Project requires the annotation confirmation.gardener.cloud/deletion=true.',
  properties: {
    apiVersion: { type: 'string', description: API_VERSION_DESCRIPTION },
    kind: { type: 'string', description: KIND_DESCRIPTION },
    metadata: refTo(OBJECT_META, 'Standard object metadata. The name is a DNS subdomain of at most 10 characters without "--".'),
    spec: refTo(core('ProjectSpec'), 'Desired properties of the project.'),
    status: refTo(core('ProjectStatus'), 'Observed state of the project, written through the status subresource.'),
  },
  'x-kubernetes-group-version-kind': [{ group: GROUP, version: VERSION, kind: KIND }],
};

/** Every definition the Project schema reaches. */
export const projectSchemaDefinitions: Definitions = definitionsReachedFrom(projectSchema, { ...coreDefinitions, ...projectDefinitions });
