/**
 * The table of admission plugins, in the order they run. Each entry names a plugin, whether it is on
 * by default, and how to build it; `--enable-admission-plugins` / `--disable-admission-plugins` pick
 * from this table.
 */
import { NAMESPACE_LIFECYCLE, namespaceLifecycle } from './plugins/namespacelifecycle.js';
import { CUSTOM_VERB_AUTHORIZER, customVerbAuthorizer } from './plugins/customverbauthorizer.js';
import { DELETION_CONFIRMATION, deletionConfirmation } from './plugins/deletionconfirmation.js';
import { GARDEN_VALIDATOR, gardenValidator } from './plugins/gardenvalidator.js';
import { PROJECT_MUTATOR, projectMutator } from './plugins/projectmutator.js';
import { RESOURCE_REFERENCE_MANAGER, resourceReferenceManager } from './plugins/resourcereferencemanager.js';
import { SEED_RESTRICTION, seedRestriction } from './plugins/seedrestriction.js';
import { SHOOT_RESTRICTION, shootRestriction } from './plugins/shootrestriction.js';
import { SHOOT_MUTATOR, shootMutator } from './plugins/shootmutator.js';
import { SHOOT_VALIDATOR, shootValidator } from './plugins/shootvalidator.js';
import type { PluginRegistration } from './types.js';

export const ADMISSION_PLUGINS: readonly PluginRegistration[] = [
  { name: NAMESPACE_LIFECYCLE, enabledByDefault: true, factory: namespaceLifecycle },
  { name: RESOURCE_REFERENCE_MANAGER, enabledByDefault: true, factory: resourceReferenceManager },
  { name: SHOOT_MUTATOR, enabledByDefault: true, factory: shootMutator },
  { name: SHOOT_VALIDATOR, enabledByDefault: true, factory: shootValidator },
  { name: PROJECT_MUTATOR, enabledByDefault: true, factory: projectMutator },
  { name: DELETION_CONFIRMATION, enabledByDefault: true, factory: deletionConfirmation },
  { name: CUSTOM_VERB_AUTHORIZER, enabledByDefault: true, factory: customVerbAuthorizer },
  { name: SEED_RESTRICTION, enabledByDefault: true, factory: seedRestriction },
  { name: SHOOT_RESTRICTION, enabledByDefault: true, factory: shootRestriction },
  { name: GARDEN_VALIDATOR, enabledByDefault: true, factory: gardenValidator },
];
