/**
 * The value-transformer seam between object storage and the backend: encryption at rest plugs in here.
 * A transformer sees the serialized object and the full storage key (AEAD providers bind the value to it).
 */

/** Result of reading a stored value back. */
export interface FromStorageResult {
  data: Uint8Array;
  /** The value was read with a provider or key other than the one used for writing now. */
  stale: boolean;
}

/** Transforms values on their way to and from the backend. */
export interface ValueTransformer {
  toStorage(data: Uint8Array, key: string): Promise<Uint8Array>;
  fromStorage(stored: Uint8Array, key: string): Promise<FromStorageResult>;
}

/** Stores values unchanged. */
export const identityTransformer: ValueTransformer = {
  toStorage: async (data) => data,
  fromStorage: async (stored) => ({ data: stored, stale: false }),
};

/** Picks the transformer for a group-resource (e.g. from an EncryptionConfiguration). */
export type TransformerLookup = (groupResource: string) => ValueTransformer;
