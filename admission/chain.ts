/** Builds the admission chain from the plugin table and turns it into store hooks per request. */
import { badRequest } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { AdmissionHooks } from '../registry/generic/store.js';
import { ADMISSION_PLUGINS } from './plugins.js';
import type { AdmissionAttributes, AdmissionDeps, AdmissionPlugin, Operation, PluginRegistration } from './types.js';

/** The enabled plugins, in table order. */
export class AdmissionChain {
  constructor(readonly plugins: readonly AdmissionPlugin[]) {}

  /** Store hooks that run the chain for one request; `base` holds everything but the objects. */
  hooks(operation: Operation, base: Omit<AdmissionAttributes, 'operation' | 'object' | 'oldObject'>): AdmissionHooks {
    const active = this.plugins.filter((p) => p.operations.includes(operation));
    if (active.length === 0) return {};
    const mutating = active.filter((p) => p.admit !== undefined);
    const validating = active.filter((p) => p.validate !== undefined);
    const attrs = (object: KubeObject | undefined, oldObject: KubeObject | undefined): AdmissionAttributes => ({
      ...base,
      operation,
      object,
      oldObject,
    });
    return {
      mutate: async (obj, old) => {
        if (mutating.length === 0) return;
        const a = attrs(obj, old);
        for (const p of mutating) await p.admit?.(a);
      },
      validate: async (obj, old) => {
        if (validating.length === 0) return;
        const a = attrs(obj, old);
        for (const p of validating) await p.validate?.(a);
      },
      validateCollection: async (all) => {
        for (const p of active) await p.validateCollection?.({ ...attrs(undefined, undefined), name: '' }, all);
      },
    };
  }
}

/** Options selecting plugins beyond the defaults. */
export interface AdmissionSelection {
  enable?: readonly string[];
  disable?: readonly string[];
}

/** Builds the chain: default-on plugins plus `enable`, minus `disable`; unknown names are an error. */
export function buildAdmissionChain(sel: AdmissionSelection, deps: AdmissionDeps, table: readonly PluginRegistration[] = ADMISSION_PLUGINS): AdmissionChain {
  const known = new Set(table.map((r) => r.name));
  for (const name of [...(sel.enable ?? []), ...(sel.disable ?? [])]) {
    if (!known.has(name)) throw badRequest(`unknown admission plugin: ${name}`);
  }
  const enable = new Set(sel.enable ?? []);
  const disable = new Set(sel.disable ?? []);
  const plugins = table
    .filter((r) => !disable.has(r.name) && (r.enabledByDefault || enable.has(r.name)))
    .map((r) => r.factory(deps));
  return new AdmissionChain(plugins);
}
