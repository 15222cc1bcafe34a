/**
 * How the generic store treats Projects (gardener-apiserver's projectStrategy): a create starts without
 * status at generation 1; updates keep the status and bump the generation on spec changes; PUT never
 * creates and needs no resourceVersion. After validation, only the owner keeps the `owner` role: the
 * member matching `spec.owner` (kind, apiGroup and name) gets it, every other member loses it. The status
 * strategy changes only the status, with its own rule.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { fillGoZeroValues } from '../generic/go-zero.js';
import type { Strategy } from '../types.js';
import { projectSchema, projectSchemaDefinitions } from './schema.js';
import { defaultMember, defaultProject } from './defaults.js';
import { memberRoles, projectMembers, Role, setMemberRoles, specSubject, subjectOf } from './types.js';
import { validateProject, validateProjectStatusUpdate, validateProjectUpdate } from './validation/index.js';

/**
 * Gives the owner member the `owner` role and takes it from everyone else, and writes each member's
 * roles as the v1beta1 encoding has them: the first in `role`, the rest in `roles`.
 */
export function canonicalizeProject(project: KubeObject): void {
  const owner = specSubject(project, 'owner');
  for (const member of projectMembers(project)) {
    const s = subjectOf(member);
    let roles = memberRoles(member);
    const isOwner = owner !== undefined && s.name === owner.name && s.apiGroup === owner.apiGroup && s.kind === owner.kind;
    if (isOwner && !roles.includes(Role.Owner)) roles = [...roles, Role.Owner];
    if (owner !== undefined && !isOwner) roles = roles.filter((r) => r !== Role.Owner);
    setMemberRoles(member, roles);
    defaultMember(member);
  }
}

/** What Go's encoding writes for unset fields (after prepare, so also a fresh status; before validation). */
function fillZeroValues(project: KubeObject): void {
  fillGoZeroValues(project, projectSchema, projectSchemaDefinitions);
}

/** A request body as gardener-apiserver decodes it: defaults, then Go's zero values (owned by the writer). */
function decodeProject(project: KubeObject): void {
  defaultProject(project);
  fillZeroValues(project);
}

/** The stored Project as gardener-apiserver reads it (Go's zero values in place). */
function asDecoded(old: KubeObject): KubeObject {
  const copy = structuredClone(old);
  fillGoZeroValues(copy, projectSchema, projectSchemaDefinitions);
  return copy;
}

/** The Project strategy. */
export const projectStrategy: Strategy = {
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
  tracksGeneration: true,
  decode: decodeProject,
  prepareForCreate(obj) {
    delete obj.status;
  },
  prepareForUpdate(obj, old) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  },
  validate: (obj) => validateProject(obj),
  validateUpdate: (obj, old) => validateProjectUpdate(obj, old),
  applyDefaults: fillZeroValues,
  decodeStored: asDecoded,
  canonicalize: canonicalizeProject,
};

/** The strategy of `projects/status`: only the status changes; a set phase cannot be emptied. */
export const projectStatusStrategy: Strategy = {
  ...projectStrategy,
  prepareForUpdate(obj, old) {
    if (old.spec === undefined) delete obj.spec;
    else obj.spec = structuredClone(old.spec);
  },
  validateUpdate: (obj, old) => validateProjectStatusUpdate(obj, old),
};
