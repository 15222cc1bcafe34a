import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../apimachinery/types.js';
import { applyPatch, defaultManager, trackUpdate, type TrackUpdateInput } from './fieldmanager.js';
import { capUpdateManagers, decodeManagedFields, encodeManagedFields, MAX_UPDATE_MANAGERS } from './managed.js';
import { ignoreManagedFieldsTimestamps } from '../../registry/generic/timestamps.js';
import { stored, T1, T2, T3, widget, WIDGET_API_VERSION, widgetKind } from './testdata.js';

function write(old: KubeObject | undefined, updated: KubeObject, manager: string, opts: Partial<TrackUpdateInput> = {}): KubeObject {
  const copy = structuredClone(updated);
  trackUpdate({ kind: widgetKind, old, updated: copy, manager, now: T1, ...opts });
  return stored(copy);
}

const obj = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => widget(spec, metadata) as KubeObject;
const fields = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((e) => e.manager === manager)?.fieldsV1;
const update = (manager: string, time: string, fieldsV1: Record<string, unknown>, subresource?: string): ManagedFieldsEntry => ({
  manager,
  operation: 'Update',
  apiVersion: WIDGET_API_VERSION,
  time,
  fieldsType: 'FieldsV1',
  fieldsV1,
  ...(subresource !== undefined && { subresource }),
});

describe('apply: trackUpdate (create, update, patch)', () => {
  it('gives a creator the fields it set, with "." on the maps it added', () => {
    const created = write(undefined, obj({ replicas: 1, containers: [{ name: 'a' }] }, { labels: { app: 'x' }, generateName: 'w-' }), 'kubectl-create');
    assert.deepEqual(created.metadata.managedFields, [
      update('kubectl-create', T1, {
        'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': { '.': {}, 'f:containers': { '.': {}, 'k:{"name":"a"}': { '.': {}, 'f:name': {} } }, 'f:replicas': {} },
      }),
    ]);
  });

  it('moves changed fields to the writer and drops removed fields from everyone', () => {
    const first = write(undefined, obj({ replicas: 1, paused: true }, { labels: { a: '1', b: '2' } }), 'creator');
    const changed = structuredClone(first);
    (changed.spec as Record<string, unknown>).replicas = 2;
    delete changed.metadata.labels?.b;
    const second = write(first, changed, 'kubectl-edit', { now: T2 });
    assert.deepEqual(second.metadata.managedFields, [
      update('creator', T1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { '.': {}, 'f:paused': {} } }),
      update('kubectl-edit', T2, { 'f:spec': { 'f:replicas': {} } }),
    ]);
  });

  it('keeps one entry per manager, merging its fields and moving its time', () => {
    let o = write(undefined, obj({ replicas: 1 }), 'm');
    const a = structuredClone(o);
    (a.spec as Record<string, unknown>).paused = true;
    o = write(o, a, 'm', { now: T2 });
    assert.equal(o.metadata.managedFields?.length, 1);
    assert.equal(o.metadata.managedFields?.[0]?.time, T2);
    assert.deepEqual(fields(o, 'm'), { 'f:spec': { '.': {}, 'f:paused': {}, 'f:replicas': {} } });
  });

  it('changes nothing, times included, when a write changes no field', () => {
    const o = write(undefined, obj({ replicas: 1 }), 'm');
    const again = write(o, structuredClone(o), 'other', { now: T3 });
    assert.deepEqual(again.metadata.managedFields, o.metadata.managedFields);
    const { managedFields: _dropped, ...withoutManaged } = o.metadata;
    const body = { ...structuredClone(o), metadata: withoutManaged };
    trackUpdate({ kind: widgetKind, old: o, updated: body, manager: 'other', now: T3 });
    assert.equal(JSON.stringify(body), JSON.stringify(o), 'managedFields back where the stored object has them');
  });

  it('leaves an existing object without managedFields without them', () => {
    const legacy = stored({ ...obj({ replicas: 1 }) });
    const next = structuredClone(legacy);
    (next.spec as Record<string, unknown>).replicas = 2;
    assert.equal(trackUpdate({ kind: widgetKind, old: legacy, updated: next, manager: 'm', now: T1 }), undefined);
    assert.equal(next.metadata.managedFields, undefined);
  });

});

