/** The kinds this server serves, in discovery order. */
import { internalSecretResource } from '../registry/internalsecret/descriptor.js';
import type { ResourceDescriptor } from '../registry/types.js';

export const SERVED_KINDS: readonly ResourceDescriptor[] = [internalSecretResource];
