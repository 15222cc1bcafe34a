/** The kinds this server serves, in discovery order. */
import { gardenResource } from '../registry/garden/descriptor.js';
import { internalSecretResource } from '../registry/internalsecret/descriptor.js';
import { projectResource } from '../registry/project/descriptor.js';
import { shootResource } from '../registry/shoot/descriptor.js';
import type { ResourceDescriptor } from '../registry/types.js';

export const SERVED_KINDS: readonly ResourceDescriptor[] = [internalSecretResource, shootResource, projectResource, gardenResource];
