import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerFromAuthorization, bearerFromWebSocket, bearerTokenAuthenticator } from './bearer.js';
import { parseCsv, parseTokenFile, staticTokenAuthenticator, tokenFileAuthenticator } from './tokenfile.js';

function fakeRequest(headers: Record<string, string | string[]>): IncomingMessage {
  const lower: Record<string, string | string[]> = {};
  const distinct: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    lower[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    distinct[k.toLowerCase()] = Array.isArray(v) ? v : [v];
  }
  return { headers: lower, headersDistinct: distinct } as unknown as IncomingMessage;
}

describe('CSV parsing (Go encoding/csv rules)', () => {
  const table: Array<[string, string[][]]> = [
    ['a,b,c', [['a', 'b', 'c']]],
    ['a,b,c\n', [['a', 'b', 'c']]],
    ['a,b\r\nc,d\r\n', [['a', 'b'], ['c', 'd']]],
    ['\n\na,b\n\n', [['a', 'b']]],
    ['t,u,1,"g1,g2"', [['t', 'u', '1', 'g1,g2']]],
    ['"a ""quoted"" word",b', [['a "quoted" word', 'b']]],
    ['"multi\nline",x', [['multi\nline', 'x']]],
    ['a,,c', [['a', '', 'c']]],
    ['a,b,', [['a', 'b', '']]],
    [' a , b', [[' a ', ' b']]],
    ['""', [['']]],
  ];
  for (const [input, expected] of table) {
    it(`parses ${JSON.stringify(input)}`, () => assert.deepEqual(parseCsv(input), expected));
  }
  it('rejects a bare quote in an unquoted field', () => assert.throws(() => parseCsv('a"b,c'), /bare " in non-quoted-field/));
  it('rejects an unterminated quoted field', () => assert.throws(() => parseCsv('"abc,d'), /extraneous or missing " in quoted-field/));
  it('rejects text after a closing quote', () => assert.throws(() => parseCsv('"abc"d,e'), /extraneous or missing "/));
});

describe('--token-auth-file', () => {
  it('reads token, user, uid and the optional group list', () => {
    const tokens = parseTokenFile('tok1,alice,uid-1,"system:masters,devs"\ntok2,bob,uid-2\n,nobody,uid-3\ntok4,carol,,""\n');
    assert.deepEqual(tokens.get('tok1'), { name: 'alice', uid: 'uid-1', groups: ['system:masters', 'devs'] });
    assert.deepEqual(tokens.get('tok2'), { name: 'bob', uid: 'uid-2', groups: [] });
    assert.equal(tokens.has(''), false);
    assert.deepEqual(tokens.get('tok4'), { name: 'carol', groups: [] });
  });

  it('needs at least three columns', () => {
    assert.throws(() => parseTokenFile('tok,alice\n', 'tokens.csv'), /token file 'tokens.csv' must have at least 3 columns \(token, user name, user uid\), found 2/);
  });

  it('lets a later duplicate win', () => {
    assert.equal(parseTokenFile('t,a,1\nt,b,2\n').get('t')?.name, 'b');
  });

  it('authenticates from a file; unknown tokens are "not mine" for the token layer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenfile-'));
    try {
      const path = join(dir, 'tokens.csv');
      writeFileSync(path, 'secret-token,alice,1,devs\n');
      const auth = tokenFileAuthenticator(path);
      assert.equal((await auth.authenticateToken('secret-token'))?.name, 'alice');
      assert.equal(await auth.authenticateToken('other'), null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bearer token extraction', () => {
  const tokens = staticTokenAuthenticator(new Map([['good', { name: 'alice', groups: ['devs'] }]]));
  const auth = bearerTokenAuthenticator(tokens);

  it('reads Authorization: Bearer (case-insensitive scheme) and removes it on success', async () => {
    const req = fakeRequest({ authorization: 'bearer good' });
    assert.equal((await auth.authenticate(req))?.name, 'alice');
    assert.equal(req.headers.authorization, undefined);
  });

  it('ignores other schemes and empty tokens', () => {
    assert.equal(bearerFromAuthorization(fakeRequest({ authorization: 'Basic abc' })), undefined);
    assert.equal(bearerFromAuthorization(fakeRequest({ authorization: 'Bearer ' })), undefined);
    assert.equal(bearerFromAuthorization(fakeRequest({})), undefined);
  });

  it('fails an unknown token with 401', async () => {
    await assert.rejects(auth.authenticate(fakeRequest({ authorization: 'Bearer nope' })), /invalid bearer token/);
  });

  it('reads the WebSocket subprotocol token and leaves the other protocols', async () => {
    const encoded = Buffer.from('good').toString('base64url');
    const req = fakeRequest({ connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-protocol': `v5.channel.k8s.io, base64url.bearer.authorization.k8s.io.${encoded}` });
    assert.equal((await auth.authenticate(req))?.name, 'alice');
    assert.equal(req.headers['sec-websocket-protocol'], 'v5.channel.k8s.io');
  });

  it('rejects malformed WebSocket tokens', () => {
    const ws = (p: string) => fakeRequest({ connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-protocol': p });
    const prefix = 'base64url.bearer.authorization.k8s.io.';
    assert.throws(() => bearerFromWebSocket(ws(`${prefix}a$b, v5`)), /invalid base64.bearer.authorization token encoding/);
    assert.throws(() => bearerFromWebSocket(ws(`${prefix}${Buffer.from([0xff, 0xfe]).toString('base64url')}, v5`)), /invalid base64.bearer.authorization token$/);
    assert.throws(() => bearerFromWebSocket(ws(`${prefix}YQ, ${prefix}Yg, v5`)), /multiple/);
    assert.throws(() => bearerFromWebSocket(ws(`${prefix}YQ`)), /missing additional subprotocol/);
    assert.equal(bearerFromWebSocket(fakeRequest({ 'sec-websocket-protocol': `${prefix}YQ, v5` })), undefined, 'not an upgrade');
  });
});

describe('the authenticated group', () => {
  it('is added to every authenticated user but system:anonymous, as Kubernetes\' AuthenticatedGroupAdder does', async () => {
    const { withAuthenticatedGroup } = await import('./types.js');
    assert.deepEqual(withAuthenticatedGroup({ name: 'alice', groups: ['g'] }).groups, ['g', 'system:authenticated']);
    assert.deepEqual(withAuthenticatedGroup({ name: 'system:anonymous', groups: [] }).groups, []);
    assert.deepEqual(withAuthenticatedGroup({ name: 'bob', groups: ['system:unauthenticated'] }).groups, ['system:unauthenticated']);
  });
});
