import assert from 'node:assert/strict';
import { kindIndex, reachableDefinitions } from '../../openapi/definitions.js';
import { metaDefinitions } from '../../openapi/meta.js';
import { kubeconfigRequestDefinitionName, kubeconfigRequestDefinitions, kubeconfigRequestSchema } from './schema.js';
import { KUBECONFIG_SUBRESOURCES } from './types.js';

describe('registry/kubeconfig schema', () => {
  it('names both kinds and finds them by the subresources\' GVKs', () => {
    const find = kindIndex(kubeconfigRequestDefinitions);
    assert.deepEqual(
      KUBECONFIG_SUBRESOURCES.map((s) => (s.kind === undefined ? undefined : find(s.kind))),
      [
        'com.github.gardener.gardener.pkg.apis.authentication.v1alpha1.AdminKubeconfigRequest',
        'com.github.gardener.gardener.pkg.apis.authentication.v1alpha1.ViewerKubeconfigRequest',
      ],
    );
    assert.deepEqual(KUBECONFIG_SUBRESOURCES.map((s) => [s.name, s.verbs]), [['adminkubeconfig', ['create']], ['viewerkubeconfig', ['create']]]);
  });

  it('references only known definitions', () => {
    const all = { ...metaDefinitions, ...kubeconfigRequestDefinitions };
    const roots = (['admin', 'viewer'] as const).map((k) => kubeconfigRequestDefinitionName(k));
    const reachable = reachableDefinitions(all, roots, {});
    assert.ok(reachable['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'] !== undefined);
    assert.ok(reachable['io.k8s.apimachinery.pkg.apis.meta.v1.Time'] !== undefined);
    assert.ok(reachable[kubeconfigRequestDefinitionName('viewer', 'Status')] !== undefined);
    assert.equal(kubeconfigRequestSchema('admin').properties?.spec?.$ref, `#/definitions/${kubeconfigRequestDefinitionName('admin', 'Spec')}`);
    assert.equal(kubeconfigRequestDefinitions[kubeconfigRequestDefinitionName('admin', 'Spec')]?.properties?.expirationSeconds?.format, 'int64');
  });
});
