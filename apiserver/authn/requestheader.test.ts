/**
 * Aggregator simulation: the front-proxy client certificate plus `X-Remote-*` headers, over real mTLS,
 * against the request-header authenticator (chained with x509 like the server does).
 */
import assert from 'node:assert/strict';
import { frontProxyOf, requestHeaderAuthenticator, type RequestHeaderConfig } from './requestheader.js';
import { testCA, testClientCert, type TestCert } from '../../test/support/authn/pki.js';
import { startAuthHarness, userOf, type AuthHarness } from '../../test/support/authn/harness.js';
import { authenticatorChain } from './types.js';
import { x509Authenticator } from './x509.js';

describe('request-header (front proxy) authentication', () => {
  let rhCA: TestCert;
  let otherCA: TestCert;
  let clientCA: TestCert;
  let proxy: TestCert;
  let config: RequestHeaderConfig;
  let harness: AuthHarness;

  const headers = {
    'X-Remote-User': 'alice',
    'X-Remote-Group': ['project-dev', 'viewers'],
    'X-Remote-Extra-Acme.com%2Fproject': ['p1', 'p2'],
    'X-Remote-Extra-Scopes': 'view',
  };

  before(async () => {
    rhCA = testCA('front-proxy-ca');
    otherCA = testCA('evil-ca');
    clientCA = testCA('client-ca');
    proxy = testClientCert(rhCA, { commonName: 'front-proxy-client' });
    config = {
      caBundle: rhCA.cert,
      allowedNames: ['front-proxy-client'],
      usernameHeaders: ['X-Remote-User'],
      groupHeaders: ['X-Remote-Group'],
      extraHeaderPrefixes: ['X-Remote-Extra-'],
    };
    const chain = authenticatorChain([requestHeaderAuthenticator(() => config), x509Authenticator({ bundles: () => [clientCA.cert] })]);
    harness = await startAuthHarness({
      async authenticate(req) {
        const user = await chain.authenticate(req);
        const via = frontProxyOf(req);
        return user === null || via === undefined ? user : { ...user, extra: { ...user.extra, 'test/via': [via] } };
      },
    });
  });
  after(() => harness.close());

  it('turns the front-proxy certificate plus headers into the end user', async () => {
    const r = await harness.send({ cert: proxy.chain, key: proxy.key, headers });
    assert.equal(r.status, 200);
    assert.deepEqual(userOf(r), {
      name: 'alice',
      groups: ['project-dev', 'viewers', 'system:authenticated'],
      extra: { 'acme.com/project': ['p1', 'p2'], scopes: ['view'], 'test/via': ['front-proxy-client'] },
    });
  });

  it('removes the identity headers after reading them', async () => {
    const r = await harness.send({ cert: proxy.chain, key: proxy.key, headers });
    assert.ok('headers' in r.body);
    assert.deepEqual(Object.keys(r.body.headers).filter((h) => h.startsWith('x-remote-')), []);
    assert.ok(!r.body.rawHeaders.some((h) => h.toLowerCase().startsWith('x-remote-')));
  });

  it('ignores forged headers on a request without a certificate', async () => {
    const r = await harness.send({ headers });
    assert.equal(r.status, 200);
    assert.equal(userOf(r), null);
    assert.ok('headers' in r.body && r.body.headers['x-remote-user'] === undefined);
  });

  it('ignores forged headers next to a direct client certificate: the certificate user wins', async () => {
    const bob = testClientCert(clientCA, { commonName: 'bob', organizations: ['devs'] });
    const r = await harness.send({ cert: bob.chain, key: bob.key, headers });
    assert.equal(userOf(r)?.name, 'bob');
    assert.deepEqual(userOf(r)?.groups, ['devs', 'system:authenticated']);
    assert.equal(userOf(r)?.extra?.['test/via'], undefined, 'not through the front proxy');
  });

  it('rejects a proxy certificate from another CA (401)', async () => {
    const forged = testClientCert(otherCA, { commonName: 'front-proxy-client' });
    const r = await harness.send({ cert: forged.chain, key: forged.key, headers });
    assert.equal(r.status, 401);
    assert.match('message' in r.body ? r.body.message : '', /verifying certificate SN=\d+, SKID=.*, AKID=.* failed: x509: certificate signed by unknown authority/);
  });

  it('rejects a CN that is not in the allowed list (401)', async () => {
    const other = testClientCert(rhCA, { commonName: 'someone-else' });
    const r = await harness.send({ cert: other.chain, key: other.key, headers });
    assert.equal(r.status, 401);
    assert.equal('message' in r.body ? r.body.message : '', 'x509: subject with cn=someone-else is not in the allowed list');
  });

  it('rejects a certificate without ClientAuth extended key usage (401)', async () => {
    const serverOnly = testClientCert(rhCA, { commonName: 'front-proxy-client', usage: 'server' });
    const r = await harness.send({ cert: serverOnly.chain, key: serverOnly.key, headers });
    assert.equal(r.status, 401);
    assert.match('message' in r.body ? r.body.message : '', /incompatible key usage/);
  });

  it('accepts a certificate without any extended key usage extension, as Go does', async () => {
    const noEku = testClientCert(rhCA, { commonName: 'front-proxy-client', usage: 'none' });
    const r = await harness.send({ cert: noEku.chain, key: noEku.key, headers });
    assert.equal(userOf(r)?.name, 'alice');
  });

  it('rejects an expired proxy certificate (401)', async () => {
    const expired = testClientCert(rhCA, { commonName: 'front-proxy-client', notBefore: new Date(Date.now() - 7200_000), notAfter: new Date(Date.now() - 3600_000) });
    const r = await harness.send({ cert: expired.chain, key: expired.key, headers });
    assert.equal(r.status, 401);
    assert.match('message' in r.body ? r.body.message : '', /expired or is not yet valid/);
  });

  it('verifies through intermediates the client sends, and only then', async () => {
    const intermediate = testCA('front-proxy-intermediate', rhCA);
    const leaf = testClientCert(intermediate, { commonName: 'front-proxy-client' });
    assert.equal(userOf(await harness.send({ cert: leaf.chain, key: leaf.key, headers }))?.name, 'alice');
    const bare = await harness.send({ cert: leaf.cert, key: leaf.key, headers });
    assert.equal(bare.status, 401);
  });

  it('does not accept the proxy certificate itself as a user when no username header is sent', async () => {
    const r = await harness.send({ cert: proxy.chain, key: proxy.key, headers: { 'X-Remote-Group': 'system:masters' } });
    // request header: not mine; x509 (client CA): the proxy certificate is not from the client CA -> 401
    assert.equal(r.status, 401);
  });

  it('takes the first non-empty username header and all values of all group headers', async () => {
    const saved = config;
    config = { ...config, usernameHeaders: ['X-Remote-User', 'X-Other-User'], groupHeaders: ['X-Remote-Group', 'X-Other-Group'], uidHeaders: ['X-Remote-Uid'] };
    try {
      const r = await harness.send({
        cert: proxy.chain,
        key: proxy.key,
        headers: { 'X-Remote-User': '', 'X-Other-User': 'carol', 'X-Remote-Group': ['a', ''], 'X-Other-Group': 'b', 'X-Remote-Uid': 'u-1' },
      });
      assert.deepEqual(userOf(r), { name: 'carol', uid: 'u-1', groups: ['a', 'b', 'system:authenticated'], extra: { 'test/via': ['front-proxy-client'] } });
    } finally {
      config = saved;
    }
  });

  it('accepts any CN when the allowed-names list is empty', async () => {
    const saved = config;
    config = { ...config, allowedNames: [] };
    try {
      const other = testClientCert(rhCA, { commonName: 'anything' });
      assert.equal(userOf(await harness.send({ cert: other.chain, key: other.key, headers }))?.name, 'alice');
    } finally {
      config = saved;
    }
  });

  it('follows a rotated CA bundle at once (read per request)', async () => {
    const saved = config;
    const newCA = testCA('front-proxy-ca-2');
    const newProxy = testClientCert(newCA, { commonName: 'front-proxy-client' });
    config = { ...config, caBundle: newCA.cert };
    try {
      assert.equal(userOf(await harness.send({ cert: newProxy.chain, key: newProxy.key, headers }))?.name, 'alice');
      assert.equal((await harness.send({ cert: proxy.chain, key: proxy.key, headers })).status, 401);
      config = { ...config, caBundle: newCA.cert + rhCA.cert }; // union during rotation
      assert.equal(userOf(await harness.send({ cert: proxy.chain, key: proxy.key, headers }))?.name, 'alice');
    } finally {
      config = saved;
    }
  });

  it('keeps a malformed percent-escape in an extra key as it is', async () => {
    const r = await harness.send({ cert: proxy.chain, key: proxy.key, headers: { 'X-Remote-User': 'alice', 'X-Remote-Extra-Bad%zzKey': 'v' } });
    assert.deepEqual(userOf(r)?.extra, { 'bad%zzkey': ['v'], 'test/via': ['front-proxy-client'] });
  });
});
