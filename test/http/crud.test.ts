/** Create, read, update, patch and delete of InternalSecrets over HTTPS, with the error cases. */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../support/server.js';
import { openWatch } from '../support/watch.js';

const BASE = '/apis/core.gardener.cloud/v1beta1';
const ns = (n: string) => `${BASE}/namespaces/${n}/internalsecrets`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
/** The texts of a response's `Warning: 299` headers. */
const warnings = (r: { headers: Record<string, unknown> }): string[] =>
  String(r.headers.warning ?? '')
    .split(/, (?=299 )/)
    .filter((w) => w !== '')
    .map((w) => JSON.parse(w.replace(/^299 - /, '')) as string);

describe('InternalSecret CRUD over HTTPS', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
  });
  after(async () => s.stop());

  const create = (n: string, body: unknown) => s.request('post', ns(n)).send(body as object);

  it('creates with server-set metadata and folds stringData into data', async () => {
    const r = await create('a', { metadata: { name: 'one' }, stringData: { user: 'admin' }, data: { user: b64('x'), other: b64('y') } }).expect(201);
    assert.equal(r.body.apiVersion, 'core.gardener.cloud/v1beta1');
    assert.equal(r.body.kind, 'InternalSecret');
    assert.equal(r.body.metadata.namespace, 'a');
    assert.match(r.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(r.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(r.body.metadata.resourceVersion, /^\d+$/);
    assert.equal(r.body.data.user, b64('admin'));
    assert.equal(r.body.stringData, undefined);
    assert.equal(r.body.type, undefined, 'type is never defaulted');
    const got = await s.request('get', `${ns('a')}/one`).expect(200);
    assert.deepEqual(got.body, r.body);
  });

  it('rejects duplicates, a numeric resourceVersion on create and a namespace mismatch', async () => {
    const dup = await create('a', { metadata: { name: 'one' } }).expect(409);
    assert.equal(dup.body.reason, 'AlreadyExists');
    assert.equal(dup.body.message, 'internalsecrets.core.gardener.cloud "one" already exists');
    // A resourceVersion on create: refused as kube-apiserver's storage refuses it (a 500 without a
    // reason) when Go reads it as a nonzero number, else ignored; dry runs never reach that check.
    const rv = await create('a', { metadata: { name: 'rv', resourceVersion: '5' } }).expect(500);
    assert.deepEqual(rv.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'resourceVersion should not be set on objects to be created', code: 500 });
    await s.request('get', `${ns('a')}/rv`).expect(404);
    for (const [name, version] of [['zero', '0'], ['word', 'abc'], ['huge', '18446744073709551616']]) {
      const ignored = await create('a', { metadata: { name, resourceVersion: version } }).expect(201);
      assert.notEqual(ignored.body.metadata.resourceVersion, version);
    }
    // A dry run answers the object as storage's codec copies it: the resourceVersion sent comes back.
    for (const version of ['5', 'abc']) {
      const dry = await s.request('post', `${ns('a')}?dryRun=All`).send({ metadata: { name: 'rv', resourceVersion: version } }).expect(201);
      assert.equal(dry.body.metadata.resourceVersion, version);
    }
    const dryNone = await s.request('post', `${ns('a')}?dryRun=All`).send({ metadata: { name: 'rv' } }).expect(201);
    assert.equal(dryNone.body.metadata.resourceVersion, undefined);
    await s.request('get', `${ns('a')}/rv`).expect(404);
    const mismatch = await create('a', { metadata: { name: 'x', namespace: 'b' } }).expect(400);
    assert.equal(mismatch.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
  });

  it('keeps a client-set generation on create and the stored one on update, as for core/v1 Secrets', async () => {
    const r = await create('gen', { metadata: { name: 'g', generation: 7 } }).expect(201);
    assert.equal(r.body.metadata.generation, 7);
    const put = await s.request('put', `${ns('gen')}/g`).send({ metadata: { name: 'g', generation: 9 }, data: { a: b64('1') } }).expect(200);
    assert.equal(put.body.metadata.generation, 7, 'an update cannot change the generation');
    const zero = await create('gen', { metadata: { name: 'z', generation: 0 } }).expect(201);
    assert.equal(zero.body.metadata.generation, undefined, 'zero is left out, as Go writes it');
    const neg = await create('gen', { metadata: { name: 'n', generation: -1 } }).expect(422);
    assert.equal(neg.body.details.causes[0].field, 'metadata.generation');
  });

  it('decodes nulls in lists and maps as Go does: zero values, validated like any other', async () => {
    const r = await create('nulls', { metadata: { name: 'n', labels: { a: null }, annotations: { b: null } } }).expect(201);
    assert.deepEqual(r.body.metadata.labels, { a: '' });
    assert.deepEqual(r.body.metadata.annotations, { b: '' });
    const selected = await s.request('get', `${ns('nulls')}?labelSelector=a%3D`).expect(200);
    assert.deepEqual(selected.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['n']);
    const fin = await create('nulls', { metadata: { name: 'f', finalizers: [null] } }).expect(422);
    assert.match(fin.body.message, /metadata.finalizers: Invalid value: "": name part must be non-empty/);
    // Times decode as metav1.Time does: Go's parse errors are 400s.
    const time = await create('nulls', { metadata: { name: 't', creationTimestamp: 'junk' } }).expect(400);
    assert.equal(time.body.message, 'InternalSecret in version "v1beta1" cannot be handled as a InternalSecret: parsing time "junk" as "2006-01-02T15:04:05Z07:00": cannot parse "junk" as "2006"');
    const owners = await s.request('patch', `${ns('nulls')}/n`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"ownerReferences":[null]}}').expect(422);
    assert.match(owners.body.message, /metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty/);
  });

  it('drops repeated owner references with kube-apiserver\'s warning', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u1' };
    const r = await create('own', { metadata: { name: 'o', ownerReferences: [ref, { ...ref }, { ...ref, name: 'other' }] } }).expect(201);
    assert.deepEqual(r.body.metadata.ownerReferences, [ref, { ...ref, name: 'other' }], 'same uid but different entries stay');
    assert.equal(r.headers.warning, '299 - ".metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: u1"');
    const patched = await s.request('patch', `${ns('own')}/o`).set('Content-Type', 'application/json-patch+json').send(JSON.stringify([{ op: 'add', path: '/metadata/ownerReferences/-', value: ref }])).expect(200);
    assert.equal(patched.body.metadata.ownerReferences.length, 2);
    assert.match(String(patched.headers.warning), /contains duplicate entries after mutating admission happens; .* duplicate UID\(s\) observed: u1"$/);
  });

  it('generates names from generateName', async () => {
    const r = await create('gen', { metadata: { generateName: 'ca-' } }).expect(201);
    assert.match(r.body.metadata.name, /^ca-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('reports validation failures as 422 with causes', async () => {
    const r = await create('a', { metadata: { name: 'bad' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }).expect(422);
    assert.equal(r.body.reason, 'Invalid');
    assert.equal(r.body.details.kind, 'InternalSecret');
    assert.equal(r.body.details.group, 'core.gardener.cloud');
    assert.deepEqual(r.body.details.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'data[tls.key]' }]);
    assert.equal(r.body.message, 'InternalSecret.core.gardener.cloud "bad" is invalid: data[tls.key]: Required value');
  });

  it('applies fieldValidation: Warn by default, Strict fails, Ignore is silent', async () => {
    const body = { metadata: { name: 'fv', labelz: { a: 'b' } }, data: {}, spec: 1 };
    const warn = await create('fv', body).expect(201);
    const warnings = String(warn.headers.warning ?? '');
    assert.match(warnings, /299 - "unknown field \\"metadata.labelz\\""/);
    assert.match(warnings, /299 - "unknown field \\"spec\\""/);
    assert.equal(warn.body.spec, undefined, 'unknown fields are dropped');
    const strict = await s.request('post', `${ns('fv')}?fieldValidation=Strict`).send({ ...body, metadata: { name: 'fv2', labelz: {} } }).expect(400);
    assert.equal(strict.body.message, 'InternalSecret in version "v1beta1" cannot be handled as a InternalSecret: strict decoding error: unknown field "metadata.labelz", unknown field "spec"');
    const raw = '{"metadata":{"name":"dup","name":"dup"}}';
    const dupStrict = await s.request('post', `${ns('fv')}?fieldValidation=Strict`).set('Content-Type', 'application/json').send(raw).expect(400);
    assert.equal(dupStrict.body.message, 'InternalSecret in version "v1beta1" cannot be handled as a InternalSecret: strict decoding error: duplicate field "metadata.name"');
    const bogus = await s.request('post', `${ns('fv')}?fieldValidation=Bogus`).send({ metadata: { name: 'fv4' } }).expect(422);
    assert.equal(bogus.body.message, 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"');
    const ignore = await s.request('post', `${ns('fv')}?fieldValidation=Ignore`).send({ metadata: { name: 'fv3' }, spec: 1 }).expect(201);
    assert.equal(ignore.headers.warning, undefined);
  });

  it('honours dryRun=All on every write', async () => {
    await s.request('post', `${ns('dry')}?dryRun=All`).send({ metadata: { name: 'd' } }).expect(201);
    await s.request('get', `${ns('dry')}/d`).expect(404);
    await create('dry', { metadata: { name: 'd' }, data: { a: b64('1') } }).expect(201);
    await s.request('patch', `${ns('dry')}/d?dryRun=All`).set('Content-Type', 'application/merge-patch+json').send('{"data":{"a":"Mg=="}}').expect(200);
    await s.request('delete', `${ns('dry')}/d?dryRun=All`).expect(200);
    const after = await s.request('get', `${ns('dry')}/d`).expect(200);
    assert.equal(after.body.data.a, b64('1'));
    const bad = await s.request('post', `${ns('dry')}?dryRun=Some`).send({ metadata: { name: 'x' } }).expect(422);
    assert.equal(bad.body.message, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"');
  });

  it('updates with optimistic concurrency and no create on update', async () => {
    const cur = (await s.request('get', `${ns('a')}/one`).expect(200)).body;
    const next = { ...cur, data: { user: b64('root') } };
    const updated = await s.request('put', `${ns('a')}/one`).send(next).expect(200);
    assert.notEqual(updated.body.metadata.resourceVersion, cur.metadata.resourceVersion);
    const stale = await s.request('put', `${ns('a')}/one`).send(next).expect(409);
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on internalsecrets.core.gardener.cloud "one": the object has been modified; please apply your changes to the latest version and try again',
    );
    const { resourceVersion: _rv, ...meta } = updated.body.metadata;
    await s.request('put', `${ns('a')}/one`).send({ ...updated.body, metadata: meta }).expect(200);
    await s.request('put', `${ns('a')}/missing`).send({ metadata: { name: 'missing', resourceVersion: 'abc' } }).expect(404);
    // A resourceVersion Go cannot read as a uint64 is strconv's error in a 500, as kube-apiserver's registry answers it.
    for (const [version, error] of [['abc', 'invalid syntax'], ['-1', 'invalid syntax'], ['18446744073709551616', 'value out of range']]) {
      const put = await s.request('put', `${ns('a')}/one`).send({ ...updated.body, metadata: { ...meta, resourceVersion: version } }).expect(500);
      assert.deepEqual(put.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `strconv.ParseUint: parsing "${version}": ${error}`, code: 500 });
    }
    const patched = await s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/merge-patch+json').send({ metadata: { resourceVersion: 'x' } }).expect(500);
    assert.equal(patched.body.message, 'strconv.ParseUint: parsing "x": invalid syntax');
    const renamed = await s.request('put', `${ns('a')}/one`).send({ ...updated.body, metadata: { ...meta, name: 'two' } }).expect(400);
    assert.match(renamed.body.message, /does not match the name on the URL/);
    const { name: _name, ...nameless } = meta;
    const noName = await s.request('put', `${ns('a')}/one`).send({ ...updated.body, metadata: nameless }).expect(400);
    assert.equal(noName.body.message, 'the name of the object (one based on URL) was undeterminable: name must be provided');
    // A uid in the body is a precondition: another object of the same name (deleted and recreated) is a conflict.
    const otherUid = await s.request('put', `${ns('a')}/one`).send({ ...updated.body, metadata: { ...meta, uid: 'abc' } }).expect(409);
    assert.equal(otherUid.body.reason, 'Conflict');
    assert.match(otherUid.body.message, /^Operation cannot be fulfilled on internalsecrets.core.gardener.cloud "one": .*UID in precondition: abc, UID in object meta: /);
  });

  it('loses no concurrent patch and refuses no update naming the latest resourceVersion', async () => {
    // Updates start from the watch cache's copy, which may trail the writes just made.
    await create('race', { metadata: { name: 'r' }, data: { n: b64('0') } }).expect(201);
    const patches = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        s.request('patch', `${ns('race')}/r`).set('Content-Type', 'application/merge-patch+json').send(`{"metadata":{"labels":{"l${i}":"v"}}}`).expect(200),
      ),
    );
    assert.equal(new Set(patches.map((r) => r.body.metadata.resourceVersion)).size, 12, 'one write each');
    let cur = (await s.request('get', `${ns('race')}/r`).expect(200)).body;
    assert.deepEqual(Object.keys(cur.metadata.labels).sort(), Array.from({ length: 12 }, (_, i) => `l${i}`).sort());
    const first = cur;
    for (let n = 1; n <= 20; n++) {
      cur = (await s.request('put', `${ns('race')}/r`).send({ ...cur, data: { n: b64(String(n)) } }).expect(200)).body;
    }
    assert.equal((await s.request('get', `${ns('race')}/r`).expect(200)).body.data.n, b64('20'));
    const stale = await s.request('put', `${ns('race')}/r`).send({ ...first, data: { n: b64('stale') } }).expect(409);
    assert.equal(stale.body.reason, 'Conflict');
  });

  it('keeps type and immutable data as upstream does', async () => {
    await create('imm', { metadata: { name: 'i' }, type: 'Opaque', immutable: true, data: { a: b64('1') } }).expect(201);
    const cur = (await s.request('get', `${ns('imm')}/i`).expect(200)).body;
    const changed = await s.request('put', `${ns('imm')}/i`).send({ ...cur, data: { a: b64('2') } }).expect(422);
    assert.match(changed.body.message, /data: Forbidden: field is immutable when `immutable` is set/);
    const typeChange = await s.request('put', `${ns('imm')}/i`).send({ ...cur, type: 'Other' }).expect(422);
    assert.match(typeChange.body.message, /type: Invalid value: "Other": field is immutable/);
    const { type: _t, ...untyped } = cur;
    const kept = await s.request('put', `${ns('imm')}/i`).send(untyped).expect(200);
    assert.equal(kept.body.type, 'Opaque', 'an empty type on update is taken from the stored object');
  });

  it('patches with merge, JSON and strategic merge patches; 422 for a failed JSON patch', async () => {
    const merge = await s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"x":"y"}},"stringData":{"s":"t"}}').expect(200);
    assert.equal(merge.body.metadata.labels.x, 'y');
    assert.equal(merge.body.data.s, b64('t'), 'stringData in a patch is folded into data');
    // A list a merge patch adds loses the null members of its objects, as in evanphx/json-patch.
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u1', controller: null, blockOwnerDeletion: true };
    const owned = await s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/merge-patch+json').send({ metadata: { ownerReferences: [owner] } }).expect(200);
    assert.deepEqual(owned.body.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u1', blockOwnerDeletion: true }]);
    await s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/merge-patch+json').send({ metadata: { ownerReferences: null } }).expect(200);
    const json = await s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/json-patch+json').send('[{"op":"remove","path":"/metadata/labels/x"}]').expect(200);
    assert.equal(json.body.metadata.labels?.x, undefined);
    const smp = await s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/strategic-merge-patch+json').send('{"stringData":{"u":"v"}}').expect(200);
    assert.equal(smp.body.data.u, b64('v'), 'stringData in a strategic merge patch is folded into data');
    const unknown = await s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/yaml').send('{}').expect(415);
    assert.equal(unknown.body.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml');
    const failed = await s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/json-patch+json').send('[{"op":"test","path":"/data/user","value":"nope"}]').expect(422);
    assert.equal(failed.body.code, 422);
    // kube-apiserver's generic 422 text, with evanphx/json-patch's words (the library it applies JSON
    // patches with) as the one cause; and that library's leniency: replace of a member an object lacks adds it.
    const jsonPatch = (ops: object[]) => s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/json-patch+json').send(JSON.stringify(ops));
    const failures: [object, string][] = [
      [{ op: 'test', path: '/data/user', value: 'nope' }, 'testing value /data/user failed: test failed'],
      [{ op: 'add', path: '/metadata/annotations/c', value: 'x' }, 'add operation does not apply: doc is missing path: "/metadata/annotations/c": missing value'],
      [{ op: 'remove', path: '/metadata/annotations/c' }, 'remove operation does not apply: doc is missing path: "/metadata/annotations/c": missing value'],
      [{ op: 'remove', path: '/metadata/labels/nope' }, "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value"],
      [{ op: 'replace', path: '/spec/x', value: 1 }, 'replace operation does not apply: doc is missing path: /spec/x: missing value'],
      [{ op: 'copy', from: '/nope/x', path: '/metadata/labels/y' }, 'copy operation does not apply: doc is missing from path: /nope/x: missing value'],
      // Operations are read as they are applied: a malformed one fails there, with 422.
      [{ op: 'foo', path: '/a' }, 'Unexpected kind: foo'],
      [{ path: '/a' }, 'Unexpected kind: unknown'],
      [{ op: 'add', value: 1 }, 'add operation failed to decode path: missing value'],
      [{ op: 'add', path: 'a', value: 1 }, 'add operation does not apply: doc is missing path: "a": missing value'],
      [{ op: 'replace', value: 1 }, 'replace operation failed to decode path: operation missing path field: missing value'],
      [{ op: 'move', path: '/metadata/labels/y' }, 'move operation failed to decode from: operation, missing from field: missing value'],
      [{ op: 'move', from: '/metadata/labels/zz', path: '/metadata/labels/y' }, "error in move for path: 'zz': Unable to remove nonexistent key: zz: missing value"],
      [{ op: 'copy', from: '/metadata/labels' }, 'copy operation failed to decode path: missing value'],
    ];
    await jsonPatch([{ op: 'add', path: '/metadata/labels', value: { keep: 'me' } }]).expect(200);
    for (const [op, message] of failures) {
      const r = await jsonPatch([op]).expect(422);
      assert.deepEqual([r.body.reason, r.body.message], ['Invalid', 'the server rejected our request due to an error in our request'], JSON.stringify(op));
      assert.deepEqual(r.body.details, { causes: [{ reason: 'UnexpectedServerResponse', message }] }, JSON.stringify(op));
    }
    const afterGood = await s.request('patch', `${ns('a')}/one`).set('Content-Type', 'application/json-patch+json').send('[{"op":"add","path":"/metadata/labels/z","value":"z"},null]').expect(422);
    assert.deepEqual(afterGood.body.details.causes, [{ reason: 'UnexpectedServerResponse', message: 'Unexpected kind: unknown' }]);
    const replaced = await jsonPatch([{ op: 'replace', path: '/metadata/labels/new', value: 'v' }]).expect(200);
    assert.equal(replaced.body.metadata.labels.new, 'v');
    // evanphx's leniencies: a copy from a member an object lacks, and an add without a value, set null
    // (a string field then decodes as "").
    const copied = await jsonPatch([{ op: 'copy', from: '/nope', path: '/metadata/labels/copied' }, { op: 'add', path: '/metadata/labels/bare' }]).expect(200);
    assert.deepEqual([copied.body.metadata.labels.copied, copied.body.metadata.labels.bare, copied.body.metadata.labels.z], ['', '', undefined]);
    await s.request('patch', `${ns('a')}/nope`).set('Content-Type', 'application/merge-patch+json').send('{}').expect(404);
  });

  it('applies JSON patches to list elements as evanphx/json-patch v4 does: negative indices from the end, its refusals of others', async () => {
    const ref = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid: `u-${name}` });
    await create('arrays', { metadata: { name: 'l', ownerReferences: [ref('a'), ref('b')] } }).expect(201);
    const names = (body: { metadata: { ownerReferences?: { name: string }[] } }) => (body.metadata.ownerReferences ?? []).map((r) => r.name);
    const jsonPatch = (ops: object[]) => s.request('patch', `${ns('arrays')}/l`).set('Content-Type', 'application/json-patch+json').send(JSON.stringify(ops));
    const ok = async (ops: object[]) => {
      const r = await jsonPatch(ops);
      assert.equal(r.status, 200, `${JSON.stringify(ops)}: ${r.text}`);
      return r.body;
    };
    const L = '/metadata/ownerReferences';
    // An add counts from the end of the list it makes: -1 appends.
    assert.deepEqual(names(await ok([{ op: 'add', path: `${L}/-1`, value: ref('c') }])), ['a', 'b', 'c']);
    assert.deepEqual(names(await ok([{ op: 'remove', path: `${L}/-1` }])), ['a', 'b']);
    assert.deepEqual(names(await ok([{ op: 'add', path: `${L}/-2`, value: ref('c') }, { op: 'remove', path: `${L}/-1` }])), ['a', 'c']);
    assert.deepEqual(names(await ok([{ op: 'test', path: `${L}/-1/name`, value: 'c' }, { op: 'replace', path: `${L}/-1/name`, value: 'c' }])), ['a', 'c'], 'parents resolved too');
    assert.deepEqual(names(await ok([{ op: 'test', path: `${L}/-2`, value: ref('a') }, { op: 'replace', path: `${L}/-2`, value: ref('d') }])), ['d', 'c']);
    assert.deepEqual(names(await ok([{ op: 'move', from: `${L}/0`, path: `${L}/1` }])), ['c', 'd'], 'the destination is found after the source went');
    assert.deepEqual(names(await ok([{ op: 'copy', from: `${L}/-1`, path: `${L}/-` }, { op: 'remove', path: `${L}/2` }])), ['c', 'd']);
    const failures: [object, string][] = [
      [{ op: 'move', from: `${L}/0`, path: `${L}/5` }, `error in move for path: '${L}/5': Unable to access invalid index: 5: invalid index referenced`],
      [{ op: 'add', path: `${L}/5`, value: ref('x') }, `error in add for path: '${L}/5': Unable to access invalid index: 5: invalid index referenced`],
      [{ op: 'add', path: `${L}/-4`, value: ref('x') }, `error in add for path: '${L}/-4': Unable to access invalid index: -4: invalid index referenced`],
      [{ op: 'add', path: `${L}/x`, value: ref('x') }, `error in add for path: '${L}/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`],
      [{ op: 'remove', path: `${L}/7` }, `error in remove for path: '${L}/7': Unable to access invalid index: 7: invalid index referenced`],
      [{ op: 'remove', path: `${L}/x` }, `error in remove for path: '${L}/x': strconv.Atoi: parsing "x": invalid syntax`],
      [{ op: 'replace', path: `${L}/7`, value: ref('x') }, `replace operation does not apply: doc is missing key: ${L}/7: missing value`],
      [{ op: 'replace', path: `${L}/-`, value: ref('x') }, `replace operation does not apply: doc is missing key: ${L}/-: missing value`],
      [{ op: 'test', path: `${L}/7`, value: ref('x') }, `error in test for path: '${L}/7': Unable to access invalid index: 7: invalid index referenced`],
      [{ op: 'test', path: `${L}/0`, value: ref('x') }, `testing value ${L}/0 failed: test failed`],
      [{ op: 'copy', from: `${L}/9`, path: `${L}/-` }, `error in copy for from: '${L}/9': Unable to access invalid index: 9: invalid index referenced`],
      [{ op: 'move', from: `${L}/9`, path: `${L}/0` }, "error in move for path: '9': Unable to access invalid index: 9: invalid index referenced"],
      [{ op: 'test', path: `${L}/-1/name`, value: 'x' }, `testing value ${L}/-1/name failed: test failed`],
      [{ op: 'remove', path: `${L}/-1/nope` }, `error in remove for path: '${L}/-1/nope': Unable to remove nonexistent key: nope: missing value`],
      [{ op: 'add', path: `${L}/-3/name`, value: 'x' }, `add operation does not apply: doc is missing path: "${L}/-3/name": missing value`],
    ];
    for (const [op, message] of failures) {
      const r = await jsonPatch([op]).expect(422);
      assert.deepEqual(r.body.details, { causes: [{ reason: 'UnexpectedServerResponse', message }] }, JSON.stringify(op));
    }
    assert.deepEqual(names((await s.request('get', `${ns('arrays')}/l`).expect(200)).body), ['c', 'd'], 'nothing changed');
  });

  it("reads patch bodies as kube-apiserver does: its decode errors, and unknown or repeated fields per fieldValidation as 422s on the field patch or warnings", async () => {
    const obj = `${ns('pb')}/p`;
    await create('pb', { metadata: { name: 'p', labels: { keep: 'me' } } }).expect(201);
    const before = (await s.request('get', obj).expect(200)).body;
    const send = (type: string, body: string, query = '') => s.request('patch', `${obj}${query}`).set('Content-Type', `application/${type}+json`).send(body);
    const bad: [string, string, string, string][] = [
      ['merge-patch', '{"metadata":', '', 'error decoding patch: unexpected end of JSON input'],
      ['merge-patch', '', '', 'error decoding patch: unexpected end of JSON input'],
      ['merge-patch', '[]', '', 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}'],
      ['merge-patch', 'null', '', 'Invalid JSON Patch'],
      ['merge-patch', '{"metadata":', '?fieldValidation=Ignore', 'Invalid JSON Patch'],
      ['json-patch', '[{"op":', '', 'error decoding patch: unexpected end of JSON input'],
      ['json-patch', '{}', '', 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp'],
      ['json-patch', '[{"op":1}]', '', 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string'],
      ['json-patch', '{}', '?fieldValidation=Ignore', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
      ['strategic-merge-patch', '{"metadata":', '', 'unexpected end of JSON input'],
      ['strategic-merge-patch', '[]', '?fieldValidation=Strict', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
      // Numbers JSON.parse reads as Infinity: Go cannot hold them in a float64.
      ['merge-patch', '{"x":[1e400]}', '', 'error decoding patch: json: cannot unmarshal number 1e400 into Go value of type float64'],
      ['strategic-merge-patch', `{"x":${'9'.repeat(400)}}`, '', `json: cannot unmarshal number ${'9'.repeat(400)} into Go value of type float64`],
    ];
    for (const [type, body, query, message] of bad) {
      const r = await send(type, body, query).expect(400);
      assert.equal(r.body.message, message, `${type} ${body} ${query}`);
    }
    // The body is read once the object is found.
    await s.request('patch', `${ns('pb')}/missing`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":').expect(404);

    /** A 422 on the field patch showing `shown` (a pattern for the patched object's JSON, or the text of a strategic patch's map). */
    const invalidPatch = (r: { body: { message: string; details: unknown } }, shown: RegExp | string, why: string) => {
      const prefix = ' "" is invalid: patch: Invalid value: ';
      assert.ok(r.body.message.startsWith(prefix) && r.body.message.endsWith(`: ${why}`), r.body.message);
      const value = r.body.message.slice(prefix.length, r.body.message.length - why.length - 2);
      if (typeof shown === 'string') assert.equal(value, JSON.stringify(shown));
      else assert.match(JSON.parse(value) as string, shown);
      assert.deepEqual(r.body.details, { causes: [{ reason: 'FieldValueInvalid', message: r.body.message.slice(' "" is invalid: patch: '.length), field: 'patch' }] });
    };
    const unknown = await send('merge-patch', '{"bar":1}', '?fieldValidation=Strict').expect(422);
    invalidPatch(unknown, /^\{"apiVersion":"core.gardener.cloud\/v1beta1","kind":"InternalSecret","metadata":\{.*"bar":1\}$/, 'strict decoding error: unknown field "bar"');
    const smpUnknown = await send('strategic-merge-patch', '{"metadata":{"labels":{"a":"1","a":"2"}},"zed":1,"bar":[true]}', '?fieldValidation=Strict').expect(422);
    invalidPatch(smpUnknown, 'map[bar:[true] metadata:map[labels:map[a:2]] zed:1]', 'strict decoding error: duplicate field "metadata.labels.a", unknown field "bar", unknown field "zed"');
    const opUnknown = await send('json-patch', '[{"op":"add","path":"/bar","value":{"x":1,"x":2},"foo":1}]', '?fieldValidation=Strict').expect(422);
    invalidPatch(opUnknown, /"bar":\{"x":2\}/, 'strict decoding error: json patch duplicate field "[0].value.x", json patch unknown field "[0].foo", unknown field "bar"');
    const typed = await send('merge-patch', '{"data":{"a":1}}').expect(422);
    invalidPatch(typed, /"data":\{"a":1\}/, 'json: cannot unmarshal number into Go struct field InternalSecret.data of type []uint8');
    const kind = await send('json-patch', '[{"op":"replace","path":"/kind","value":"Secret"}]').expect(422);
    invalidPatch(kind, /"kind":"Secret"/, 'no kind "Secret" is registered for version "core.gardener.cloud/v1beta1" in scheme "pkg/runtime/scheme.go:100"');
    const base64 = await send('merge-patch', '{"data":{"a":"!!!"}}').expect(422);
    invalidPatch(base64, /"data":\{"a":"!!!"\}/, 'illegal base64 data at input byte 0');
    // JSON and merge patches keep numbers as written: Go's decoder refuses a whole number written as a
    // decimal in an integer field, and the refusal shows it as written.
    const decimal = await send('merge-patch', '{"metadata":{"generation":600.0}}').expect(422);
    invalidPatch(decimal, /"generation":600\.0[,}]/, 'json: cannot unmarshal number 600.0 into Go struct field ObjectMeta.metadata.generation of type int64');
    const exponent = await send('json-patch', '[{"op":"add","path":"/metadata/generation","value":6e2},{"op":"copy","from":"/metadata/generation","path":"/metadata/deletionGracePeriodSeconds"}]').expect(422);
    invalidPatch(exponent, /"generation":6e2[,}]/, 'json: cannot unmarshal number 6e2 into Go struct field ObjectMeta.metadata.deletionGracePeriodSeconds of type int64');
    // Go reports the first in the patched JSON: what an operation adds keeps the patch's key order.
    const ordered = await send('json-patch', '[{"op":"add","path":"/metadata/labels","value":{"x":"1"}},{"op":"replace","path":"/metadata/labels","value":{}},{"op":"add","path":"/spec","value":{"z":1}},{"op":"remove","path":"/spec"},{"op":"add","path":"/metadata/generation","value":6e2},{"op":"add","path":"/metadata/deletionGracePeriodSeconds","value":7E0}]').expect(422);
    invalidPatch(ordered, /"generation":6e2[,}]/, 'json: cannot unmarshal number 7E0 into Go struct field ObjectMeta.metadata.deletionGracePeriodSeconds of type int64');
    const added = await send('json-patch', '[{"op":"add","path":"/status","value":{"generation":6e2,"deletionGracePeriodSeconds":7e0}},{"op":"move","from":"/status","path":"/metadata"}]').expect(422);
    invalidPatch(added, /"generation":6e2[,}]/, 'json: cannot unmarshal number 6e2 into Go struct field ObjectMeta.metadata.generation of type int64');
    // A test operation compares numbers by their text, as evanphx/json-patch does.
    const tested = await send('json-patch', '[{"op":"add","path":"/metadata/generation","value":5.0},{"op":"test","path":"/metadata/generation","value":5}]').expect(422);
    assert.equal(tested.body.details.causes[0].message, 'testing value /metadata/generation failed: test failed');
    const same = await send('json-patch', '[{"op":"add","path":"/metadata/generation","value":5.0},{"op":"test","path":"/metadata/generation","value":5.0}]').expect(422);
    invalidPatch(same, /"generation":5\.0[,}]/, 'json: cannot unmarshal number 5.0 into Go struct field ObjectMeta.metadata.generation of type int64');
    assert.deepEqual((await s.request('get', obj).expect(200)).body, before, 'nothing changed');
    // Where the patch's number does not stay (replaced by a later operation) and in a strategic merge
    // patch (applied to decoded values), a whole decimal is an integer.
    await send('json-patch', '[{"op":"test","path":"/metadata/name","value":"p"},{"op":"add","path":"/metadata/generation","value":5.0},{"op":"replace","path":"/metadata/generation","value":5}]').expect(200);
    await send('strategic-merge-patch', '{"metadata":{"generation":6.0}}').expect(200);

    // Warn (the default) reports the same problems as warnings and patches; Ignore says nothing.
    const warned = await send('merge-patch', '{"bar":1,"metadata":{"labels":{"w":"1","w":"2"}}}').expect(200);
    assert.deepEqual(warnings(warned), ['duplicate field "metadata.labels.w"', 'unknown field "bar"']);
    assert.equal(warned.body.metadata.labels.w, '2');
    const opWarned = await send('json-patch', '[{"op":"add","path":"/metadata/labels/j","value":"1","foo":1}]').expect(200);
    assert.deepEqual(warnings(opWarned), ['json patch unknown field "[0].foo"']);
    const ignored = await send('merge-patch', '{"bar":1,"metadata":{"labels":{"i":"1","i":"2"}}}', '?fieldValidation=Ignore').expect(200);
    assert.equal(ignored.headers.warning, undefined);
  });

  it("refuses applied fields the kind's Go type does not declare with the typed conversion's 500, and repeated keys per fieldValidation", async () => {
    const apply = (body: string, query = '') =>
      s.request('patch', `${ns('ssa')}/a1?fieldManager=m${query}`).set('Content-Type', 'application/apply-patch+yaml').send(body);
    const config = (rest: string) => `{"apiVersion":"core.gardener.cloud/v1beta1","kind":"InternalSecret","metadata":{"name":"a1","namespace":"ssa"${rest}`;
    const failed = (message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
    const prefix = 'failed to create typed patch object (ssa/a1; core.gardener.cloud/v1beta1, Kind=InternalSecret): ';
    for (const query of ['', '&fieldValidation=Ignore', '&fieldValidation=Strict']) {
      const r = await apply(config('},"bar":1}'), query).expect(500);
      assert.deepEqual(r.body, failed(`${prefix}.bar: field not declared in schema`), query);
    }
    const several = await apply(config(',"foo":1},"data":{},"bar":1,"baz":2}')).expect(500);
    assert.equal(several.body.message, `${prefix}errors:\n  .metadata.foo: field not declared in schema\n  .bar: field not declared in schema`);
    await s.request('get', `${ns('ssa')}/a1`).expect(404);

    const repeated = config('},"data":{},"data":{}}');
    const strict = await apply(repeated, '&fieldValidation=Strict').expect(400);
    assert.equal(strict.body.message, 'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 1: key "data" already set in map');
    await s.request('get', `${ns('ssa')}/a1`).expect(404);
    const warned = await apply(repeated).expect(201);
    assert.deepEqual(warnings(warned), ['line 1: key "data" already set in map']);
    const ignored = await apply(repeated, '&fieldValidation=Ignore').expect(200);
    assert.equal(ignored.headers.warning, undefined);
  });

  it('drops labels, annotations and finalizers once they are empty, as kube stores them', async () => {
    await create('empty', { metadata: { name: 'e', labels: { a: 'b' }, annotations: { c: 'd' }, finalizers: ['x'] } }).expect(201);
    const r = await s.request('patch', `${ns('empty')}/e`).set('Content-Type', 'application/merge-patch+json').send({ metadata: { labels: { a: null }, annotations: { c: null }, finalizers: [] } }).expect(200);
    for (const key of ['labels', 'annotations', 'finalizers']) assert.equal(r.body.metadata[key], undefined, key);
    const created = await create('empty', { metadata: { name: 'f', labels: {}, ownerReferences: [] } }).expect(201);
    assert.equal(created.body.metadata.labels, undefined);
    assert.equal(created.body.metadata.ownerReferences, undefined);
  });

  it('deletes with preconditions and answers with a Success status', async () => {
    const cur = (await create('del', { metadata: { name: 'x' } }).expect(201)).body;
    const wrong = await s.request('delete', `${ns('del')}/x`).send({ preconditions: { uid: 'nope' } }).expect(409);
    assert.equal(wrong.body.message, `Operation cannot be fulfilled on InternalSecret.core.gardener.cloud "x": the UID in the precondition (nope) does not match the UID in record (${cur.metadata.uid}). The object might have been deleted and then recreated`);
    assert.deepEqual(wrong.body.details, { name: 'x', group: 'core.gardener.cloud', kind: 'InternalSecret' });
    const stale = await s.request('delete', `${ns('del')}/x`).send({ preconditions: { resourceVersion: '1' } }).expect(409);
    assert.match(stale.body.message, /the ResourceVersion in the precondition \(1\) does not match the ResourceVersion in record \(\d+\)\. The object might have been modified$/);
    const ok = await s.request('delete', `${ns('del')}/x`).send({ preconditions: { uid: cur.metadata.uid } }).expect(200);
    assert.equal(ok.body.kind, 'Status');
    assert.equal(ok.body.status, 'Success');
    assert.deepEqual(ok.body.details, { name: 'x', group: 'core.gardener.cloud', kind: 'internalsecrets', uid: cur.metadata.uid });
    assert.equal(ok.body.code, undefined, 'no code, as kube-apiserver\'s finalizeDelete');
    const gone = await s.request('delete', `${ns('del')}/x`).expect(404);
    assert.equal(gone.body.message, 'internalsecrets.core.gardener.cloud "x" not found');
  });

  it('reads DeleteOptions from the body when there is one, else from the query, as Go decodes and validates them', async () => {
    const make = async (name: string, extra: object = {}) => (await create('delopts', { metadata: { name, ...extra } }).expect(201)).body;
    const del = (name: string, query = '', body?: unknown) => {
      const req = s.request('delete', `${ns('delopts')}/${name}${query}`);
      return body === undefined ? req : req.set('Content-Type', 'application/json').send(JSON.stringify(body));
    };
    // A body's options win over the query's, except that a dryRun in the query still counts.
    await make('a');
    await del('a', '?propagationPolicy=Bogus&gracePeriodSeconds=x', { kind: 'DeleteOptions', apiVersion: 'v1' }).expect(200);
    await s.request('get', `${ns('delopts')}/a`).expect(404);
    await make('b');
    await del('b', '?dryRun=All', { kind: 'DeleteOptions', apiVersion: 'v1' }).expect(200);
    await s.request('get', `${ns('delopts')}/b`).expect(200);
    await del('b', '', { dryRun: ['All'] }).expect(200);
    await s.request('get', `${ns('delopts')}/b`).expect(200);
    // The body's media type is negotiated as for any body: YAML is read, an unknown type refused.
    await s.request('delete', `${ns('delopts')}/b`).set('Content-Type', 'application/yaml').send('kind: DeleteOptions\napiVersion: v1\ndryRun: [All]\n').expect(200);
    await s.request('get', `${ns('delopts')}/b`).expect(200);
    const plain = await s.request('delete', `${ns('delopts')}/b`).set('Content-Type', 'text/plain').send('{"propagationPolicy":"Background"}').expect(415);
    assert.equal(plain.body.message, 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    await s.request('get', `${ns('delopts')}/b`).expect(200);
    // What Go cannot decode is a 400 and deletes nothing.
    const typeErrors: [unknown, string][] = [
      [{ gracePeriodSeconds: 'x' }, 'json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
      [{ propagationPolicy: 5 }, 'json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy of type string'],
      [{ gracePeriodSeconds: 1.5 }, 'json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
      [{ dryRun: 'All' }, 'json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string'],
      [{ preconditions: { uid: 1 } }, 'json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid of type string'],
      [[1], `couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`],
    ];
    for (const [body, message] of typeErrors) {
      const r = await del('b', '', body).expect(400);
      assert.equal(r.body.message, message, JSON.stringify(body));
    }
    await s.request('get', `${ns('delopts')}/b`).expect(200);
    // ValidateDeleteOptions, with its texts.
    const both = await del('b', '', { orphanDependents: true, propagationPolicy: 'Orphan' }).expect(422);
    assert.match(both.body.message, /propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set/);
    const policy = await del('b', '?propagationPolicy=Bogus').expect(422);
    assert.match(policy.body.message, /propagationPolicy: Unsupported value: "Bogus": supported values: "Foreground", "Background", "Orphan", "nil"$/);
    const dry = await del('b', '', { dryRun: ['Foo', 'All'] }).expect(422);
    assert.match(dry.body.message, /dryRun: Unsupported value: \[\]string\{"Foo", "All"\}: supported values: "All"$/);
    await s.request('get', `${ns('delopts')}/b`).expect(200);
    // orphanDependents=false on an object held by finalizers: 202, as kube-apiserver answers it.
    const held = await make('c', { finalizers: ['example.com/hold'], generation: 3 });
    const accepted = await del('c', '', { orphanDependents: false }).expect(202);
    assert.equal(accepted.body.metadata.generation, 4, 'the generation moves on when the deletion starts');
    assert.equal(held.metadata.generation, 3);
    // A create that meets the object while it is being deleted is told so.
    const exists = await create('delopts', { metadata: { name: 'c' } }).expect(409);
    assert.equal(exists.body.message, 'object is being deleted: internalsecrets.core.gardener.cloud "c" already exists');
  });

  it('checks the name before the object exists, and the resourceVersion before validation and validating admission, as the Kubernetes handler and store do', async () => {
    const renamed = await s.request('put', `${ns('order')}/missing`).send({ metadata: { name: 'other' } }).expect(400);
    assert.equal(renamed.body.message, 'the name of the object (other) does not match the name on the URL (missing)');
    const made = (await create('order', { metadata: { name: 'imm' }, immutable: true, data: { k: 'dg==' } }).expect(201)).body;
    const stale = String(Number(made.metadata.resourceVersion) + 1000);
    // Invalid (data of an immutable secret) and stale: the client hears that it is stale, and re-reads.
    const conflict = await s.request('put', `${ns('order')}/imm`).send({ metadata: { name: 'imm', resourceVersion: stale }, immutable: true, data: { k: 'dw==' } }).expect(409);
    assert.equal(conflict.body.message, 'Operation cannot be fulfilled on internalsecrets.core.gardener.cloud "imm": the object has been modified; please apply your changes to the latest version and try again');
    const current = await s.request('put', `${ns('order')}/imm`).send({ metadata: { name: 'imm', resourceVersion: made.metadata.resourceVersion }, immutable: true, data: { k: 'dw==' } }).expect(422);
    assert.match(current.body.message, /field is immutable when `immutable` is set/);
  });

  it('leaves foreground and orphan deletions to the garbage collector, as gardener-apiserver does (its stores enable garbage collection)', async () => {
    for (const [policy, finalizer] of [['Foreground', 'foregroundDeletion'], ['Orphan', 'orphan']] as const) {
      const name = policy.toLowerCase();
      await create('gc', { metadata: { name } }).expect(201);
      const marked = await s.request('delete', `${ns('gc')}/${name}?propagationPolicy=${policy}`).expect(200);
      assert.equal(marked.body.kind, 'InternalSecret', 'the object, not a Status: it is not gone yet');
      assert.deepEqual(marked.body.metadata.finalizers, [finalizer]);
      assert.ok(marked.body.metadata.deletionTimestamp);
      assert.deepEqual((await s.request('get', `${ns('gc')}/${name}`).expect(200)).body.metadata.finalizers, [finalizer]);
      // The garbage collector removes its finalizer when it is done; then the object goes.
      await s.request('patch', `${ns('gc')}/${name}`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"finalizers":null}}').expect(200);
      await s.request('get', `${ns('gc')}/${name}`).expect(404);
    }
    await create('gc', { metadata: { name: 'background' } }).expect(201);
    const gone = await s.request('delete', `${ns('gc')}/background?propagationPolicy=Background`).expect(200);
    assert.equal(gone.body.kind, 'Status');
  });

  it('holds objects with finalizers until the last one is removed', async () => {
    await create('fin', { metadata: { name: 'f', finalizers: ['example.com/keep'] } }).expect(201);
    const marked = await s.request('delete', `${ns('fin')}/f`).expect(200);
    assert.equal(marked.body.kind, 'InternalSecret');
    assert.ok(marked.body.metadata.deletionTimestamp);
    assert.equal(marked.body.metadata.deletionGracePeriodSeconds, 0);
    const added = await s.request('patch', `${ns('fin')}/f`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"finalizers":["example.com/keep","example.com/new"]}}').expect(422);
    assert.match(added.body.message, /no new finalizers can be added if the object is being deleted/);
    // An update never removes the deletion timestamp: a body without it keeps the stored one.
    const { deletionTimestamp, deletionGracePeriodSeconds: _grace, ...rest } = marked.body.metadata;
    const relabelled = await s.request('put', `${ns('fin')}/f`).send({ ...marked.body, metadata: { ...rest, labels: { a: 'b' } } }).expect(200);
    assert.equal(relabelled.body.metadata.deletionTimestamp, deletionTimestamp);
    // Nor does one set it.
    await create('fin', { metadata: { name: 'live' } }).expect(201);
    const live = (await s.request('get', `${ns('fin')}/live`).expect(200)).body;
    const set = await s.request('put', `${ns('fin')}/live`).send({ ...live, metadata: { ...live.metadata, deletionTimestamp: '2030-01-01T00:00:00Z' } }).expect(422);
    assert.match(set.body.message, /metadata.deletionTimestamp: Invalid value: "2030-01-01T00:00:00Z": field is immutable/);
    // Removing the last finalizer deletes instead of writing the update: watchers see the deletion only,
    // and the answer is the updated object.
    const w = await openWatch(s.running.url, `${ns('fin')}?watch=1&fieldSelector=metadata.name%3Df&resourceVersion=${relabelled.body.metadata.resourceVersion}`, s.creds);
    try {
      const released = await s.request('patch', `${ns('fin')}/f`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"finalizers":null}}').expect(200);
      assert.equal(released.body.metadata.finalizers, undefined);
      assert.equal(released.body.metadata.deletionTimestamp, deletionTimestamp);
      const ev = await w.next();
      assert.equal(ev.type, 'DELETED');
      assert.deepEqual(ev.object.metadata?.finalizers, ['example.com/keep'], 'the deleted object is the one stored');
      assert.equal(w.events.length, 1);
    } finally {
      w.close();
    }
    await s.request('get', `${ns('fin')}/f`).expect(404);
    // A dry run changes nothing.
    await create('fin', { metadata: { name: 'dry', finalizers: ['example.com/keep'] } }).expect(201);
    await s.request('delete', `${ns('fin')}/dry`).expect(200);
    await s.request('patch', `${ns('fin')}/dry?dryRun=All`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"finalizers":null}}').expect(200);
    assert.deepEqual((await s.request('get', `${ns('fin')}/dry`).expect(200)).body.metadata.finalizers, ['example.com/keep']);
  });

  it('deletes collections by selector', async () => {
    for (const [name, tier] of [['c1', 'x'], ['c2', 'x'], ['c3', 'y']]) {
      await create('coll', { metadata: { name, labels: { tier } } }).expect(201);
    }
    const r = await s.request('delete', `${ns('coll')}?labelSelector=tier%3Dx`).expect(200);
    assert.equal(r.body.kind, 'InternalSecretList');
    assert.deepEqual(r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['c1', 'c2']);
    const rest = await s.request('get', ns('coll')).expect(200);
    assert.deepEqual(rest.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['c3']);
    // Answered in the form asked for, as a list read is.
    const metadata = await s.request('delete', `${ns('coll')}?labelSelector=tier%3Dy`).set('Accept', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1').expect(200);
    assert.equal(metadata.body.kind, 'PartialObjectMetadataList');
    assert.deepEqual(metadata.body.items.map((i: { kind: string; metadata: { name: string } }) => [i.kind, i.metadata.name]), [['PartialObjectMetadata', 'c3']]);
  });

  it('deletes a page of a collection with limit, answering the items as listed and the continue token', async () => {
    const names = (items: { metadata: { name: string } }[]) => items.map((i) => i.metadata.name);
    for (const name of ['p1', 'p2', 'p3']) await create('paged', { metadata: { name, finalizers: name === 'p1' ? ['example.com/hold'] : [] } }).expect(201);
    const listed = (await s.request('get', ns('paged')).expect(200)).body;
    const page = await s.request('delete', `${ns('paged')}?limit=2`).expect(200);
    assert.deepEqual(names(page.body.items), ['p1', 'p2']);
    assert.deepEqual(page.body.items, listed.items.slice(0, 2), 'as listed (items name no apiVersion or kind), before the deletion');
    assert.ok(page.body.metadata.continue);
    const left = (await s.request('get', ns('paged')).expect(200)).body;
    assert.deepEqual(names(left.items), ['p1', 'p3'], 'p1 waits for its finalizer, p3 was on the next page');
    await s.request('patch', `${ns('paged')}/p1`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"finalizers":null}}').expect(200);
  });
});
