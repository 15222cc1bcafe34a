/** The served resources: descriptor, store and body validator per group/version/resource. */
import { compileKindValidator, type KindValidator } from '../openapi/validate.js';
import { ResourceStore } from '../registry/generic/store.js';
import type { ResourceDescriptor } from '../registry/types.js';
import { isGoTyped } from '../registry/scheme.js';
import type { Storage } from '../storage/interface.js';

/** Everything the HTTP layer needs for one resource. */
export interface ServedResource {
  descriptor: ResourceDescriptor;
  store: ResourceStore;
  validator: KindValidator;
}

/** Lookup of served resources; also the source of discovery and OpenAPI. */
export class ResourceIndex {
  private readonly byPath = new Map<string, ServedResource>();

  constructor(readonly resources: readonly ServedResource[]) {
    for (const r of resources) {
      const d = r.descriptor;
      this.byPath.set(`${d.group}/${d.version}/${d.resource}`, r);
    }
  }

  get(group: string, version: string, resource: string): ServedResource | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** Descriptors in registration order. */
  descriptors(): ResourceDescriptor[] {
    return this.resources.map((r) => r.descriptor);
  }

  /** Group -> versions, in registration order. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const d of this.descriptors()) {
      const versions = out.get(d.group) ?? [];
      if (!versions.includes(d.version)) versions.push(d.version);
      out.set(d.group, versions);
    }
    return out;
  }
}

/** Builds the index for `descriptors`, each with its own storage from `storageFor`. */
export function buildResourceIndex(
  descriptors: readonly ResourceDescriptor[],
  storageFor: (d: ResourceDescriptor) => Storage,
  keyRoot: string,
): ResourceIndex {
  return new ResourceIndex(
    descriptors.map((descriptor) => ({
      descriptor,
      store: new ResourceStore(descriptor, storageFor(descriptor), keyRoot),
      validator: compileKindValidator({ ...descriptor, goTyped: isGoTyped(descriptor) }),
    })),
  );
}
