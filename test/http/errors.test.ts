/** Bad input and unsupported requests: every one gets a Kubernetes Status and changes nothing. */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../support/server.js';

const COLL = '/apis/core.gardener.cloud/v1beta1/namespaces/e/internalsecrets';
const ALL_NAMESPACES = '/apis/core.gardener.cloud/v1beta1/internalsecrets';
const WATCH_COLL = '/apis/core.gardener.cloud/v1beta1/watch/namespaces/e/internalsecrets';
const NOT_ROUTED = /^the server does not allow this method on the requested resource$/;
const UNRECOGNIZED = 'the object provided is unrecognized (must be of type InternalSecret): ';
/** A pattern that matches `text` and nothing else. */
const exact = (text: string): RegExp => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

describe('error responses', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
  });
  after(async () => s.stop());

  async function count(): Promise<number> {
    return (await s.request('get', ALL_NAMESPACES).expect(200)).body.items.length;
  }
  before(async () => {
    // Objects in two namespaces, so that a request across namespaces that did anything would show.
    for (const ns of ['e', 'f']) await s.request('post', `/apis/core.gardener.cloud/v1beta1/namespaces/${ns}/internalsecrets`).send({ metadata: { name: 'kept' } }).expect(201);
  });

  const cases: { name: string; send: () => Promise<{ status: number; body: { kind: string; reason: string; message: string } }>; code: number; reason: string; message?: RegExp }[] = [
    // kube-apiserver's texts (transformDecodeError): Go's JSON scanner, and the body summarized (30 bytes, hex unless it starts with `{`).
    { name: 'truncated JSON', send: () => s.request('post', COLL).set('Content-Type', 'application/json').send('{"metadata":'), code: 400, reason: 'BadRequest', message: exact(`${UNRECOGNIZED}couldn't get version/kind; json parse error: unexpected end of JSON input ({"metadata":)`) },
    { name: 'empty body', send: () => s.request('post', COLL).set('Content-Type', 'application/json').send(''), code: 400, reason: 'BadRequest', message: exact(`${UNRECOGNIZED}couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)`) },
    { name: 'not JSON', send: () => s.request('post', COLL).set('Content-Type', 'application/json').send('abc'), code: 400, reason: 'BadRequest', message: exact(`${UNRECOGNIZED}couldn't get version/kind; json parse error: invalid character 'a' looking for beginning of value (616263)`) },
    { name: 'trailing comma', send: () => s.request('post', COLL).set('Content-Type', 'application/json').send('{"a":1,}'), code: 400, reason: 'BadRequest', message: exact(`${UNRECOGNIZED}couldn't get version/kind; json parse error: invalid character '}' looking for beginning of object key string ({"a":1,})`) },
    {
      name: 'a long malformed body, summarized',
      send: () => s.request('put', `${COLL}/kept`).set('Content-Type', 'application/json').send('{"metadata":{"name":"kept","labels":{"a":'),
      code: 400,
      reason: 'BadRequest',
      message: exact(`${UNRECOGNIZED}couldn't get version/kind; json parse error: unexpected end of JSON input ({"metadata":{"name":"kept","la ...)`),
    },
    {
      name: 'an array',
      send: () => s.request('post', COLL).set('Content-Type', 'application/json').send('[1]'),
      code: 400,
      reason: 'BadRequest',
      message: exact(`${UNRECOGNIZED}couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b315d)`),
    },
    {
      name: 'an integer field written with a fraction',
      send: () => s.request('post', COLL).set('Content-Type', 'application/json').send('{"metadata":{"name":"x","generation":1.0}}'),
      code: 400,
      reason: 'BadRequest',
      message: exact('InternalSecret in version "v1beta1" cannot be handled as a InternalSecret: json: cannot unmarshal number 1.0 into Go struct field ObjectMeta.metadata.generation of type int64'),
    },
    { name: 'a null body (an empty object to Go)', send: () => s.request('post', COLL).set('Content-Type', 'application/json').send('null'), code: 422, reason: 'Invalid', message: /name or generateName is required/ },
    { name: 'bad YAML', send: () => s.request('post', COLL).set('Content-Type', 'application/yaml').send('a: [1'), code: 400, reason: 'BadRequest', message: /^the object provided is unrecognized \(must be of type InternalSecret\): error converting YAML to JSON: .* \(613a205b31\)$/ },
    { name: 'an apiVersion with two slashes', send: () => s.request('post', COLL).send({ apiVersion: 'a/b/c' }), code: 400, reason: 'BadRequest', message: exact(`${UNRECOGNIZED}unexpected GroupVersion string: a/b/c ({"apiVersion":"a/b/c"})`) },
    // The kind the body names: one gardener-apiserver's scheme does not register, or one it cannot convert.
    {
      name: 'wrong kind',
      send: () => s.request('post', COLL).send({ kind: 'Secret', metadata: { name: 'x' } }),
      code: 400,
      reason: 'BadRequest',
      message: exact('Secret in version "v1beta1" cannot be handled as a InternalSecret: no kind "Secret" is registered for version "core.gardener.cloud/v1beta1" in scheme "pkg/runtime/scheme.go:100"'),
    },
    {
      name: 'wrong apiVersion',
      send: () => s.request('post', COLL).send({ apiVersion: 'v1', metadata: { name: 'x' } }),
      code: 400,
      reason: 'BadRequest',
      message: exact('InternalSecret in version "v1" cannot be handled as a InternalSecret: no kind "InternalSecret" is registered for version "v1" in scheme "pkg/runtime/scheme.go:100"'),
    },
    {
      name: 'another kind of the group',
      send: () => s.request('put', `${COLL}/kept`).send({ apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name: 'kept' } }),
      code: 400,
      reason: 'BadRequest',
      message: exact('Shoot in version "v1beta1" cannot be handled as a InternalSecret: converting (v1beta1.Shoot) to (core.InternalSecret): unknown conversion'),
    },
    {
      name: 'DeleteOptions of another kind',
      send: () => s.request('delete', `${COLL}/kept`).send({ kind: 'Pod', apiVersion: 'v1' }),
      code: 400,
      reason: 'BadRequest',
      message: exact('no kind "Pod" is registered for version "v1" in scheme "pkg/runtime/scheme.go:100"'),
    },
    { name: 'DeleteOptions as ListOptions', send: () => s.request('delete', `${COLL}/kept`).send({ kind: 'ListOptions', apiVersion: 'meta.k8s.io/v1' }), code: 400, reason: 'BadRequest', message: exact('converting (v1.ListOptions) to (v1.DeleteOptions): unknown conversion') },
    { name: 'wrong field type', send: () => s.request('post', COLL).send({ metadata: { name: 'x' }, data: { a: 1 } }), code: 400, reason: 'BadRequest', message: /cannot be handled as a InternalSecret/ },
    { name: 'invalid base64', send: () => s.request('post', COLL).send({ metadata: { name: 'x' }, data: { a: '!!!' } }), code: 400, reason: 'BadRequest', message: /illegal base64 data/ },
    { name: 'bad name', send: () => s.request('post', COLL).send({ metadata: { name: 'Not_Valid' } }), code: 422, reason: 'Invalid', message: /metadata.name: Invalid value: "Not_Valid"/ },
    { name: 'no name', send: () => s.request('post', COLL).send({ metadata: {} }), code: 422, reason: 'Invalid', message: /name or generateName is required/ },
    { name: 'body too large', send: () => s.request('post', COLL).set('Content-Type', 'application/json').send(`{"metadata":{"name":"big"},"data":{"a":"${'A'.repeat(3.2 * 1024 * 1024)}"}}`), code: 413, reason: 'RequestEntityTooLarge', message: /^Request entity too large: limit is 3145728$/ },
    {
      name: 'JSON patch with too many operations',
      send: () => s.request('patch', `${COLL}/kept`).set('Content-Type', 'application/json-patch+json').send(JSON.stringify(Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'InternalSecret' })))),
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: /^Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001$/,
    },
    { name: 'unsupported content type', send: () => s.request('post', COLL).set('Content-Type', 'text/plain').send('x'), code: 415, reason: 'UnsupportedMediaType' },
    { name: 'unknown resource', send: () => s.request('get', '/apis/core.gardener.cloud/v1beta1/namespaces/e/nothings'), code: 404, reason: 'NotFound' },
    { name: 'unknown path', send: () => s.request('get', '/nowhere'), code: 404, reason: 'NotFound' },
    { name: 'PUT on a collection', send: () => s.request('put', COLL).send({}), code: 405, reason: 'MethodNotAllowed', message: NOT_ROUTED },
    { name: 'PATCH on a collection', send: () => s.request('patch', COLL).set('Content-Type', 'application/merge-patch+json').send('{}'), code: 405, reason: 'MethodNotAllowed', message: NOT_ROUTED },
    { name: 'PATCH on a cluster-scoped collection', send: () => s.request('patch', '/apis/core.gardener.cloud/v1beta1/projects').set('Content-Type', 'application/merge-patch+json').send('{}'), code: 405, reason: 'MethodNotAllowed', message: NOT_ROUTED },
    // Across namespaces a namespaced resource is only listed and watched.
    { name: 'DELETE across namespaces', send: () => s.request('delete', ALL_NAMESPACES), code: 405, reason: 'MethodNotAllowed', message: NOT_ROUTED },
    { name: 'POST across namespaces', send: () => s.request('post', ALL_NAMESPACES).send({ metadata: { name: 'x', namespace: 'e' } }), code: 405, reason: 'MethodNotAllowed', message: NOT_ROUTED },
    { name: "POST on an object's path", send: () => s.request('post', `${COLL}/other`).send({ metadata: { name: 'y' } }), code: 405, reason: 'MethodNotAllowed', message: NOT_ROUTED },
    // Under `/watch/` only GET is routed: a POST there creates nothing, a DELETE deletes nothing.
    { name: 'POST under /watch/', send: () => s.request('post', WATCH_COLL).send({ metadata: { name: 'w' } }), code: 405, reason: 'MethodNotAllowed', message: NOT_ROUTED },
    { name: 'DELETE under /watch/', send: () => s.request('delete', WATCH_COLL), code: 405, reason: 'MethodNotAllowed', message: NOT_ROUTED },
    { name: 'PATCH under /watch/', send: () => s.request('patch', `${WATCH_COLL}/kept`).set('Content-Type', 'application/merge-patch+json').send('{}'), code: 405, reason: 'MethodNotAllowed', message: NOT_ROUTED },
    // Watches are routed for resources only: a subresource under `/watch/` is no path at all.
    { name: 'a subresource under /watch/', send: () => s.request('get', '/apis/core.gardener.cloud/v1beta1/watch/namespaces/e/shoots/x/status'), code: 404, reason: 'NotFound' },
    { name: 'PUT on a subresource under /watch/', send: () => s.request('put', '/apis/core.gardener.cloud/v1beta1/watch/namespaces/e/shoots/x/status').send({}), code: 404, reason: 'NotFound' },
    {
      name: 'nothing acceptable (tables are JSON or YAML)',
      send: () => s.request('get', COLL).set('Accept', 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, text/html'),
      code: 406,
      reason: 'NotAcceptable',
      message: /^only the following media types are accepted: application\/json, application\/yaml, application\/vnd.kubernetes.protobuf$/,
    },
    { name: 'bad includeObject', send: () => s.request('get', `${COLL}?includeObject=All`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io'), code: 400, reason: 'BadRequest' },
    { name: 'unsupported field label', send: () => s.request('get', `${COLL}?fieldSelector=spec.x%3Dy`), code: 400, reason: 'BadRequest', message: /^field label not supported: spec.x$/ },
    { name: 'bad label selector', send: () => s.request('get', `${COLL}?labelSelector=a%20in%20(`), code: 400, reason: 'BadRequest' },
    { name: 'bad continue token', send: () => s.request('get', `${COLL}?limit=1&continue=garbage`), code: 400, reason: 'BadRequest', message: /^invalid continue token/ },
    { name: 'bad resourceVersion on a page', send: () => s.request('get', `${COLL}?limit=1&resourceVersion=abc`), code: 400, reason: 'BadRequest', message: /^invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax$/ },
    { name: 'resourceVersionMatch without resourceVersion', send: () => s.request('get', `${COLL}?resourceVersionMatch=Exact`), code: 422, reason: 'Invalid' },
    { name: 'malformed percent-encoding', send: () => s.request('get', '/apis/%ZZ'), code: 400, reason: 'BadRequest' },
    { name: 'bad gzip body', send: () => s.request('post', COLL).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{"metadata":{"name":"z"}}'), code: 400, reason: 'BadRequest' },
    { name: 'limit out of range', send: () => s.request('get', `${COLL}?limit=9223372036854775808`), code: 400, reason: 'BadRequest', message: /^strconv.ParseInt: parsing "9223372036854775808": value out of range$/ },
    { name: 'watch at an unsafe resourceVersion', send: () => s.request('get', `${COLL}?watch=1&resourceVersion=9007199254740993`), code: 400, reason: 'BadRequest' },
    {
      name: 'object-typed apiVersion',
      send: () => s.request('post', COLL).send({ apiVersion: { toString: 1 }, metadata: { name: 'y' } }),
      code: 400,
      reason: 'BadRequest',
      message: exact(`${UNRECOGNIZED}couldn't get version/kind; json parse error: json: cannot unmarshal object into Go struct field .apiVersion of type string ({"apiVersion":{"toString":1}," ...)`),
    },
    {
      name: 'a repeated apiVersion, the last an array',
      send: () => s.request('post', COLL).set('Content-Type', 'application/json').send('{"apiVersion":"core.gardener.cloud/v1beta1","apiVersion":[1,{"toString":"x"}],"metadata":{"name":"y"}}'),
      code: 400,
      reason: 'BadRequest',
      message: exact(`${UNRECOGNIZED}couldn't get version/kind; json parse error: json: cannot unmarshal array into Go struct field .apiVersion of type string ({"apiVersion":"core.gardener.c ...)`),
    },
    { name: 'bad propagationPolicy', send: () => s.request('delete', `${COLL}/x`).send({ propagationPolicy: 'Sometimes' }), code: 422, reason: 'Invalid' },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.code} ${c.reason}`, async () => {
      const before = await count();
      const r = await c.send();
      assert.equal(r.status, c.code, JSON.stringify(r.body));
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, c.reason);
      if (c.message) assert.match(r.body.message, c.message);
      assert.equal(await count(), before, 'a failed request changes nothing');
    });
  }

  it('marks answers private and not to be cached, as kube-apiserver does, unless a handler says otherwise', async () => {
    for (const [path, code] of [[COLL, 200], [`${COLL}/missing`, 404], ['/version', 200], ['/readyz', 200]] as const) {
      const r = await s.request('get', path).expect(code);
      assert.equal(r.headers['cache-control'], 'no-cache, private', path);
    }
  });

  it('reads ?timeout= as a Go duration, and answers 400 for one that is not', async () => {
    for (const t of ['1m0s', '32s', '500ms', '-1s', '0']) await s.request('get', `${COLL}?timeout=${t}`).expect(200);
    const bad = await s.request('get', `${COLL}?timeout=abc`).expect(400);
    assert.equal(bad.body.message, 'invalid timeout specified in the request URL - time: invalid duration "abc"');
    const unit = await s.request('get', `${COLL}?timeout=5`).expect(400);
    assert.equal(unit.body.message, 'invalid timeout specified in the request URL - time: missing unit in duration "5"');
  });

  it('warns about unknown fields whose names are not Latin-1', async () => {
    const r = await s.request('post', `${COLL}?dryRun=All`).send({ metadata: { name: 'w' }, '日本': 1 }).expect(201);
    assert.match(String(r.headers.warning), /unknown field \\"\\u65e5\\u672c\\"/);
  });

  it('answers 401 without credentials when anonymous auth is off', async () => {
    const strict = await startInProcess(['--anonymous-auth=false']);
    try {
      const r = await strict.request('get', COLL, true).expect(401);
      assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      assert.equal(r.headers['cache-control'], 'no-cache, private');
    } finally {
      await strict.stop();
    }
  });
});
