import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { isStatusError } from '../../apimachinery/errors.js';
import { loadClientCA, parseSigningCA } from './ca.js';
import { caSecretData, createTestCA, type TestCA } from '../../test/support/test-ca.js';

async function loadError(data: Record<string, string> | undefined): Promise<string> {
  try {
    await loadClientCA(data);
  } catch (e: unknown) {
    assert.ok(isStatusError(e));
    assert.equal(e.code, 500);
    assert.equal(e.reason, 'InternalError');
    return e.status.message ?? '';
  }
  return 'no error';
}

const PREFIX = 'Internal error occurred: could not load client CA certificate from secret: ';

describe('registry/kubeconfig client CA', () => {
  let rsa: TestCA;
  let ec: TestCA;
  before(async () => {
    rsa = await createTestCA('rsa-pkcs1');
    ec = await createTestCA('ec-sec1');
  });

  it('loads PKCS#1, PKCS#8 and SEC1 keys', async () => {
    for (const format of ['rsa-pkcs1', 'rsa-pkcs8', 'ec-sec1', 'ec-pkcs8', 'ec-p384'] as const) {
      const ca = format === 'rsa-pkcs1' ? rsa : format === 'ec-sec1' ? ec : await createTestCA(format);
      const loaded = await loadClientCA(caSecretData(ca));
      assert.equal(loaded.certificatePem, ca.certPem, format);
      assert.ok(loaded.subjectKeyId !== undefined);
      assert.equal(loaded.signingAlgorithm.name, format.startsWith('rsa') ? 'RSASSA-PKCS1-v1_5' : 'ECDSA');
    }
  });

  it('accepts an EC key preceded by EC PARAMETERS and a bundle in ca.crt (first certificate wins)', async () => {
    const params = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
    const loaded = await parseSigningCA(ec.certPem + rsa.certPem, params + ec.keyPem);
    assert.equal(loaded.certificatePem, ec.certPem);
  });

  const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cases: [string, () => Record<string, string> | undefined, string][] = [
    ['no data', () => undefined, 'could not decode the PEM-encoded RSA private key'],
    ['no key', () => ({ 'ca.crt': caSecretData(rsa)['ca.crt'] ?? '' }), 'could not decode the PEM-encoded RSA private key'],
    ['no certificate', () => ({ 'ca.key': caSecretData(rsa)['ca.key'] ?? '' }), 'PEM block type must be CERTIFICATE'],
    ['a key where the certificate belongs', () => caSecretData({ certPem: rsa.keyPem, keyPem: rsa.keyPem }), 'PEM block type must be CERTIFICATE'],
    ['a mismatching key', () => caSecretData({ certPem: rsa.certPem, keyPem: ec.keyPem }), 'the private key does not match the certificate'],
    ['an unsupported key type', () => caSecretData({ certPem: rsa.certPem, keyPem: ed }), 'the private key does not match the certificate'],
    ['a garbled key', () => caSecretData({ certPem: rsa.certPem, keyPem: '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n' }), 'could not parse the RSA PRIVATE KEY: '],
  ];
  for (const [name, data, message] of cases) {
    it(`answers 500 for ${name}`, async () => {
      const got = await loadError(data());
      assert.ok(got.startsWith(PREFIX + message), got);
    });
  }
});
