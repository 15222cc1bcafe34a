import assert from 'node:assert/strict';
import { internalSecretResource } from '../registry/internalsecret/descriptor.js';
import { gardenResource } from '../registry/garden/descriptor.js';
import { isStatusError } from '../apimachinery/errors.js';
import { parsePatch, patchTypeOf, STRATEGIC_MERGE_PATCH } from './patch.js';

describe('apiserver/patch', () => {
  it('takes strategic merge patches only for kinds that declare them', () => {
    assert.equal(patchTypeOf(STRATEGIC_MERGE_PATCH, internalSecretResource), STRATEGIC_MERGE_PATCH);
    assert.throws(() => patchTypeOf(STRATEGIC_MERGE_PATCH, gardenResource), (e: unknown) => isStatusError(e) && e.status.code === 415);
  });

  it('answers lists of lists with kube-apiserver\'s generic 422', () => {
    const patch = parsePatch(STRATEGIC_MERGE_PATCH, Buffer.from('{"metadata":{"$deleteFromPrimitiveList/finalizers":[["x"]]}}'), internalSecretResource);
    const current = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: 'a', finalizers: [] } };
    assert.throws(
      () => patch.apply(current),
      (e: unknown) => isStatusError(e) && e.status.code === 422 && e.status.reason === 'Invalid' && e.status.message === 'the server rejected our request due to an error in our request',
    );
  });
});
