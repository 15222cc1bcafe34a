/**
 * ShootValidator, the part that concerns projects: a Shoot is created only in the namespace of a
 * Project that is not being deleted, and the project's and the Shoot's names together have at most 21
 * characters (16 with generateName, which adds five). The checks on cloud profiles, seeds and bindings
 * need resources this server does not serve: they plug in through `deps.shootReferences`
 * (ShootReferenceChecks), which runs on create and update when configured.
 *
 * Without any Project for the namespace, Gardener answers 500 "could not find referenced project" (a
 * namespace that exists in the garden cluster but belongs to no project). In standalone mode the
 * namespaces are exactly those of the Projects, so there the namespace does not exist: 404, as the
 * garden's NamespaceLifecycle would answer.
 */
import { forbidden, internalError, invalid, notFound } from '../../apimachinery/errors.js';
import { fieldErr } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { AdmissionDeps, AdmissionPlugin } from '../types.js';

export const SHOOT_VALIDATOR = 'ShootValidator';
const SHOOTS = { group: 'core.gardener.cloud', resource: 'shoots' };
const NAME_LENGTH_LIMIT = 21;
const GENERATED_SUFFIX_LENGTH = 5;

/** The plugin; `deps.projectForNamespace` finds the Project, `deps.namespaces` tells aggregated mode. */
export function shootValidator(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: SHOOT_VALIDATOR,
    operations: ['CREATE', 'UPDATE'],
    async validate(attrs) {
      const shoot = attrs.object;
      if (attrs.resource.group !== SHOOTS.group || attrs.resource.resource !== SHOOTS.resource || attrs.subresource !== '' || shoot === undefined) return;
      if (attrs.operation === 'UPDATE') return checkReferences(deps, shoot, attrs.oldObject);
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
      await checkReferences(deps, shoot, undefined);
    },
  };
}

/** The configured ShootReferenceChecks, if any: their field errors refuse the write with 422. */
async function checkReferences(deps: AdmissionDeps, shoot: KubeObject, old: KubeObject | undefined): Promise<void> {
  const errs = deps.shootReferences === undefined ? [] : await deps.shootReferences.validate(shoot, old);
  if (errs.length > 0) throw invalid({ group: SHOOTS.group, kind: 'Shoot' }, shoot.metadata.name ?? '', errs);
}
