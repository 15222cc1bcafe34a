import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../apimachinery/types.js';
import { applyPatch, trackUpdate, type ApplyPatchInput } from './fieldmanager.js';
import { LAST_APPLIED_ANNOTATION } from './lastapplied.js';
import { stored, T1, T2, T3, T4, widget, WIDGET_API_VERSION, widgetKind } from './testdata.js';
import { statusOf } from '../../test/support/status.js';

type Spec = Record<string, unknown>;

function apply(current: KubeObject | undefined, applied: Record<string, unknown>, manager: string, opts: Partial<ApplyPatchInput> = {}): KubeObject {
  return stored(applyPatch({ kind: widgetKind, current, applied, manager, force: false, now: T1, ...opts }).object);
}

const conflictOf = statusOf;

const specOf = (o: KubeObject) => o.spec as Spec;
const entry = (o: KubeObject, manager: string): ManagedFieldsEntry | undefined => o.metadata.managedFields?.find((e) => e.manager === manager);
const managers = (o: KubeObject) => (o.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}`);

describe('apply: applyPatch', () => {
  it('creates the object with one Apply entry that leaves out server-owned fields', () => {
    const r = applyPatch({ kind: widgetKind, current: undefined, applied: widget({ replicas: 1 }, { labels: { a: 'b' } }), manager: 'kubectl', force: false, now: T1 });
    assert.equal(r.created, true);
    assert.deepEqual(r.object.spec, { replicas: 1 });
    assert.deepEqual(r.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: WIDGET_API_VERSION,
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:replicas': {} } },
      },
    ]);
    assert.deepEqual(r.object.metadata.managedFields, r.managedFields);
  });

  it('leaves the object and its times alone when the same configuration is applied again', () => {
    const first = apply(undefined, widget({ replicas: 1 }), 'kubectl');
    const again = applyPatch({ kind: widgetKind, current: first, applied: widget({ replicas: 1 }), manager: 'kubectl', force: false, now: T2 });
    assert.equal(again.created, false);
    assert.equal(JSON.stringify(again.object), JSON.stringify(first), 'byte for byte, so the store skips the write');
  });

  it('changes values and the time of the manager', () => {
    const first = apply(undefined, widget({ replicas: 1 }), 'kubectl');
    const next = apply(first, widget({ replicas: 2 }), 'kubectl', { now: T2 });
    assert.equal(specOf(next).replicas, 2);
    assert.equal(entry(next, 'kubectl')?.time, T2);
  });

});

describe('apply: applyPatch removals', () => {
  it('removes fields the manager applied before and omits now', () => {
    const first = apply(undefined, widget({ replicas: 1, env: { A: '1', B: '2' }, containers: [{ name: 'a' }, { name: 'b' }] }), 'kubectl');
    const next = apply(first, widget({ env: { A: '1' }, containers: [{ name: 'b' }] }), 'kubectl', { now: T2 });
    assert.deepEqual(next.spec, { env: { A: '1' }, containers: [{ name: 'b' }] });
    assert.deepEqual(entry(next, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:containers': { 'k:{"name":"b"}': { '.': {}, 'f:name': {} } }, 'f:env': { 'f:A': {} } } });
  });

  it('keeps omitted fields another manager owns too', () => {
    let obj = apply(undefined, widget({ replicas: 1, tags: ['x'] }), 'a');
    obj = apply(obj, widget({ replicas: 1 }), 'b', { now: T2 });
    const { spec: _none, ...noSpec } = widget({});
    obj = apply(obj, noSpec, 'a', { now: T3 });
    assert.deepEqual(obj.spec, { replicas: 1 });
    assert.deepEqual(managers(obj), ['b/Apply']);
  });

  it('keeps omitted fields an Update manager took over', () => {
    let obj = apply(undefined, widget({ replicas: 1, paused: true }), 'kubectl');
    const edited = structuredClone(obj);
    specOf(edited).replicas = 5;
    trackUpdate({ kind: widgetKind, manager: 'kubectl-edit', old: obj, updated: edited, now: T2 });
    obj = apply(stored(edited, '2'), widget({ paused: true }), 'kubectl', { now: T3 });
    assert.deepEqual(obj.spec, { paused: true, replicas: 5 });
  });

});

describe('apply: applyPatch conflicts and force', () => {
  it('conflicts with another applier over a different value, with kube-apiserver’s Status', () => {
    const obj = apply(undefined, widget({ replicas: 1 }), 'kubectl');
    const e = conflictOf(() => apply(obj, widget({ replicas: 2 }), 'other'));
    assert.deepEqual(e.status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }] },
      code: 409,
    });
  });

});

describe('apply: applyPatch conflicts with Update owners', () => {
  it('names Update owners with their API version and subresource owners with the subresource', () => {
    const obj = apply(undefined, widget({ replicas: 1 }), 'kubectl');
    const edited = structuredClone(obj);
    specOf(edited).replicas = 3;
    specOf(edited).env = { A: '1' };
    trackUpdate({ kind: widgetKind, manager: 'kubectl-edit', old: obj, updated: edited, now: T2 });
    const withStatus = structuredClone(stored(edited, '2'));
    withStatus.status = { phase: 'Up' };
    trackUpdate({ kind: widgetKind, manager: 'ctrl', old: stored(edited, '2'), updated: withStatus, subresource: 'status', now: T3 });
    const e = conflictOf(() => apply(stored(withStatus, '3'), { ...widget({ replicas: 2, env: { A: '2' } }), status: { phase: 'Down' } }, 'other', { now: T4 }));
    assert.equal(e.code, 409);
    assert.equal(
      e.status.message,
      'Apply failed with 3 conflicts: conflicts with "ctrl" with subresource "status" using test.gardener.cloud/v1:\n- .status.phase\n' +
        'conflicts with "kubectl-edit" using test.gardener.cloud/v1:\n- .spec.replicas\n- .spec.env.A',
    );
    assert.deepEqual(e.status.details?.causes?.map((c) => `${c.message} ${c.field}`), [
      'conflict with "ctrl" with subresource "status" using test.gardener.cloud/v1 .status.phase',
      'conflict with "kubectl-edit" using test.gardener.cloud/v1 .spec.replicas',
      'conflict with "kubectl-edit" using test.gardener.cloud/v1 .spec.env.A',
    ]);
  });

  it('takes fields over with force, and the former owner loses them', () => {
    let obj = apply(undefined, widget({ replicas: 1, paused: false }), 'kubectl');
    obj = apply(obj, widget({ replicas: 2 }), 'other', { force: true, now: T2 });
    assert.equal(specOf(obj).replicas, 2);
    assert.deepEqual(entry(obj, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:paused': {} } });
    assert.deepEqual(entry(obj, 'other')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    obj = apply(obj, widget({ paused: true }), 'other', { force: true, now: T3 });
    assert.deepEqual(managers(obj), ['other/Apply']);
    assert.deepEqual(obj.spec, { paused: true });
  });

  it('shares fields applied with the same value (a no-op apply sets no time, as upstream)', () => {
    let obj = apply(undefined, widget({ replicas: 1 }), 'a');
    obj = apply(obj, widget({ replicas: 1 }), 'b', { now: T2 });
    assert.deepEqual(managers(obj), ['b/Apply', 'a/Apply']);
    assert.equal(entry(obj, 'b')?.time, undefined);
    assert.deepEqual(entry(obj, 'b')?.fieldsV1, entry(obj, 'a')?.fieldsV1);
  });

  it('lets managers own separate items of map lists and sets', () => {
    let obj = apply(undefined, widget({ containers: [{ name: 'a', image: '1' }], tags: ['x'] }), 'a');
    obj = apply(obj, widget({ containers: [{ name: 'b', image: '1' }], tags: ['y'] }), 'b', { now: T2 });
    assert.deepEqual(obj.spec, { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }], tags: ['x', 'y'] });
    obj = apply(obj, widget({}), 'a', { now: T3 });
    assert.deepEqual(obj.spec, { containers: [{ name: 'b', image: '1' }], tags: ['y'] });
    const e = conflictOf(() => apply(obj, widget({ containers: [{ name: 'b', image: '2' }] }), 'a'));
    assert.equal(e.status.details?.causes?.[0]?.field, '.spec.containers[name="b"].image');
  });

});

describe('apply: applyPatch migration from updates and client-side apply', () => {
  it('gives existing fields to "before-first-apply" when the object has no managedFields', () => {
    const legacy = stored({ apiVersion: WIDGET_API_VERSION, kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { replicas: 1 } });
    const e = conflictOf(() => apply(legacy, widget({ replicas: 2 }), 'other', { now: T2 }));
    assert.equal(e.status.message, `Apply failed with 1 conflict: conflict with "before-first-apply" using ${WIDGET_API_VERSION}: .spec.replicas`);
    const obj = apply(legacy, widget({ paused: true }), 'other', { now: T2 });
    assert.deepEqual(managers(obj), ['other/Apply', 'before-first-apply/Update']);
  });

  it('lets kubectl take over what kubectl applied client-side, and keeps the annotation current', () => {
    const lastApplied = JSON.stringify(widget({ replicas: 1 }));
    const created = structuredClone(widget({ replicas: 1 }, { annotations: { [LAST_APPLIED_ANNOTATION]: lastApplied } })) as KubeObject;
    trackUpdate({ kind: widgetKind, manager: 'kubectl-client-side-apply', old: undefined, updated: created, now: T1 });
    const live = stored(created);
    assert.equal(conflictOf(() => apply(live, widget({ replicas: 2 }), 'someone')).code, 409);
    const obj = apply(live, widget({ replicas: 2 }), 'kubectl', { now: T2 });
    assert.equal(specOf(obj).replicas, 2);
    assert.equal(obj.metadata.annotations?.[LAST_APPLIED_ANNOTATION], '{"apiVersion":"test.gardener.cloud/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},"spec":{"replicas":2}}\n');
    assert.deepEqual(entry(obj, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  });

  it('does not let kubectl override values changed since the last client-side apply', () => {
    const created = structuredClone(widget({ replicas: 1 }, { annotations: { [LAST_APPLIED_ANNOTATION]: JSON.stringify(widget({ replicas: 7 })) } })) as KubeObject;
    trackUpdate({ kind: widgetKind, manager: 'kubectl-client-side-apply', old: undefined, updated: created, now: T1 });
    assert.equal(conflictOf(() => apply(stored(created), widget({ replicas: 2 }), 'kubectl')).code, 409);
  });

});

describe('apply: applyPatch edge cases', () => {
  it('never owns reset fields such as status on the main resource', () => {
    const obj = apply(undefined, { ...widget({ replicas: 1 }), status: { phase: 'x' } }, 'kubectl', { resetFields: [['status']] });
    assert.deepEqual(entry(obj, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  });

  it('applies through a subresource as its own entry, never owning reset fields', () => {
    const obj = apply(undefined, widget({ replicas: 1 }), 'kubectl');
    const next = apply(obj, { ...widget({ replicas: 1 }), status: { phase: 'Up' } }, 'ctrl', { subresource: 'status', resetFields: [['spec']], now: T2 });
    const ctrl = next.metadata.managedFields?.find((e) => e.manager === 'ctrl');
    assert.deepEqual(ctrl, { manager: 'ctrl', operation: 'Apply', apiVersion: WIDGET_API_VERSION, time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:phase': {} } }, subresource: 'status' });
  });

  it('owns but does not store fields applied as null', () => {
    const obj = apply(undefined, widget({ replicas: null, paused: true }), 'kubectl');
    assert.deepEqual(obj.spec, { paused: true });
    assert.deepEqual(entry(obj, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
  });

  it('answers 500 like upstream for duplicate or keyless list items', () => {
    const e = conflictOf(() => apply(undefined, widget({ containers: [{ name: 'a' }, { name: 'a' }], ports: [{ port: 1 }] }), 'kubectl'));
    assert.equal(e.code, 500);
    assert.equal(e.status.reason, undefined);
    assert.equal(
      e.status.message,
      'failed to create typed patch object (default/w; test.gardener.cloud/v1, Kind=Widget): errors:\n' +
        '  .spec.containers: duplicate entries for key [name="a"]\n' +
        '  .spec.ports: element 0: associative list with keys has an element that omits key field "protocol"',
    );
  });

  it('refuses managedFields in the configuration', () => {
    const e = conflictOf(() => apply(undefined, widget({}, { managedFields: [] }), 'kubectl'));
    assert.equal(e.code, 400);
    assert.equal(e.status.message, 'metadata.managedFields must be nil');
  });
});
