import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { PROTO_ROOT } from '../../test/support/protoc.js';
import { buildDescriptor } from './descriptor-build.js';
import { GO_INLINE_FIELDS, GO_OMITEMPTY_VALUE_FIELDS } from './go-fields.js';
import { loadDescriptorRoot } from './index.js';

const SCALARS = new Set(['string', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float', 'bytes']);

describe('protobuf descriptor', () => {
  const root = loadDescriptorRoot();

  it('is what scripts/proto-descriptor.ts builds from the upstream .proto files', () => {
    const committed: unknown = JSON.parse(readFileSync(new URL('./descriptor.json', import.meta.url), 'utf8'));
    assert.deepEqual(committed, buildDescriptor(PROTO_ROOT));
  });

  it('holds every kind of the served groups with its list, and the meta/v1 envelope messages', () => {
    for (const name of [
      'github.com.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret',
      'github.com.gardener.gardener.pkg.apis.core.v1beta1.InternalSecretList',
      'github.com.gardener.gardener.pkg.apis.core.v1beta1.Shoot',
      'github.com.gardener.gardener.pkg.apis.core.v1beta1.ShootList',
      'github.com.gardener.gardener.pkg.apis.core.v1beta1.Project',
      'github.com.gardener.gardener.pkg.apis.authentication.v1alpha1.AdminKubeconfigRequest',
      'github.com.gardener.gardener.pkg.apis.authentication.v1alpha1.ViewerKubeconfigRequest',
      'k8s.io.apimachinery.pkg.runtime.Unknown',
      'k8s.io.apimachinery.pkg.apis.meta.v1.Status',
      'k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent',
      'k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList',
      'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
    ]) {
      assert.ok(root.lookupType(name) instanceof protobuf.Type, name);
    }
  });

  it("names only scalar fields as Go's omitempty value fields", () => {
    for (const [message, fields] of Object.entries(GO_OMITEMPTY_VALUE_FIELDS)) {
      const t = root.lookupType(message);
      for (const name of fields) {
        const f = t.fields[name];
        assert.ok(f !== undefined && !f.repeated && !f.map && SCALARS.has(f.type), `${message}.${name}`);
      }
    }
  });

  it('names only singular message fields as embedded structs', () => {
    for (const [message, fields] of Object.entries(GO_INLINE_FIELDS)) {
      const t = root.lookupType(message);
      for (const name of fields) {
        const f = t.fields[name];
        assert.ok(f !== undefined && !f.repeated && !f.map, `${message}.${name}`);
        f.resolve();
        assert.ok(f.resolvedType instanceof protobuf.Type, `${message}.${name} is a message`);
      }
    }
  });
});
