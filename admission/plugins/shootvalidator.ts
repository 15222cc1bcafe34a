/**
 * ShootValidator, the part that concerns projects: a Shoot is created only in the namespace of a
 * Project that is not being deleted, and the project's and the Shoot's names together have at most 21
 * characters (16 with generateName, which adds five). Scheduling: spec.seedName is set on creation only
 * by who may update `shoots/binding`, and changed afterwards only through that subresource, which may
 * not change anything else while it moves a Shoot to another seed; it is never unset. The checks on
 * cloud profiles, seeds and bindings that need resources this server does not serve plug in through
 * `deps.shootReferences` (ShootReferenceChecks), which runs on create and update when configured.
 *
 * Without any Project for the namespace, Gardener answers 500 "could not find referenced project" (a
 * namespace that exists in the garden cluster but belongs to no project). In standalone mode the
 * namespaces are exactly those of the Projects, so there the namespace does not exist: 404, as the
 * garden's NamespaceLifecycle would answer.
 */
import { isDeepStrictEqual } from 'node:util';
import { forbidden, internalError, invalid, notFound } from '../../apimachinery/errors.js';
import { fieldErr } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { AdmissionAttributes, AdmissionDeps, AdmissionPlugin } from '../types.js';

export const SHOOT_VALIDATOR = 'ShootValidator';
const SHOOTS = { group: 'core.gardener.cloud', resource: 'shoots' };
const NAME_LENGTH_LIMIT = 21;
const GENERATED_SUFFIX_LENGTH = 5;

const seedNameOf = (shoot: KubeObject | undefined): string | undefined => {
  const seed = (shoot?.spec as { seedName?: unknown } | undefined)?.seedName;
  return typeof seed === 'string' ? seed : undefined;
};

/** Gardener's validateScheduling, without the checks that need Seed objects. */
async function validateScheduling(deps: AdmissionDeps, attrs: AdmissionAttributes, shoot: KubeObject): Promise<void> {
  const name = shoot.metadata.name ?? attrs.name;
  const [seed, oldSeed] = [seedNameOf(shoot), seedNameOf(attrs.oldObject)];
  if (attrs.operation === 'CREATE') {
    const binding = { verb: 'update', group: SHOOTS.group, resource: SHOOTS.resource, subresource: 'binding', namespace: attrs.namespace, name };
    if (seed !== undefined && deps.may !== undefined && !(await deps.may(attrs.user, binding))) {
      throw forbidden(SHOOTS, name, `user ${JSON.stringify(attrs.user.name)} is not allowed to set .spec.seedName for "shoots"`);
    }
    return;
  }
  if (oldSeed !== undefined && seed === undefined) throw forbidden(SHOOTS, name, `spec.seedName is already set to '${oldSeed}' and cannot be changed to 'nil'`);
  if (attrs.subresource === 'binding') {
    if (oldSeed === undefined || seed === oldSeed) return;
    const spec = { ...(shoot.spec as Record<string, unknown>), seedName: oldSeed };
    if (!isDeepStrictEqual(spec, attrs.oldObject?.spec)) {
      throw forbidden(SHOOTS, name, 'only spec.seedName can be changed using the binding subresource when the shoot is being rescheduled to a new seed');
    }
  } else if (seed !== oldSeed) {
    throw forbidden(SHOOTS, name, `spec.seedName '${oldSeed ?? 'nil'}' cannot be changed to '${seed ?? ''}' by patching the shoot, please use the shoots/binding subresource`);
  }
}

/** The plugin; `deps.projectForNamespace` finds the Project, `deps.namespaces` tells aggregated mode. */
export function shootValidator(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: SHOOT_VALIDATOR,
    operations: ['CREATE', 'UPDATE'],
    async validate(attrs) {
      const shoot = attrs.object;
      if (attrs.resource.group !== SHOOTS.group || attrs.resource.resource !== SHOOTS.resource || shoot === undefined) return;
      if (attrs.operation === 'UPDATE') {
        if (attrs.subresource === '' || attrs.subresource === 'binding') await validateScheduling(deps, attrs, shoot);
        if (attrs.subresource === '') await checkReferences(deps, shoot, attrs.oldObject);
        return;
      }
      if (attrs.subresource !== '') return;
      const project = await deps.projectForNamespace(attrs.namespace);
      if (project === undefined) {
        if (deps.namespaces === undefined) throw notFound({ group: '', resource: 'namespaces' }, attrs.namespace);
        throw internalError('could not find referenced project: Project.core.gardener.cloud "<unknown>" not found');
      }
      const projectName = project.metadata.name ?? '';
      const name = shoot.metadata.name ?? '';
      const generateName = shoot.metadata.generateName ?? '';
      const gk = { group: SHOOTS.group, kind: 'Shoot' };
      if (name === '' && generateName !== '') {
        const limit = NAME_LENGTH_LIMIT - GENERATED_SUFFIX_LENGTH;
        if ((projectName + generateName).length > limit) {
          const detail = `the length of the shoot generateName and the project name must not exceed ${limit} characters (project: ${projectName}; shoot with generateName: ${generateName})`;
          throw invalid(gk, name, [fieldErr.invalid('name', name, detail)]);
        }
      } else if ((projectName + name).length > NAME_LENGTH_LIMIT) {
        const detail = `the length of the shoot name and the project name must not exceed ${NAME_LENGTH_LIMIT} characters (project: ${projectName}; shoot: ${name})`;
        throw invalid(gk, name, [fieldErr.invalid('name', name, detail)]);
      }
      if (project.metadata.deletionTimestamp !== undefined) {
        throw forbidden(SHOOTS, name, `cannot create shoot '${name}' in project '${projectName}' that is already marked for deletion`);
      }
      await validateScheduling(deps, attrs, shoot);
      await checkReferences(deps, shoot, undefined);
    },
  };
}

/** The configured ShootReferenceChecks, if any: their field errors refuse the write with 422. */
async function checkReferences(deps: AdmissionDeps, shoot: KubeObject, old: KubeObject | undefined): Promise<void> {
  const errs = deps.shootReferences === undefined ? [] : await deps.shootReferences.validate(shoot, old);
  if (errs.length > 0) throw invalid({ group: SHOOTS.group, kind: 'Shoot' }, shoot.metadata.name ?? '', errs);
}
