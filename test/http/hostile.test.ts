/**
 * Hostile bodies and request lines found by the fuzz run (test/fuzz): each gets a 4xx Status, leaves
 * stored data alone and the server answering; well-formed inputs next to them still work.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { gzipSync } from 'node:zlib';
import { MAX_NESTING_DEPTH } from '../../apimachinery/json.js';
import { startInProcess, type InProcessServer } from '../support/server.js';

const COLL = '/apis/core.gardener.cloud/v1beta1/namespaces/e/internalsecrets';
const OBJ = `${COLL}/target`;

/** `n` nested arrays in JSON. */
const jsonArrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('hostile input', function () {
  this.timeout(60_000);
  let s: InProcessServer;
  let stored: { metadata: { resourceVersion: string } };

  before(async () => {
    s = await startInProcess();
    stored = (await s.request('post', COLL).send({ metadata: { name: 'target' }, stringData: { a: 'b' } }).expect(201)).body;
  });
  after(async () => s.stop());

  /** Asserts a Status with `code`, then that the stored object is unchanged and the server answers. */
  async function refused(r: { status: number; body: { kind?: string; message?: string } }, code: number, message: RegExp): Promise<void> {
    assert.equal(r.status, code, JSON.stringify(r.body).slice(0, 300));
    assert.equal(r.body.kind, 'Status');
    assert.match(r.body.message ?? '', message);
    const now = (await s.request('get', OBJ).expect(200)).body;
    assert.equal(now.metadata.resourceVersion, stored.metadata.resourceVersion, 'the stored object is unchanged');
  }

  describe('nesting', () => {
    const yamlNotations: Record<string, (n: number) => string> = {
      'block sequences': (n) => `metadata: {name: deep}\nx:\n${'- '.repeat(n)}x`,
      'flow sequences': (n) => `metadata: {name: deep}\nx: ${'['.repeat(n)}${']'.repeat(n)}`,
      'flow mappings': (n) => `metadata: {name: deep}\nx: ${'{a: '.repeat(n)}1${'}'.repeat(n)}`,
    };
    for (const [name, make] of Object.entries(yamlNotations)) {
      it(`refuses YAML ${name} nested far beyond the limit (the parser would exhaust the stack)`, async () => {
        for (const n of [MAX_NESTING_DEPTH, 100_000]) {
          const r = await s.request('post', `${COLL}?dryRun=All`).set('Content-Type', 'application/yaml').send(make(n));
          await refused(r, 400, /^the object provided is unrecognized \(must be of type InternalSecret\): error converting YAML to JSON: yaml: exceeded max depth of 500 \([0-9a-f]{60} \.\.\.\)$/);
        }
        // One level less fits: the document root is the first level.
        await s.request('post', `${COLL}?dryRun=All&fieldValidation=Ignore`).set('Content-Type', 'application/yaml').send(make(MAX_NESTING_DEPTH - 1)).expect(201);
      });
    }

    it('refuses JSON bodies nested beyond the limit, for create, update and patches', async () => {
      const deep = `{"metadata":{"name":"target"},"x":${jsonArrays(MAX_NESTING_DEPTH)}}`;
      await refused(await s.request('post', COLL).set('Content-Type', 'application/json').send(deep), 400, /exceeded max depth of 500/);
      await refused(await s.request('put', OBJ).set('Content-Type', 'application/json').send(deep), 400, /exceeded max depth of 500/);
      const mergeDeep = `{"x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
      // Deeper than Go's own scanner goes (10000): its error; deeper than ours only: ours.
      await refused(await s.request('patch', OBJ).set('Content-Type', 'application/merge-patch+json').send(mergeDeep), 400, /^error decoding patch: invalid character '\{' exceeded max depth$/);
      const mergeDeeper = `{"x":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`;
      await refused(await s.request('patch', OBJ).set('Content-Type', 'application/merge-patch+json').send(mergeDeeper), 400, /^error decoding patch: exceeded max depth of 500$/);
      const fits = `{"metadata":{"name":"fits"},"x":${jsonArrays(MAX_NESTING_DEPTH - 1)}}`;
      await s.request('post', `${COLL}?dryRun=All&fieldValidation=Ignore`).set('Content-Type', 'application/json').send(fits).expect(201);
    });

    it('refuses deep apply bodies', async () => {
      const r = await s.request('patch', `${OBJ}?fieldManager=m`).set('Content-Type', 'application/apply-patch+yaml').send(`apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\nmetadata: {name: target}\nx: ${'['.repeat(100_000)}`);
      await refused(r, 400, /^error decoding YAML: yaml: exceeded max depth of 500/);
    });
  });

  describe('YAML aliases', () => {
    it('refuses an alias inside the node it names, in bodies and apply patches', async () => {
      for (const yaml of ['metadata: {name: loop}\nx: &a [*a]', `metadata: {name: loop}\nx: &a [${'*a, '.repeat(150)}]`]) {
        const r = await s.request('post', COLL).set('Content-Type', 'application/yaml').send(yaml);
        await refused(r, 400, /value contains itself|excessive aliasing/);
      }
      const apply = await s.request('patch', `${OBJ}?fieldManager=m`).set('Content-Type', 'application/apply-patch+yaml').send('apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\nmetadata: {name: target}\nx: &a {b: *a}');
      await refused(apply, 400, /^error decoding YAML: yaml: anchor 'a' value contains itself/);
    });

    it('expands ordinary aliases', async () => {
      const r = await s.request('post', `${COLL}?dryRun=All`).set('Content-Type', 'application/yaml').send('metadata: {name: alias, labels: &l {a: b}, annotations: *l}').expect(201);
      assert.deepEqual(r.body.metadata.annotations, { a: 'b' });
    });
  });

  describe('patches', () => {
    it('stops JSON patch copies that would grow the object beyond the body limit', async () => {
      const ops: unknown[] = [{ op: 'add', path: '/metadata/annotations', value: { x: 'y'.repeat(1000) } }];
      for (let i = 0; i < 30; i++) ops.push({ op: 'copy', from: '/metadata/annotations', path: `/metadata/annotations/c${i}` });
      const started = Date.now();
      const r = await s.request('patch', OBJ).set('Content-Type', 'application/json-patch+json').send(JSON.stringify(ops));
      await refused(r, 422, /^the server rejected our request due to an error in our request$/);
      assert.match(r.body.details.causes[0].message, /^Unable to complete the copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728$/);
      assert.ok(Date.now() - started < 5000, 'refused before the copies take long');
    });

    it('merges keys named like Object members as ordinary keys', async () => {
      const body = '{"metadata":{"labels":{"hasOwnProperty":"a","constructor":"b","toString":"c"}},"stringData":{"__proto__":"p","constructor":"q"}}';
      const r = await s.request('patch', OBJ).set('Content-Type', 'application/merge-patch+json').send(body).expect(200);
      assert.deepEqual(r.body.metadata.labels, { hasOwnProperty: 'a', constructor: 'b', toString: 'c' });
      assert.equal(Buffer.from(r.body.data.__proto__ as string, 'base64').toString(), 'p');
      assert.equal(Buffer.from(r.body.data.constructor as string, 'base64').toString(), 'q');
      stored = r.body;
      const removed = await s.request('patch', OBJ).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"hasOwnProperty":null,"constructor":null}},"data":{"__proto__":null}}').expect(200);
      assert.deepEqual(removed.body.metadata.labels, { toString: 'c' });
      assert.equal(Object.hasOwn(removed.body.data, '__proto__'), false);
      assert.equal(Object.hasOwn(removed.body.data, 'constructor'), true);
      stored = removed.body;
    });
  });

  describe('request targets', () => {
    /** Sends a raw request line (Node keeps the target as given). */
    function rawGet(target: string): Promise<{ status: number; type: string; body: string }> {
      const url = new URL(s.running.url);
      return new Promise((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, method: 'GET', path: target, ca: s.creds.ca, cert: s.creds.cert, key: s.creds.key }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
        });
        req.on('error', reject);
        req.end();
      });
    }

    it('takes request headers up to 1 MiB, as kube-apiserver does, and answers 431 beyond', async () => {
      // The aggregator sends one X-Remote-Group header per group: 300 groups of 60 characters are 20 KB.
      const groups = Array.from({ length: 300 }, (_, i) => `oidc:team-${String(i).padStart(4, '0')}-a-long-group-name-from-the-directory`);
      const many = await s.request('get', OBJ).set('X-Groups-Like', groups.join(',')).expect(200);
      assert.equal(many.body.metadata.name, 'target');
      const huge = await s.request('get', OBJ).set('X-Too-Big', 'a'.repeat(1_100_000)).ok(() => true);
      assert.equal(huge.status, 431);
    });

    it('answers an absolute-form target by its path, and a bad one with a 400 Status', async () => {
      const ok = await rawGet(`https://example.com${OBJ}`);
      assert.equal(ok.status, 200);
      assert.equal(JSON.parse(ok.body).metadata.name, 'target');
      // A target without a slash never reaches the application: Node's HTTP parser answers 400 itself.
      assert.equal((await rawGet('apis')).status, 400);
      for (const target of ['http://[bad/apis', 'ftp://host/apis', 'https://host:99999/apis']) {
        const bad = await rawGet(target);
        assert.equal(bad.status, 400, target);
        assert.equal(bad.type, 'application/json', target);
        assert.equal(JSON.parse(bad.body).reason, 'BadRequest');
      }
    });

    it("reads percent-escapes in the path as Go's server does: decoded before routing, a malformed one 400", async () => {
      const escaped = await rawGet(OBJ.replace('/target', '/t%61rget').replace('/apis/', '/ap%69s/'));
      assert.equal(escaped.status, 200, escaped.body);
      assert.equal(JSON.parse(escaped.body).metadata.name, 'target');
      // An escaped slash separates segments: `target%2Fstatus` is the subresource path, not a name.
      assert.equal((await rawGet(`${OBJ}%2Fnope`)).status, 404);
      const bad = await rawGet(`${COLL}/t%zzrget`);
      assert.equal(bad.status, 400);
      assert.equal(JSON.parse(bad.body).reason, 'BadRequest');
      // A path that starts with `//` (also through an escaped slash) is a path, not an authority.
      for (const target of ['//:99999/apis', '/%2F:99999/apis', '/%2F@/x']) assert.equal((await rawGet(target)).status, 404, target);
      // Escapes of characters no name holds stay escaped, so they cannot turn into a query.
      const query = await rawGet(`${COLL}/target%3Fwatch=1`);
      assert.equal(query.status, 404, query.body);
      assert.match(JSON.parse(query.body).message, /"target%3Fwatch=1" not found/);
    });

    it('authorizes the path it routes: dot segments do not make an API path a health path', async () => {
      // Anonymous, with a gzip body that would inflate to 3 MiB: refused before the body is read.
      const url = new URL(s.running.url);
      const body = gzipSync(Buffer.alloc(3 * 1024 * 1024 - 1024, 'A'));
      const anonymous = (target: string): Promise<{ status: number; body: string }> =>
        new Promise((resolve, reject) => {
          const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) };
          const req = request({ host: url.hostname, port: url.port, method: 'POST', path: target, ca: s.creds.ca, headers }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          });
          req.on('error', reject);
          req.end(body);
        });
      for (const target of ['/apis/x/%2e%2e/%2e%2e/healthz', '/apis/x/../../healthz', '/apis/x/%2E%2e/%2e./livez']) {
        const r = await anonymous(target);
        assert.equal(r.status, 403, `${target}: ${r.body}`);
        assert.match(JSON.parse(r.body).message, /^forbidden: User "system:anonymous" cannot post path|is forbidden: User "system:anonymous"/, target);
      }
      assert.equal((await s.request('get', '/healthz').expect(200)).text, 'ok');
    });
  });
});
