/** Lists (paging, selectors, tables, metadata-only) and watches (streams, selectors, tables). */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../support/server.js';
import { binary, decodePb, openPbWatch, PROTOBUF_ACCEPT } from '../support/protobuf.js';
import { openWatch } from '../support/watch.js';

const BASE = '/apis/core.gardener.cloud/v1beta1';
const ns = (n: string) => `${BASE}/namespaces/${n}/internalsecrets`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const METADATA = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const names = (items: { metadata: { name: string } }[]) => items.map((i) => i.metadata.name);

describe('list and watch over HTTPS', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
    for (let i = 0; i < 7; i++) {
      await s.request('post', ns('pages')).send({ metadata: { name: `p${i}`, labels: { parity: i % 2 ? 'odd' : 'even' } }, type: i < 3 ? 'Opaque' : 'x/other' }).expect(201);
    }
    await s.request('post', ns('elsewhere')).send({ metadata: { name: 'p0' } }).expect(201);
  });
  after(async () => s.stop());

  it('pages with limit and continue at one resourceVersion, counting what remains', async () => {
    const first = (await s.request('get', `${ns('pages')}?limit=3`).expect(200)).body;
    assert.deepEqual(names(first.items), ['p0', 'p1', 'p2']);
    assert.equal(first.metadata.remainingItemCount, 4);
    assert.ok(first.metadata.continue);
    // Gardener's Table convertors copy resourceVersion and continue only; metadata-only lists keep the count.
    const table = (await s.request('get', `${ns('pages')}?limit=3`).set('Accept', TABLE).expect(200)).body;
    assert.deepEqual(Object.keys(table.metadata).sort(), ['continue', 'resourceVersion']);
    const partial = (await s.request('get', `${ns('pages')}?limit=3`).set('Accept', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1').expect(200)).body;
    assert.equal(partial.metadata.remainingItemCount, 4);
    await s.request('post', ns('pages')).send({ metadata: { name: 'p10' } }).expect(201);
    const second = (await s.request('get', `${ns('pages')}?limit=3&continue=${encodeURIComponent(first.metadata.continue)}`).expect(200)).body;
    assert.deepEqual(names(second.items), ['p3', 'p4', 'p5']);
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion, 'pages are read at the first page\'s revision');
    const third = (await s.request('get', `${ns('pages')}?limit=3&continue=${encodeURIComponent(second.metadata.continue)}`).expect(200)).body;
    assert.deepEqual(names(third.items), ['p6'], 'p10 was created after the first page');
    assert.equal(third.metadata.continue, undefined);
    await s.request('delete', `${ns('pages')}/p10`).expect(200);
  });

  it('filters by label and field selectors, and across namespaces', async () => {
    const odd = (await s.request('get', `${ns('pages')}?labelSelector=parity%3Dodd`).expect(200)).body;
    assert.deepEqual(names(odd.items), ['p1', 'p3', 'p5']);
    const notIn = (await s.request('get', `${ns('pages')}?labelSelector=parity%20notin%20(odd),parity`).expect(200)).body;
    assert.deepEqual(names(notIn.items), ['p0', 'p2', 'p4', 'p6']);
    const typed = (await s.request('get', `${ns('pages')}?fieldSelector=type%3Dx%2Fother,metadata.name!%3Dp4`).expect(200)).body;
    assert.deepEqual(names(typed.items), ['p3', 'p5', 'p6']);
    const all = (await s.request('get', `${BASE}/internalsecrets?fieldSelector=metadata.name%3Dp0`).expect(200)).body;
    assert.deepEqual(all.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace), ['elsewhere', 'pages']);
    const byNs = (await s.request('get', `${BASE}/internalsecrets?fieldSelector=metadata.namespace%3Delsewhere`).expect(200)).body;
    assert.deepEqual(names(byNs.items), ['p0']);
    const pagedOdd = (await s.request('get', `${ns('pages')}?labelSelector=parity%3Dodd&limit=2`).expect(200)).body;
    assert.deepEqual(names(pagedOdd.items), ['p1', 'p3']);
    assert.equal(pagedOdd.metadata.remainingItemCount, undefined, 'no count with selectors');

  });

  it('lists one name as one key, as kube-apiserver does: a resourceVersion with a limit is a minimum; with a continue token it is a page of the prefix', async () => {
    const created = (await s.request('post', ns('one')).send({ metadata: { name: 'single' } }).expect(201)).body;
    const updated = (await s.request('patch', `${ns('one')}/single`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"v":"2"}}}').expect(200)).body;
    const one = `${ns('one')}?fieldSelector=metadata.name%3Dsingle`;
    const garbage = (await s.request('get', `${one}&limit=1&continue=garbage`).expect(400)).body;
    assert.match(garbage.message, /^invalid continue token: /);
    await s.request('post', ns('one')).send({ metadata: { name: 'a' } }).expect(201);
    const page = (await s.request('get', `${ns('one')}?limit=1`).expect(200)).body;
    assert.deepEqual(names(page.items), ['a']);
    const next = (await s.request('get', `${one}&limit=1&continue=${encodeURIComponent(page.metadata.continue)}`).expect(200)).body;
    assert.deepEqual(names(next.items), ['single'], 'the page after "a", filtered by the name');
    assert.equal(next.metadata.resourceVersion, page.metadata.resourceVersion, "read at the first page's revision");
    const atLeast = (await s.request('get', `${one}&limit=1&resourceVersion=${created.metadata.resourceVersion}`).expect(200)).body;
    assert.deepEqual(atLeast.items.map((i: { metadata: { labels?: object } }) => i.metadata.labels), [{ v: '2' }], 'the current state, not the one at the given revision');
    assert.ok(Number(atLeast.metadata.resourceVersion) >= Number(updated.metadata.resourceVersion));
    const across = (await s.request('get', `${BASE}/internalsecrets?fieldSelector=metadata.name%3Dsingle,metadata.namespace%3Done&limit=1&resourceVersion=${created.metadata.resourceVersion}`).expect(200)).body;
    assert.deepEqual(across.items.map((i: { metadata: { labels?: object } }) => i.metadata.labels), [{ v: '2' }], 'across namespaces, a selected namespace makes it one key too');
    const exact = (await s.request('get', `${one}&limit=1&resourceVersion=${created.metadata.resourceVersion}&resourceVersionMatch=Exact`).expect(200)).body;
    assert.deepEqual(exact.items.map((i: { metadata: { labels?: object } }) => i.metadata.labels), [undefined], 'Exact still reads the state at the revision');
    const percent = (await s.request('get', `${ns('one')}?fieldSelector=metadata.name%3Da%25b&limit=1&resourceVersion=${created.metadata.resourceVersion}`).expect(200)).body;
    assert.equal(percent.metadata.resourceVersion, created.metadata.resourceVersion, 'a name with % is no key: the prefix is read, at the revision');
    // A prefix is paginated: there the token is read, and a limit pins the legacy resourceVersion.
    await s.request('get', `${ns('one')}?limit=1&continue=garbage`).expect(400);
    const pinned = (await s.request('get', `${ns('one')}?limit=1&resourceVersion=${created.metadata.resourceVersion}`).expect(200)).body;
    assert.equal(pinned.metadata.resourceVersion, created.metadata.resourceVersion);
  });

  it('renders tables with each includeObject policy', async () => {
    const t = (await s.request('get', ns('pages')).set('Accept', TABLE).expect(200)).body;
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Type', 'Data', 'Age']);
    assert.equal(t.rows[0].cells[0], 'p0');
    assert.equal(t.rows[0].object.kind, 'PartialObjectMetadata');
    assert.ok(t.metadata.resourceVersion);
    const full = (await s.request('get', `${ns('pages')}?includeObject=Object`).set('Accept', TABLE).expect(200)).body;
    assert.equal(full.rows[0].object.kind, 'InternalSecret');
    const none = (await s.request('get', `${ns('pages')}/p0?includeObject=None`).set('Accept', TABLE).expect(200)).body;
    assert.equal(none.rows.length, 1);
    assert.equal(none.rows[0].object, undefined);
  });

  it("lists items without apiVersion and kind, as Go's list conversion leaves them; the list, single objects and watch events name them", async () => {
    const bare = (item: Record<string, unknown>) => [item.apiVersion, item.kind];
    const list = await s.request('get', ns('pages')).set('User-Agent', 'client').expect(200);
    assert.equal(list.body.kind, 'InternalSecretList');
    assert.equal(list.body.apiVersion, 'core.gardener.cloud/v1beta1');
    assert.deepEqual(list.body.items.map(bare), Array(7).fill([undefined, undefined]));
    assert.match(list.text, /"items":\[\{"metadata":\{"name":"p0"/);
    const pretty = (await s.request('get', `${ns('pages')}?pretty=true`).expect(200)).body;
    assert.deepEqual(pretty.items.map(bare), Array(7).fill([undefined, undefined]));
    const yaml = await s.request('get', ns('pages')).set('Accept', 'application/yaml').buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done(null, text));
    });
    assert.match(String(yaml.body), /^items:\n- metadata:\n/m);
    assert.doesNotMatch(String(yaml.body), /^ {2}kind: InternalSecret$/m);
    const one = (await s.request('get', `${ns('pages')}/p0`).expect(200)).body;
    assert.deepEqual(bare(one), ['core.gardener.cloud/v1beta1', 'InternalSecret']);
    const w = await openWatch(s.running.url, `${ns('pages')}?watch=1&fieldSelector=metadata.name%3Dp0`, s.creds);
    try {
      assert.deepEqual(bare((await w.next(30_000)).object), ['core.gardener.cloud/v1beta1', 'InternalSecret']);
    } finally {
      w.close();
    }
  });

  it('serves metadata-only lists', async () => {
    const m = (await s.request('get', ns('pages')).set('Accept', METADATA).expect(200)).body;
    assert.equal(m.kind, 'PartialObjectMetadataList');
    assert.equal(m.items[0].kind, 'PartialObjectMetadata');
    assert.equal(m.items[0].data, undefined);
  });

  it('reads lists at an exact or not-older-than resourceVersion', async () => {
    const before = (await s.request('get', ns('pages')).expect(200)).body;
    await s.request('post', ns('pages')).send({ metadata: { name: 'late' } }).expect(201);
    const exact = (await s.request('get', `${ns('pages')}?resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=Exact`).expect(200)).body;
    assert.equal(exact.items.length, before.items.length);
    const newer = (await s.request('get', `${ns('pages')}?resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=NotOlderThan`).expect(200)).body;
    assert.equal(newer.items.length, before.items.length + 1);
    await s.request('delete', `${ns('pages')}/late`).expect(200);
  });


  it('validates options in kube-apiserver\'s order (selector syntax, then ListOptions, then field labels), a watch under /watch/ with the rules of a list', async () => {
    const syntax = await s.request('get', `${ns('pages')}?fieldSelector=a&resourceVersionMatch=Exact`).expect(400);
    assert.equal(syntax.body.message, "invalid selector: 'a'; can't understand 'a'");
    const options = await s.request('get', `${ns('pages')}?fieldSelector=spec.x%3D1&resourceVersionMatch=Exact`).expect(422);
    assert.match(options.body.message, /resourceVersionMatch is forbidden unless resourceVersion is provided/);
    await s.request('get', `${ns('pages')}?fieldSelector=spec.x%3D1`).expect(400);
    // The deprecated /watch/ prefix is a watch that kube-apiserver validates as a list: no watch-list
    // options, and a resourceVersionMatch without sendInitialEvents is fine.
    const prefixed = `${BASE}/watch/namespaces/pages/internalsecrets`;
    const watchList = await s.request('get', `${prefixed}?sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`).expect(422);
    assert.deepEqual(
      watchList.body.details.causes.map((c: { message: string }) => c.message),
      ['Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', 'Forbidden: sendInitialEvents is forbidden for list'],
    );
    const rv = (await s.request('get', ns('pages')).expect(200)).body.metadata.resourceVersion;
    const w = await openWatch(s.running.url, `${prefixed}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`, s.creds);
    try {
      assert.equal(w.status, 200);
    } finally {
      w.close();
    }
    const matched = await s.request('get', `${ns('pages')}?watch=1&resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`).expect(422);
    assert.match(matched.body.message, /resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided/);
  });

  it('answers lists at a resourceVersion from the future as kube-apiserver 1.32 does: pinned reads fail at once with 500, a one-key page with 504, the rest after the watch cache\'s wait', async () => {
    const current = Number((await s.request('get', ns('pages')).expect(200)).body.metadata.resourceVersion);
    const future = current + 1000;
    const one = `${ns('pages')}?fieldSelector=metadata.name%3Dp0`;
    const get = async (url: string, code: number) => {
      const started = Date.now();
      const res = await s.request('get', url).expect(code);
      return { body: res.body, retryAfter: res.headers['retry-after'], ms: Date.now() - started };
    };
    // Exact, and a legacy page of a prefix, are read at the revision: etcd's error, passed on untranslated.
    for (const url of [`${ns('pages')}?resourceVersion=${future}&resourceVersionMatch=Exact`, `${one}&resourceVersion=${future}&resourceVersionMatch=Exact`, `${ns('pages')}?resourceVersion=${future}&limit=2`]) {
      const r = await get(url, 500);
      assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'mvcc: required revision is a future revision', code: 500 }, url);
      assert.ok(r.ms < 2900, `${url} answered without the watch cache's wait (${r.ms} ms)`);
    }
    // A legacy page of one key reads the latest state and checks its revision: no wait, no Retry-After.
    const page = await get(`${one}&resourceVersion=${future}&limit=2`, 504);
    assert.equal(page.body.message, `Timeout: Too large resource version: ${future}, current: ${current}`);
    assert.deepEqual(page.body.details, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] });
    assert.equal(page.retryAfter, undefined);
    assert.ok(page.ms < 2900, `answered without the watch cache's wait (${page.ms} ms)`);
    // NotOlderThan is the watch cache's: it waits three seconds for the revision, then asks for a retry.
    const waited = await get(`${one}&resourceVersion=${future}`, 504);
    assert.deepEqual(waited.body.details, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
    assert.equal(waited.retryAfter, '1');
    assert.ok(waited.ms >= 2900, `waited ${waited.ms} ms`);
  });
  it("refuses a resourceVersion that is no uint64 as kube-apiserver does: the store's 400 for exact pages, the watch cache's untranslated 500 otherwise", async () => {
    await s.request('get', `${ns('pages')}?resourceVersion=0`).expect(200); // the watch cache is loaded
    for (const rv of ['abc', '-1']) {
      const versioner = `resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`;
      const paged = await s.request('get', `${ns('pages')}?limit=1&resourceVersion=${rv}`).expect(400);
      assert.deepEqual(paged.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `invalid resource version: ${versioner}`, reason: 'BadRequest', code: 400 });
      for (const url of [`${ns('pages')}?resourceVersion=${rv}`, `${ns('pages')}/p1?resourceVersion=${rv}`, `${ns('pages')}?watch=1&resourceVersion=${rv}`]) {
        const r = await s.request('get', url).expect(500);
        assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: versioner, code: 500 }, url);
      }
    }
    // A continue token is read before the resourceVersion beside it.
    const token = await s.request('get', `${ns('pages')}?continue=abc&resourceVersion=5`).expect(400);
    assert.equal(token.body.message, "invalid continue token: continue key is not valid: invalid character 'i' looking for beginning of value");
  });

  /** Backend reads of single keys so far (`/metrics`): `get` reads values, `modRevision` only revisions. */
  async function backendGets(operation = 'get'): Promise<number> {
    const text = (await s.request('get', '/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith('garden_apiserver_storage_request_duration_seconds_count{') && l.includes(`operation="${operation}"`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  }

  /** A Table (JSON bytes) without its Age column. */
  function withoutAge(bytes: Buffer): unknown {
    const table = JSON.parse(bytes.toString()) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    const age = table.columnDefinitions.findIndex((c) => c.name === 'Age');
    assert.ok(age >= 0, 'the Table has an Age column');
    return { ...table, rows: table.rows.map((r) => ({ ...r, cells: r.cells.filter((_, i) => i !== age) })) };
  }

  it('gets one object at resourceVersion 0 or not older than N, as a consistent get shows it', async () => {
    const path = `${ns('pages')}/p1`;
    const patched = (await s.request('patch', path).set('Content-Type', 'application/merge-patch+json').send({ metadata: { labels: { seen: 'yes' } } }).expect(200)).body;
    const rv = patched.metadata.resourceVersion;
    const atLeast = await s.request('get', `${path}?resourceVersion=${rv}`).expect(200);
    assert.equal(atLeast.body.metadata.labels.seen, 'yes', 'not older than the patch');
    const reads = await backendGets();
    const any = await s.request('get', `${path}?resourceVersion=0`).expect(200);
    assert.equal(await backendGets(), reads, 'resourceVersion=0 is answered from the watch cache');
    const heads = await backendGets('modRevision');
    const consistent = await s.request('get', path).expect(200);
    assert.equal(await backendGets('modRevision'), heads + 1, "a consistent get reads the key's modRevision");
    assert.equal(await backendGets(), reads, 'and answers with the cached object of that revision');
    assert.equal(atLeast.text, consistent.text, 'the same bytes as the consistent get');
    assert.equal(any.text, consistent.text);
    const bytes = async (url: string, accept: string) => (await binary(s.request('get', url).set('Accept', accept)).expect(200)).body as Buffer;
    for (const accept of [TABLE, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json', 'application/vnd.kubernetes.protobuf']) {
      const cached = await bytes(`${path}?resourceVersion=0`, accept);
      assert.ok(cached.length > 100, accept);
      const fresh = await bytes(path, accept);
      // A Table's Age cell is the time since creation: two requests may fall in different seconds.
      if (accept === TABLE) assert.deepEqual(withoutAge(cached), withoutAge(fresh), accept);
      else assert.deepEqual(cached, fresh, accept);
    }
    const missing = await s.request('get', `${ns('pages')}/nope?resourceVersion=0`).expect(404);
    assert.deepEqual(missing.body, (await s.request('get', `${ns('pages')}/nope`).expect(404)).body);
    const future = await s.request('get', `${path}?resourceVersion=${Number(rv) + 1000}`).expect(504);
    assert.equal(future.body.details.causes[0].reason, 'ResourceVersionTooLarge');
    assert.match(future.body.message, /^Timeout: Too large resource version: \d+, current: \d+$/, 'NewTimeoutError\'s prefix');
  });

  it('streams initial state and changes, applying selectors as Kubernetes does', async () => {
    const w = await openWatch(s.running.url, `${ns('watch')}?watch=1&labelSelector=app%3Dweb`, s.creds);
    assert.equal(w.status, 200);
    assert.equal(w.headers['content-type'], 'application/json');
    try {
      const created = (await s.request('post', ns('watch')).send({ metadata: { name: 'w', labels: { app: 'web' } } }).expect(201)).body;
      let ev = await w.next();
      assert.equal(ev.type, 'ADDED');
      assert.equal(ev.object.metadata?.name, 'w');
      assert.equal(ev.object.metadata?.resourceVersion, created.metadata.resourceVersion);
      await s.request('patch', `${ns('watch')}/w`).set('Content-Type', 'application/merge-patch+json').send('{"data":{"a":"YQ=="}}').expect(200);
      ev = await w.next();
      assert.equal(ev.type, 'MODIFIED');
      await s.request('patch', `${ns('watch')}/w`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"app":"db"}}}').expect(200);
      ev = await w.next();
      assert.equal(ev.type, 'DELETED', 'leaving the selector is a DELETED event');
      await s.request('patch', `${ns('watch')}/w`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"app":"web"}}}').expect(200);
      ev = await w.next();
      assert.equal(ev.type, 'ADDED', 'entering the selector is an ADDED event');
      await s.request('delete', `${ns('watch')}/w`).expect(200);
      ev = await w.next();
      assert.equal(ev.type, 'DELETED');
    } finally {
      w.close();
    }
    const replay = await openWatch(s.running.url, `${ns('pages')}?watch=1&labelSelector=parity%3Dodd`, s.creds);
    try {
      const evs = [await replay.next(), await replay.next(), await replay.next()];
      assert.deepEqual(evs.map((e) => [e.type, e.object.metadata?.name]), [['ADDED', 'p1'], ['ADDED', 'p3'], ['ADDED', 'p5']]);
    } finally {
      replay.close();
    }
  });

  it('keeps reads of an object current after a selector watch saw it leave (its DELETED carries the old content at the new resourceVersion)', async () => {
    await s.request('post', ns('left')).send({ metadata: { name: 'l', labels: { app: 'x' } }, data: { k: 'b2xk' } }).expect(201);
    const rv = (await s.request('get', ns('left')).expect(200)).body.metadata.resourceVersion;
    const from = `watch=1&resourceVersion=${rv}`;
    // Watchers of each kind, in both formats, so that each event is encoded more than once.
    const plain = [await openWatch(s.running.url, `${ns('left')}?${from}`, s.creds), await openWatch(s.running.url, `${ns('left')}?${from}`, s.creds)];
    const selected = [await openWatch(s.running.url, `${ns('left')}?${from}&labelSelector=app%3Dx`, s.creds), await openWatch(s.running.url, `${ns('left')}?${from}&labelSelector=app%3Dx`, s.creds)];
    const pb = [await openPbWatch(s.running.url, `${ns('left')}?${from}`, s.creds), await openPbWatch(s.running.url, `${ns('left')}?${from}&labelSelector=app%3Dx`, s.creds)];
    try {
      await s.request('patch', `${ns('left')}/l`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"app":"y"}},"data":{"k":"bmV3"}}').expect(200);
      for (const w of plain) assert.equal((await w.next()).type, 'MODIFIED');
      for (const w of selected) assert.equal((await w.next()).type, 'DELETED');
      for (const w of pb) assert.equal((await w.waitFor(1)).length, 1);
      for (let i = 0; i < 2; i++) {
        const got = (await s.request('get', `${ns('left')}/l`).set('User-Agent', 'kubectl/v1.32.0').expect(200)).body;
        assert.deepEqual([got.metadata.labels, got.data], [{ app: 'y' }, { k: 'bmV3' }]);
        const listed = (await s.request('get', ns('left')).set('User-Agent', 'kubectl/v1.32.0').expect(200)).body.items[0];
        assert.deepEqual([listed.metadata.labels, listed.data], [{ app: 'y' }, { k: 'bmV3' }]);
        const viaPb = decodePb((await binary(s.request('get', `${ns('left')}/l`).set('Accept', PROTOBUF_ACCEPT)).expect(200)).body as Buffer).value;
        assert.deepEqual(viaPb.metadata.labels, { app: 'y' });
      }
    } finally {
      for (const w of [...plain, ...selected]) w.close();
      for (const w of pb) w.close();
    }
  });

  it('sends only changes after a given resourceVersion and ends at timeoutSeconds', async () => {
    const list = (await s.request('get', ns('pages')).expect(200)).body;
    const w = await openWatch(s.running.url, `${ns('pages')}?watch=1&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=2`, s.creds);
    await s.request('patch', `${ns('pages')}/p2`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"touched":"yes"}}}').expect(200);
    const ev = await w.next();
    assert.deepEqual([ev.type, ev.object.metadata?.name], ['MODIFIED', 'p2']);
    await w.ended;
    assert.equal(w.events.length, 1);
  });

  it('streams one-row tables with column definitions in the first event only', async () => {
    const w = await openWatch(s.running.url, `${ns('pages')}?watch=1&labelSelector=parity%3Deven`, s.creds, TABLE);
    try {
      const first = await w.next();
      const second = await w.next();
      assert.equal(first.object.kind, 'Table');
      assert.equal((first.object.columnDefinitions as unknown[]).length, 4);
      assert.equal((second.object.columnDefinitions as unknown[]).length, 0);
      assert.equal((second.object.rows as unknown[]).length, 1);
    } finally {
      w.close();
    }
  });

  it('sends initial events then a bookmark for sendInitialEvents', async () => {
    const w = await openWatch(s.running.url, `${ns('elsewhere')}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, s.creds);
    try {
      const added = await w.next();
      assert.equal(added.type, 'ADDED');
      const mark = await w.next();
      assert.equal(mark.type, 'BOOKMARK');
      assert.equal((mark.object.metadata?.annotations as Record<string, string>)['k8s.io/initial-events-end'], 'true');
    } finally {
      w.close();
    }
  });

  it('sends the initial-events-end bookmark only to watchers that allow bookmarks; a watch-list is never a Table, as upstream', async () => {
    const plain = await openWatch(s.running.url, `${ns('elsewhere')}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1`, s.creds);
    await plain.ended;
    assert.deepEqual(plain.events.map((e) => e.type), ['ADDED'], 'no bookmark without allowWatchBookmarks');
    const q = 'watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true';
    // kubectl's Accept ends with plain JSON: that is what a watch-list gets.
    const w = await openWatch(s.running.url, `${ns('elsewhere')}?${q}`, s.creds, TABLE);
    try {
      assert.deepEqual([(await w.next()).object.kind, (await w.next()).type], ['InternalSecret', 'BOOKMARK']);
    } finally {
      w.close();
    }
    const onlyTable = await s.request('get', `${ns('elsewhere')}?${q}`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(406);
    assert.equal(onlyTable.body.message, 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    // Without bookmarks it is no watch-list: a Table watch of the initial events.
    const table = await openWatch(s.running.url, `${ns('elsewhere')}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1`, s.creds, TABLE);
    await table.ended;
    assert.deepEqual(table.events.map((e) => [e.type, e.object.kind]), [['ADDED', 'Table']]);
  });

  it('ends the initial events of watch-lists with a bookmark carrying the empty list blueprint in the negotiated encoding', async () => {
    const q = 'watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true';
    const blueprintOf = (ev: { object: { metadata?: Record<string, unknown> } }) =>
      Buffer.from((ev.object.metadata?.annotations as Record<string, string>)['kubernetes.io/initial-events-list-blueprint'] ?? '', 'base64');
    const json = await openWatch(s.running.url, `${ns('elsewhere')}?${q}`, s.creds);
    const meta = await openWatch(s.running.url, `${ns('elsewhere')}?${q}`, s.creds, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
    const pb = await openPbWatch(s.running.url, `${ns('elsewhere')}?${q}`, s.creds);
    try {
      await json.next();
      const mark = await json.next();
      assert.equal(blueprintOf(mark).toString(), '{"kind":"InternalSecretList","apiVersion":"core.gardener.cloud/v1beta1","metadata":{},"items":null}\n');
      assert.equal((mark.object.metadata?.annotations as Record<string, string>)['k8s.io/initial-events-end'], 'true');
      await meta.next();
      const metaMark = await meta.next();
      assert.equal(metaMark.object.kind, 'PartialObjectMetadata');
      assert.equal(blueprintOf(metaMark).toString(), '{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{},"items":null}\n');
      const [, pbMark] = await pb.waitFor(2);
      const annotations = pbMark?.object.value.metadata.annotations as Record<string, string>;
      const list = decodePb(Buffer.from(annotations['kubernetes.io/initial-events-list-blueprint'] ?? '', 'base64'));
      assert.deepEqual([list.apiVersion, list.kind, list.value.items ?? []], ['core.gardener.cloud/v1beta1', 'InternalSecretList', []]);
    } finally {
      json.close();
      meta.close();
      pb.close();
    }
  });

  it('treats a watch=true from resourceVersion "" or "0" as a watch-list, as kube-apiserver 1.32 defaults it; not a /watch/ path', async () => {
    const types = async (path: string) => {
      const w = await openWatch(s.running.url, path, s.creds);
      try {
        return [(await w.next()).type, (await w.next()).type];
      } finally {
        w.close();
      }
    };
    assert.deepEqual(await types(`${ns('elsewhere')}?watch=1&allowWatchBookmarks=true`), ['ADDED', 'BOOKMARK']);
    assert.deepEqual(await types(`${ns('elsewhere')}?watch=1&allowWatchBookmarks=true&resourceVersion=0`), ['ADDED', 'BOOKMARK']);
    const legacy = await openWatch(s.running.url, `${BASE}/watch/namespaces/elsewhere/internalsecrets?allowWatchBookmarks=true&timeoutSeconds=1`, s.creds);
    await legacy.ended;
    assert.deepEqual(legacy.events.map((e) => e.type), ['ADDED']);
  });

  it('reads integer parameters as Go\'s strconv.ParseInt: a negative timeout ends a watch, a negative limit is none', async () => {
    const all = (await s.request('get', ns('pages')).expect(200)).body;
    const ended = await openWatch(s.running.url, `${ns('pages')}?watch=1&resourceVersion=${all.metadata.resourceVersion}&timeoutSeconds=-1`, s.creds);
    await ended.ended;
    assert.equal(ended.events.length, 0);
    const negative = (await s.request('get', `${ns('pages')}?limit=-1`).expect(200)).body;
    assert.equal(negative.items.length, all.items.length);
    assert.equal(negative.metadata.continue, undefined);
    const huge = (await s.request('get', `${ns('pages')}?limit=9223372036854775807`).expect(200)).body;
    assert.equal(huge.items.length, all.items.length);
    assert.equal((await s.request('get', `${ns('pages')}?limit=%2B2`).expect(200)).body.items.length, 2);
    const refused: [string, string][] = [
      ['limit=', 'strconv.ParseInt: parsing "": invalid syntax'],
      ['limit=abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
      ['limit=1.5', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
      ['limit=9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
      ['timeoutSeconds=%01', 'strconv.ParseInt: parsing "\\x01": invalid syntax'],
    ];
    for (const [query, message] of refused) {
      const r = await s.request('get', `${ns('pages')}?${query}`).expect(400);
      assert.equal(r.body.message, message, query);
    }
  });

  it('reads a name from the field selector as kube-apiserver parses it; names that cannot be keys just match nothing', async () => {
    const one = (q: string) => s.request('get', `${ns('pages')}?fieldSelector=${q}`).expect(200);
    assert.deepEqual(names((await one('metadata.name%3Dp1')).body.items), ['p1']);
    for (const q of ['metadata.name%3D', 'metadata.name%3Da%2Fb', 'metadata.name%3D..', 'metadata.name%3Dp2,metadata.name%3Dp1', 'metadata.name%3Dp1%20', 'metadata.name%3Da%5C,b']) {
      assert.deepEqual((await one(q)).body.items, [], q);
    }
    const w = await openWatch(s.running.url, `${ns('pages')}?watch=1&fieldSelector=metadata.name%3Da%2Fb&timeoutSeconds=1`, s.creds);
    await w.ended;
    assert.deepEqual(w.events, []);
  });

  it('reads includeObject only for Tables, and refuses a bad one there in kube-apiserver\'s words', async () => {
    await s.request('get', `${ns('pages')}?includeObject=bogus`).expect(200);
    const r = await s.request('get', `${ns('pages')}?includeObject=bogus`).set('Accept', TABLE).expect(400);
    assert.equal(r.body.message, `Unable to convert to Table as requested: includeObject: Invalid value: "bogus": must be 'Metadata', 'Object', 'None', or empty`);
  });

  it('sends a bookmark two seconds before a watch times out, when bookmarks are allowed', async () => {
    const rv = (await s.request('get', ns('pages')).expect(200)).body.metadata.resourceVersion as string;
    // The periodic bookmarks come every minute: within three seconds only the last one can arrive.
    const w = await openWatch(s.running.url, `${ns('pages')}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=3`, s.creds);
    await w.ended;
    assert.deepEqual(w.events.map((e) => e.type), ['BOOKMARK']);
    assert.ok(Number(w.events[0]?.object.metadata?.resourceVersion) >= Number(rv));
    const quiet = await openWatch(s.running.url, `${ns('pages')}?watch=1&resourceVersion=${rv}&timeoutSeconds=3`, s.creds);
    await quiet.ended;
    assert.deepEqual(quiet.events, [], 'none without allowWatchBookmarks');
  });

  it('reads boolean parameters as Kubernetes does (the Python client sends watch=True)', async () => {
    // kubernetes-client/python 22.6 sends Python's spelling of booleans.
    const w = await openWatch(s.running.url, `${ns('elsewhere')}?watch=True&allowWatchBookmarks=True&sendInitialEvents=TRUE&resourceVersionMatch=NotOlderThan`, s.creds);
    try {
      assert.equal((await w.next()).type, 'ADDED');
      assert.equal((await w.next()).type, 'BOOKMARK');
    } finally {
      w.close();
    }
    for (const off of ['False', 'FALSE', '0', 'false']) {
      const list = await s.request('get', `${ns('elsewhere')}?watch=${off}`).expect(200);
      assert.equal(list.body.kind, 'InternalSecretList', `watch=${off} is a list`);
    }
    const w2 = await openWatch(s.running.url, `${ns('elsewhere')}?watch=yes`, s.creds);
    try {
      assert.equal((await w2.next()).type, 'ADDED', 'watch=yes is a watch');
    } finally {
      w2.close();
    }
  });
});
