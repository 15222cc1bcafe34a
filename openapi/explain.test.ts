/**
 * `kubectl explain` against the served v3 documents: a tiny HTTP server answers discovery and
 * /openapi/v3 from the OpenAPI documents (test/support/explain-server.ts), and the real kubectl explains the test
 * kinds down to leaf fields.
 */
import assert from 'node:assert/strict';
import { startExplainServer, type ExplainServer } from '../test/support/explain-server.js';
import { gadget, widget } from './testdata.js';

describe('kubectl explain (v3)', function () {
  let stand: ExplainServer;
  before(async () => {
    stand = await startExplainServer([widget, gadget]);
  });
  after(async () => stand?.close());
  const explain = (...args: string[]) => stand.explain(...args);

  it('explains the kind with its fields and descriptions', async () => {
    const out = await explain('widgets');
    assert.match(out, /GROUP:\s+core\.gardener\.cloud/);
    assert.match(out, /KIND:\s+Widget/);
    assert.match(out, /VERSION:\s+v1beta1/);
    assert.match(out, /Widget is a test kind with a nested spec\./);
    assert.match(out, /spec\s+<WidgetSpec>/);
    assert.match(out, /metadata\s+<ObjectMeta>/);
  });

  it('explains meta fields down to leaves', async () => {
    const out = await explain('widget.metadata.labels');
    assert.match(out, /FIELD:\s+labels <map\[string\]string>/);
    assert.match(out, /select objects/);
  });

  it('explains nested spec fields through $refs and lists', async () => {
    assert.match(await explain('widgets.spec.items.name'), /FIELD:\s+name <string>/);
    assert.match(await explain('widgets.spec.replicas'), /FIELD:\s+replicas <integer>/);
    assert.match(await explain('widgets.spec.nested.deep.leaf'), /A switch\./);
    assert.match(await explain('widgets.data'), /FIELD:\s+data <map\[string\]string>/);
  });

  it('explains the cluster-scoped kind', async () => {
    const out = await explain('gadgets.spec');
    assert.match(out, /KIND:\s+Gadget/);
    assert.match(out, /size\s+<integer>/);
  });

  it('explains recursively', async () => {
    const out = await explain('widgets', '--recursive');
    assert.match(out, /ownerReferences\s+<\[\]OwnerReference>/);
    assert.match(out, /leaf\s+<boolean>/);
  });
});
