import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../../registry/types.js';
import { verifyClientChain } from './certverify.js';
import { testCA, testCAFamily, testClientCert, type TestCert } from '../../test/support/authn/pki.js';
import { startAuthHarness, userOf, type AuthHarness } from '../../test/support/authn/harness.js';
import { AuthenticationError, authenticatorChain, type Authenticator } from './types.js';
import { CREDENTIAL_ID_EXTRA, x509Authenticator } from './x509.js';

describe('x509 client-certificate authentication', () => {
  let clientCA: TestCert;
  let generatedCA: TestCert;
  let otherCA: TestCert;
  let bundles: string[];
  let harness: AuthHarness;

  before(async () => {
    clientCA = testCA('client-ca');
    generatedCA = testCA('garden-apiserver-ca');
    otherCA = testCA('other-ca');
    bundles = [generatedCA.cert, clientCA.cert];
    harness = await startAuthHarness(authenticatorChain([x509Authenticator({ bundles: () => bundles })]));
  });
  after(() => harness.close());

  it('names the user by CN and the groups by O, with the credential id', async () => {
    const c = testClientCert(clientCA, { commonName: 'jane', organizations: ['team-a', 'team-b'] });
    const user = userOf(await harness.send({ cert: c.chain, key: c.key }));
    const fingerprint = createHash('sha256').update(new X509Certificate(c.cert).raw).digest('hex');
    assert.deepEqual(user, { name: 'jane', groups: ['team-a', 'team-b', 'system:authenticated'], extra: { [CREDENTIAL_ID_EXTRA]: [`X509SHA256=${fingerprint}`] } });
  });

  it('trusts every listed bundle (the generated CA next to --client-ca-file)', async () => {
    const admin = testClientCert(generatedCA, { commonName: 'garden-admin', organizations: ['system:masters'] });
    assert.equal(userOf(await harness.send({ cert: admin.chain, key: admin.key }))?.name, 'garden-admin');
  });

  it('answers "not mine" without a certificate', async () => {
    assert.equal(userOf(await harness.send({})), null);
  });

  it('rejects a certificate from an unknown CA with 401', async () => {
    const c = testClientCert(otherCA, { commonName: 'mallory', organizations: ['system:masters'] });
    const r = await harness.send({ cert: c.chain, key: c.key });
    assert.equal(r.status, 401);
  });

  it('rejects a certificate whose EKU does not include ClientAuth', async () => {
    const c = testClientCert(clientCA, { commonName: 'srv', usage: 'server' });
    assert.equal((await harness.send({ cert: c.chain, key: c.key })).status, 401);
    const any = testClientCert(clientCA, { commonName: 'any', usage: 'any' });
    assert.equal(userOf(await harness.send({ cert: any.chain, key: any.key }))?.name, 'any');
  });

  it('follows bundle changes per request (removal included)', async () => {
    const c = testClientCert(otherCA, { commonName: 'later' });
    bundles = [...bundles, otherCA.cert];
    assert.equal(userOf(await harness.send({ cert: c.chain, key: c.key }))?.name, 'later');
    bundles = bundles.slice(0, -1);
    assert.equal((await harness.send({ cert: c.chain, key: c.key })).status, 401);
  });

  it('answers "not mine" when no bundle is configured', async () => {
    const none = await startAuthHarness(x509Authenticator({ bundles: () => [] }));
    try {
      const c = testClientCert(clientCA, { commonName: 'jane' });
      assert.equal(userOf(await none.send({ cert: c.chain, key: c.key })), null);
    } finally {
      await none.close();
    }
  });

  it('gives up quickly on a hostile pool of look-alike intermediates', () => {
    const family = testCAFamily('loop-ca', 9);
    const leaf = testClientCert(family[0] as TestCert, { commonName: 'mallory' });
    const started = Date.now();
    assert.throws(
      () => verifyClientChain({ leaf: new X509Certificate(leaf.cert), intermediates: family.map((f) => new X509Certificate(f.cert)) }, [clientCA.cert]),
      /unknown authority/,
    );
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  it('keeps the legacy form: trusts the TLS layer verdict for the listener CA', async () => {
    const legacy = await startAuthHarness(x509Authenticator(), clientCA.cert);
    try {
      const c = testClientCert(clientCA, { commonName: 'jane', organizations: ['g'] });
      assert.equal(userOf(await legacy.send({ cert: c.chain, key: c.key }))?.name, 'jane');
      const o = testClientCert(otherCA, { commonName: 'x' });
      assert.equal(userOf(await legacy.send({ cert: o.chain, key: o.key })), null);
    } finally {
      await legacy.close();
    }
  });
});

describe('authenticator chain', () => {
  const fixed = (result: UserInfo | null | Error): Authenticator => ({
    authenticate: async () => {
      if (result instanceof Error) throw result;
      return result;
    },
  });
  const req = {} as IncomingMessage;

  it('returns the first user and adds system:authenticated', async () => {
    const user = await authenticatorChain([fixed(null), fixed({ name: 'a', groups: ['g'] }), fixed({ name: 'b', groups: [] })]).authenticate(req);
    assert.deepEqual(user, { name: 'a', groups: ['g', 'system:authenticated'] });
  });

  it('lets a later authenticator succeed after an earlier one failed (Kubernetes union)', async () => {
    const user = await authenticatorChain([fixed(new AuthenticationError('bad proxy cert')), fixed({ name: 'a', groups: [] })]).authenticate(req);
    assert.equal(user?.name, 'a');
  });

  it('rethrows the first error when nobody establishes a user', async () => {
    await assert.rejects(authenticatorChain([fixed(new AuthenticationError('first')), fixed(null), fixed(new AuthenticationError('second'))]).authenticate(req), /first/);
  });

  it('returns null when every authenticator says "not mine"', async () => {
    assert.equal(await authenticatorChain([fixed(null), fixed(null)]).authenticate(req), null);
  });

  it('does not add system:authenticated to users that carry system:unauthenticated', async () => {
    const user = await authenticatorChain([fixed({ name: 'system:anonymous', groups: ['system:unauthenticated'] })]).authenticate(req);
    assert.deepEqual(user?.groups, ['system:unauthenticated']);
  });
});