describe('apply: trackUpdate with client-sent managedFields', () => {
  it('resets managedFields when the client sends an empty list', () => {
    const o = write(undefined, obj({ replicas: 1 }), 'm');
    const next = structuredClone(o);
    next.metadata.managedFields = [];
    assert.equal(write(o, next, 'other').metadata.managedFields, undefined);
    next.metadata.managedFields = [{}];
    assert.equal(write(o, next, 'other').metadata.managedFields, undefined);
  });

  it('drops invalid client-sent managedFields and keeps the stored ones', () => {
    const o = write(undefined, obj({ replicas: 1 }), 'm');
    for (const bad of [[{ manager: 'x', operation: 'Bogus', apiVersion: 'v1', fieldsType: 'FieldsV1' }], [{ manager: 'x', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV2' }], [{ operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:a': 1 } }]]) {
      const next = structuredClone(o);
      next.metadata.managedFields = bad as ManagedFieldsEntry[];
      assert.deepEqual(write(o, next, 'other').metadata.managedFields, o.metadata.managedFields);
    }
  });

  it('takes valid client-sent managedFields, as kubectl’s client-side to server-side apply migration sends them', () => {
    const o = write(undefined, obj({ replicas: 1 }), 'kubectl-client-side-apply');
    const migrated = structuredClone(o);
    migrated.metadata.managedFields = [{ manager: 'kubectl', operation: 'Apply', apiVersion: WIDGET_API_VERSION, time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
    const after = write(o, migrated, 'kubectl', { now: T3 });
    assert.deepEqual(after.metadata.managedFields, migrated.metadata.managedFields);
    const applied = applyPatch({ kind: widgetKind, current: after, applied: widget({ replicas: 1 }), manager: 'kubectl', force: false, now: T3 });
    assert.deepEqual(applied.managedFields, migrated.metadata.managedFields);
  });

  it('ignores client-sent managedFields on a subresource and never owns reset fields there', () => {
    const o = write(undefined, obj({ replicas: 1 }), 'm');
    const next = structuredClone(o);
    next.metadata.managedFields = [];
    next.status = { phase: 'Up' };
    (next.spec as Record<string, unknown>).replicas = 9;
    const after = write(o, next, 'ctrl', { subresource: 'status', resetFields: [['spec']], now: T2 });
    assert.deepEqual(after.metadata.managedFields, [
      update('m', T1, { 'f:spec': { '.': {}, 'f:replicas': {} } }),
      update('ctrl', T2, { 'f:status': { '.': {}, 'f:phase': {} } }, 'status'),
    ]);
  });

});

describe('apply: trackUpdate limits', () => {
  it('caps Update entries, merging the oldest into ancient-changes', () => {
    const entries: ManagedFieldsEntry[] = [];
    for (let i = 0; i <= MAX_UPDATE_MANAGERS; i++) entries.push(update(`m${i}`, `2024-01-01T00:00:${String(10 + i)}Z`, { 'f:spec': { [`f:f${i}`]: {} } }));
    const capped = encodeManagedFields(capUpdateManagers(decodeManagedFields(entries))) ?? [];
    assert.equal(capped.length, MAX_UPDATE_MANAGERS);
    const ancient = capped.find((e) => e.manager === 'ancient-changes');
    assert.deepEqual(ancient?.fieldsV1, { 'f:spec': { 'f:f0': {}, 'f:f1': {} } });
    assert.equal(ancient?.time, '2024-01-01T00:00:11Z');
    assert.ok(!capped.some((e) => e.manager === 'm0' || e.manager === 'm1'));
  });
});

describe('apply: defaultManager', () => {
  const cases: [string | undefined, string][] = [
    ['kubectl/v1.32.4 (linux/amd64) kubernetes/abc', 'kubectl'],
    ['Go-http-client/1.1', 'Go-http-client'],
    ['curl/8.0', 'curl'],
    ['no-slash', 'no-slash'],
    ['tab\there/1', 'tabhere'],
    ['', ''],
    [undefined, ''],
    ['x'.repeat(200), 'x'.repeat(128)],
  ];
  for (const [ua, want] of cases) {
    it(`${JSON.stringify(ua)?.slice(0, 40)} -> ${JSON.stringify(want).slice(0, 20)}`, () => assert.equal(defaultManager(ua), want));
  }
});

describe('apply: ignoreManagedFieldsTimestamps', () => {
  const base = () => write(undefined, obj({ replicas: 1 }), 'm');

  it('restores the stored times when nothing else changed', () => {
    const old = base();
    const next = structuredClone(old);
    const first = next.metadata.managedFields?.[0];
    assert.ok(first);
    first.time = T3;
    assert.equal(ignoreManagedFieldsTimestamps(old, next), true);
    assert.deepEqual(next, old);
  });

  it('keeps new times when the object or the ownership changed', () => {
    const old = base();
    const changed = structuredClone(old);
    (changed.spec as Record<string, unknown>).replicas = 2;
    const entryOf = (o: KubeObject) => o.metadata.managedFields?.[0] as ManagedFieldsEntry;
    entryOf(changed).time = T3;
    assert.equal(ignoreManagedFieldsTimestamps(old, changed), false);
    assert.equal(entryOf(changed).time, T3);
    const moved = structuredClone(old);
    entryOf(moved).time = T3;
    entryOf(moved).manager = 'other';
    assert.equal(ignoreManagedFieldsTimestamps(old, moved), false);
  });
});
