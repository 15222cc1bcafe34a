/** Tables of lists: which list metadata each kind's convertor carries over. */
import assert from 'node:assert/strict';
import { gardenResource } from '../registry/garden/descriptor.js';
import { internalSecretResource } from '../registry/internalsecret/descriptor.js';
import { toTable } from './render.js';

describe('toTable list metadata', () => {
  const meta = { resourceVersion: '7', continue: 'token', remainingItemCount: 3 };
  const opts = { version: 'v1', include: 'Metadata' as const, withColumns: true };

  it("copies resourceVersion and continue only for Gardener's own kinds", () => {
    assert.deepEqual(toTable(internalSecretResource, [], meta, opts).metadata, { resourceVersion: '7', continue: 'token' });
  });

  it('also copies remainingItemCount for a kind served like a custom resource (Garden)', () => {
    assert.deepEqual(toTable(gardenResource, [], meta, opts).metadata, meta);
  });
});
