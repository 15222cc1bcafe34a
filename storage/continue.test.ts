import assert from 'node:assert/strict';
import { cleanRootedPath, decodeContinue, encodeContinue } from './continue.js';
import { InvalidRequestError } from './errors.js';

const PREFIX = '/registry-gardener/core.gardener.cloud/shoots/';
const b64 = (json: string): string => Buffer.from(json, 'utf8').toString('base64url');

describe('continue tokens', () => {
  it('encodes exactly like k8s.io/apiserver EncodeContinue', () => {
    const token = encodeContinue(`${PREFIX}garden/s1\u0000`, PREFIX, 42);
    assert.equal(Buffer.from(token, 'base64url').toString(), '{"v":"meta.k8s.io/v1","rv":42,"start":"garden/s1\\u0000"}');
    assert.doesNotMatch(token, /[=+/]/);
    // Produced by Go: storage.EncodeContinue("/registry/pods/ns/a\x00", "/registry/pods/", 7)
    assert.equal(encodeContinue('/registry/pods/ns/a\u0000', '/registry/pods/', 7), 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6Nywic3RhcnQiOiJucy9hXHUwMDAwIn0');
  });

  it('escapes like Go json.Marshal', () => {
    const token = encodeContinue(`${PREFIX}a<b>&c\u2028`, PREFIX, 1);
    assert.equal(Buffer.from(token, 'base64url').toString(), '{"v":"meta.k8s.io/v1","rv":1,"start":"a\\u003cb\\u003e\\u0026c\\u2028"}');
  });

  it('refuses a key outside the prefix', () => {
    assert.throws(() => encodeContinue('/other/x', PREFIX, 1), /key and key prefix do not match/);
  });

  it('round-trips, including rv -1', () => {
    for (const rv of [1, 12345678901, -1]) {
      const token = encodeContinue(`${PREFIX}ns/name\u0000`, PREFIX, rv);
      assert.deepEqual(decodeContinue(token, PREFIX), { startKey: `${PREFIX}ns/name\u0000`, revision: rv });
    }
  });

  it('accepts a start with a leading slash like Go', () => {
    assert.deepEqual(decodeContinue(b64('{"v":"meta.k8s.io/v1","rv":3,"start":"/ns/a"}'), PREFIX), { startKey: `${PREFIX}ns/a`, revision: 3 });
  });

  const invalid: Array<[string, string, string]> = [
    ['bad base64 character', 'abc$', 'invalid continue token: continue key is not valid: illegal base64 data at input byte 3'],
    ['base64 padding', `${b64('{"v":"meta.k8s.io/v1","rv":1,"start":"a"}')}==`, 'invalid continue token: continue key is not valid: illegal base64 data'],
    ['impossible base64 length', 'abcde', 'invalid continue token: continue key is not valid: illegal base64 data at input byte 4'],
    ['not JSON', b64('not json'), "invalid continue token: continue key is not valid: invalid character 'o' in literal null (expecting 'u')"],
    ['garbage bytes', 'xyz', "invalid continue token: continue key is not valid: invalid character 'Ç' looking for beginning of value"],
    ['JSON array', b64('[]'), 'invalid continue token: continue key is not valid: json: cannot unmarshal array'],
    ['rv not a number', b64('{"v":"meta.k8s.io/v1","rv":"1","start":"a"}'), 'invalid continue token: continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64'],
    ['rv 0', b64('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}'), 'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    ['rv missing', b64('{"v":"meta.k8s.io/v1","start":"a"}'), 'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    ['empty start', b64('{"v":"meta.k8s.io/v1","rv":5,"start":""}'), 'invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)'],
    ['unknown version', b64('{"v":"meta.k8s.io/v2","rv":5,"start":"a"}'), 'invalid continue token: continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2'],
    ['path traversal', b64('{"v":"meta.k8s.io/v1","rv":5,"start":"../secrets/x"}'), 'invalid continue token: continue key is not valid: ../secrets/x'],
    ['dot segment', b64('{"v":"meta.k8s.io/v1","rv":5,"start":"ns/./x"}'), 'invalid continue token: continue key is not valid: ns/./x'],
    ['double slash', b64('{"v":"meta.k8s.io/v1","rv":5,"start":"ns//x"}'), 'invalid continue token: continue key is not valid: ns//x'],
    ['trailing slash', b64('{"v":"meta.k8s.io/v1","rv":5,"start":"ns/"}'), 'invalid continue token: continue key is not valid: ns/'],
  ];
  for (const [name, token, message] of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => decodeContinue(token, PREFIX),
        (e: unknown) => e instanceof InvalidRequestError && e.message.startsWith(message),
      );
    });
  }

  it('cleans paths like Go path.Clean', () => {
    const cases: Array<[string, string]> = [
      ['/', '/'],
      ['/a/b', '/a/b'],
      ['/a//b', '/a/b'],
      ['/a/./b', '/a/b'],
      ['/a/../b', '/b'],
      ['/../a', '/a'],
      ['/a/', '/a'],
      ['/a\u0000', '/a\u0000'],
    ];
    for (const [input, want] of cases) assert.equal(cleanRootedPath(input), want, input);
  });
});
