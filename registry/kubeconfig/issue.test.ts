import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { forbiddenMessage, isStatusError, notFound, type StatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { UserInfo } from '../types.js';
import { loadClientCA, type SigningCA } from './ca.js';
import { ClientCertificateIssuer } from './certificate.js';
import { clusterCASourceFrom, type ClusterCALookups } from './cluster-ca.js';
import { groupDecider, KubeconfigIssuer, type IssuedEvent, type KubeconfigIssuerDeps } from './issue.js';
import { ecdsaP256KeySource } from './keys.js';
import { decodeKubeconfigRequest } from './request.js';
import { caSecretData, createTestCA, type TestCA } from '../../test/support/test-ca.js';
import { GROUPS, type KubeconfigKind } from './types.js';

const NS = 'garden-dev';
const USER: UserInfo = { name: 'alice', groups: ['devs'] };
const CLUSTER_CA = '-----BEGIN CERTIFICATE-----\nY2x1c3Rlcg==\n-----END CERTIFICATE-----\n';
const ADDRESSES = [
  { name: 'external', url: 'https://api.my-shoot.example.com' },
  { name: 'service-account-issuer', url: 'https://issuer.example.com' },
];

function shoot(name: string, addresses: unknown = ADDRESSES): KubeObject {
  return { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name, namespace: NS }, status: { advertisedAddresses: addresses } };
}

async function rejection(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (e: unknown) {
    if (isStatusError(e)) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}

describe('registry/kubeconfig issue', () => {
  let ca: TestCA;
  let signing: SigningCA;
  let events: IssuedEvent[];
  let calls: string[];
  let configMaps: Map<string, Record<string, string>>;
  let secrets: Map<string, Record<string, string>>;
  let shoots: Map<string, KubeObject>;

  before(async () => {
    ca = await createTestCA('rsa-pkcs1');
    signing = await loadClientCA(caSecretData(ca));
  });

  beforeEach(() => {
    events = [];
    calls = [];
    configMaps = new Map([[`${NS}/my-shoot.ca-cluster`, { 'ca.crt': CLUSTER_CA }]]);
    secrets = new Map();
    shoots = new Map([[`${NS}/my-shoot`, shoot('my-shoot')]]);
  });

  function deps(over: Partial<KubeconfigIssuerDeps> = {}): KubeconfigIssuerDeps {
    const lookups: ClusterCALookups = {
      configMapData: async (ns, name) => configMaps.get(`${ns}/${name}`),
      secretData: async (ns, name) => secrets.get(`${ns}/${name}`),
    };
    return {
      decideGroup: async (kind, user) => {
        calls.push(`group:${kind}:${user.name}`);
        return user.groups.includes('operators') ? GROUPS[kind].allowed : GROUPS[kind].denied;
      },
      getShoot: async (ns, name) => {
        calls.push(`shoot:${ns}/${name}`);
        return shoots.get(`${ns}/${name}`);
      },
      clientCAs: {
        get: async (ns, name) => {
          calls.push(`ca:${ns}/${name}`);
          if (name !== 'my-shoot.ca-client') throw new Error(`internalsecret.core.gardener.cloud ${JSON.stringify(name)} not found`);
          return signing;
        },
      },
      clusterCA: clusterCASourceFrom(lookups),
      certificates: new ClientCertificateIssuer(ecdsaP256KeySource()),
      maxExpirationSeconds: { admin: 86400, viewer: 7200 },
      onIssued: (e) => events.push(e),
      ...over,
    };
  }

  function request(kind: KubeconfigKind, body: unknown = {}) {
    return decodeKubeconfigRequest(kind, body, NS);
  }

  for (const kind of ['admin', 'viewer'] as const) {
    it(`issues a ${kind} kubeconfig`, async () => {
      const issuer = new KubeconfigIssuer(deps({ now: () => new Date('2030-05-01T10:00:00.400Z') }));
      const res = await issuer.issue(kind, { namespace: NS, shootName: 'my-shoot', user: USER, request: request(kind, { spec: { expirationSeconds: 600 } }) });
      const kindName = kind === 'admin' ? 'AdminKubeconfigRequest' : 'ViewerKubeconfigRequest';
      assert.equal(res.kind, kindName);
      assert.equal(res.apiVersion, 'authentication.gardener.cloud/v1alpha1');
      assert.deepEqual(res.metadata, { namespace: NS });
      assert.deepEqual(res.spec, { expirationSeconds: 600 });
      assert.equal(res.status.expirationTimestamp, '2030-05-01T10:10:00Z');

      const yaml = Buffer.from(res.status.kubeconfig, 'base64').toString('utf8');
      const kc = new KubeConfig();
      kc.loadFromString(yaml);
      assert.deepEqual(kc.getClusters().map((c) => c.name), [`${NS}--my-shoot-external`]);
      assert.equal(kc.getCurrentCluster()?.caData, Buffer.from(CLUSTER_CA).toString('base64'));
      const cert = new X509Certificate(Buffer.from(kc.getCurrentUser()?.certData ?? '', 'base64'));
      assert.equal(cert.subject, `O=gardener.cloud:project:${kind}s\nCN=gardener.cloud:${kind}:alice`);
      assert.equal(cert.verify(ca.publicKey), true);
      assert.equal(new Date(cert.validTo).toISOString(), '2030-05-01T10:10:00.000Z');

      assert.deepEqual(calls, [`group:${kind}:alice`, `shoot:${NS}/my-shoot`, `ca:${NS}/my-shoot.ca-client`]);
      assert.equal(events.length, 1);
      const e = events[0];
      assert.ok(e !== undefined);
      assert.deepEqual({ ...e, serial: '' }, {
        kind, user: 'alice', namespace: NS, shoot: 'my-shoot', group: `gardener.cloud:project:${kind}s`, serial: '',
        expiration: new Date('2030-05-01T10:10:00Z'), expirationSeconds: 600,
      });
      assert.equal(BigInt(`0x${e.serial}`), BigInt(`0x${cert.serialNumber}`));
      assert.ok(!JSON.stringify(e).includes('PRIVATE KEY'));
    });
  }

  it('puts the allowed group for privileged users', async () => {
    const res = await new KubeconfigIssuer(deps()).issue('admin', {
      namespace: NS, shootName: 'my-shoot', user: { name: 'op', groups: ['operators'] }, request: request('admin'),
    });
    const kc = new KubeConfig();
    kc.loadFromString(Buffer.from(res.status.kubeconfig, 'base64').toString());
    const cert = new X509Certificate(Buffer.from(kc.getCurrentUser()?.certData ?? '', 'base64'));
    assert.equal(cert.subject, 'O=gardener.cloud:system:admins\nCN=gardener.cloud:admin:op');
    assert.equal(res.spec.expirationSeconds, 3600);
  });

  it('decides the group with the spec\'s literal questions', async () => {
    const asked: unknown[] = [];
    const decide = groupDecider(async (user, q) => {
      asked.push({ user: user.name, ...q });
      return user.name === 'root';
    });
    assert.equal(await decide('admin', { name: 'root', groups: [] }), 'gardener.cloud:system:admins');
    assert.equal(await decide('admin', USER), 'gardener.cloud:project:admins');
    assert.equal(await decide('viewer', { name: 'root', groups: [] }), 'gardener.cloud:system:viewers');
    assert.equal(await decide('viewer', USER), 'gardener.cloud:project:viewers');
    assert.deepEqual(asked[0], { user: 'root', group: 'v1', resource: 'Secret', verb: 'list' });
    assert.deepEqual(asked[2], { user: 'root', group: 'core.gardener.cloud/v1beta1', resource: 'Project', verb: 'list' });
  });

  it('caps the lifetime and echoes the capped value', async () => {
    const issuer = new KubeconfigIssuer(deps({ now: () => new Date('2030-01-01T00:00:00Z') }));
    const viewer = await issuer.issue('viewer', { namespace: NS, shootName: 'my-shoot', user: USER, request: request('viewer', { spec: { expirationSeconds: 86400 } }) });
    assert.equal(viewer.spec.expirationSeconds, 7200);
    assert.equal(viewer.status.expirationTimestamp, '2030-01-01T02:00:00Z');
    const admin = await issuer.issue('admin', { namespace: NS, shootName: 'my-shoot', user: USER, request: request('admin', { spec: { expirationSeconds: 4294967295 } }) });
    assert.equal(admin.spec.expirationSeconds, 86400);
    const uncapped = new KubeconfigIssuer(deps({ maxExpirationSeconds: { admin: 0, viewer: 0 }, now: () => new Date('2030-01-01T00:00:00Z') }));
    const long = await uncapped.issue('admin', { namespace: NS, shootName: 'my-shoot', user: USER, request: request('admin', { spec: { expirationSeconds: 90000 } }) });
    assert.equal(long.spec.expirationSeconds, 90000);
    assert.equal(long.status.expirationTimestamp, '2030-01-02T01:00:00Z');
  });

  it('falls back to the legacy Secret only when the ConfigMap is missing', async () => {
    configMaps.clear();
    secrets.set(`${NS}/my-shoot.ca-cluster`, { 'ca.crt': Buffer.from(CLUSTER_CA).toString('base64') });
    const res = await new KubeconfigIssuer(deps()).issue('admin', { namespace: NS, shootName: 'my-shoot', user: USER, request: request('admin') });
    const kc = new KubeConfig();
    kc.loadFromString(Buffer.from(res.status.kubeconfig, 'base64').toString());
    assert.equal(kc.getCurrentCluster()?.caData, Buffer.from(CLUSTER_CA).toString('base64'));
  });

  describe('errors', () => {
    type Case = [string, () => void, number, string | undefined, string];
    const notFoundNoAddr = 'AdminKubeconfigRequest.authentication.gardener.cloud "my-shoot" is invalid: status.status: Invalid value: ';
    const cases: Case[] = [
      ['no user', () => undefined, 400, 'BadRequest', 'no user in context'],
      ['a failing group decision', () => undefined, 500, undefined, 'failed to get user groups: connection refused'],
      ['a missing shoot', () => shoots.clear(), 404, 'NotFound', 'shoots.core.gardener.cloud "my-shoot" not found'],
      ['no addresses', () => shoots.set(`${NS}/my-shoot`, shoot('my-shoot', null)), 422, 'Invalid',
        `${notFoundNoAddr}null: no suitable advertised address for kube-apiserver found in .status.advertisedAddresses`],
      ['no kube-apiserver address', () => shoots.set(`${NS}/my-shoot`, shoot('my-shoot', ADDRESSES.slice(1))), 422, 'Invalid',
        `${notFoundNoAddr}[{"Name":"service-account-issuer","URL":"https://issuer.example.com","Application":null}]: no suitable advertised address for kube-apiserver found in .status.advertisedAddresses`],
      ['a missing ConfigMap and Secret', () => configMaps.clear(), 500, 'InternalError',
        'Internal error occurred: could not get cluster CA secret: secret "my-shoot.ca-cluster" not found'],
      ['an empty bundle', () => configMaps.set(`${NS}/my-shoot.ca-cluster`, {}), 500, 'InternalError', 'Internal error occurred: could not load cluster CA bundle'],
      ['an empty legacy bundle', () => { configMaps.clear(); secrets.set(`${NS}/my-shoot.ca-cluster`, { 'ca.crt': '' }); }, 500, 'InternalError',
        'Internal error occurred: could not load cluster CA bundle'],
    ];
    for (const [name, setup, code, reason, message] of cases) {
      it(`answers ${code} for ${name}`, async () => {
        setup();
        const over: Partial<KubeconfigIssuerDeps> = name.includes('group') ? { decideGroup: async () => Promise.reject(new Error('connection refused')) } : {};
        const user = name === 'no user' ? undefined : USER;
        const err = await rejection(new KubeconfigIssuer(deps(over)).issue('admin', { namespace: NS, shootName: 'my-shoot', user, request: request('admin') }));
        assert.equal(err.code, code);
        assert.equal(err.reason, reason);
        assert.equal(err.status.message, message);
        assert.equal(events.length, 0);
      });
    }

    it('reports the 422 with the shoot name and field status.status', async () => {
      shoots.set(`${NS}/my-shoot`, shoot('my-shoot', []));
      const err = await rejection(new KubeconfigIssuer(deps()).issue('viewer', { namespace: NS, shootName: 'my-shoot', user: USER, request: request('viewer') }));
      assert.deepEqual(err.status.details?.name, 'my-shoot');
      assert.deepEqual(err.status.details?.kind, 'ViewerKubeconfigRequest');
      assert.deepEqual(err.status.details?.causes?.map((c) => c.field), ['status.status']);
    });

    it('passes the store errors of the Shoot through', async () => {
      const err = await rejection(new KubeconfigIssuer(deps({
        getShoot: async () => { throw notFound({ group: 'core.gardener.cloud', resource: 'shoots' }, 'x'); },
      })).issue('admin', { namespace: NS, shootName: 'x', user: USER, request: request('admin') }));
      assert.equal(err.status.message, 'shoots.core.gardener.cloud "x" not found');
    });

    it('wraps client CA failures', async () => {
      const err = await rejection(new KubeconfigIssuer(deps({ clientCAs: { get: async () => { throw new Error('boom'); } } }))
        .issue('admin', { namespace: NS, shootName: 'my-shoot', user: USER, request: request('admin') }));
      assert.equal(err.code, 500);
      assert.equal(err.status.message, 'Internal error occurred: could not get client CA secret: boom');
      const bad = await rejection(new KubeconfigIssuer(deps({ clientCAs: { get: () => loadClientCA({ 'ca.crt': '', 'ca.key': '' }) } }))
        .issue('admin', { namespace: NS, shootName: 'my-shoot', user: USER, request: request('admin') }));
      assert.equal(bad.status.message, 'Internal error occurred: could not load client CA certificate from secret: could not decode the PEM-encoded RSA private key');
    });

    it('wraps a failing ConfigMap lookup', async () => {
      const lookups: ClusterCALookups = { configMapData: async () => { throw new Error('cache not synced'); }, secretData: async () => undefined };
      const err = await rejection(new KubeconfigIssuer(deps({ clusterCA: clusterCASourceFrom(lookups) }))
        .issue('admin', { namespace: NS, shootName: 'my-shoot', user: USER, request: request('admin') }));
      assert.equal(err.status.message, 'Internal error occurred: could not get cluster CA config map: cache not synced');
    });

    it('answers 500 for an address URL that does not parse', async () => {
      shoots.set(`${NS}/my-shoot`, shoot('my-shoot', [{ name: 'external', url: 'https://bad host' }]));
      const err = await rejection(new KubeconfigIssuer(deps()).issue('admin', { namespace: NS, shootName: 'my-shoot', user: USER, request: request('admin') }));
      assert.equal(err.code, 500);
      assert.equal(err.status.message, 'parse "https://bad host": invalid character " " in host name');
    });
  });

  describe('handle', () => {
    it('runs admission before validation and validation before the user check', async () => {
      const issuer = new KubeconfigIssuer(deps());
      const denied = await rejection(issuer.handle('admin', {
        namespace: NS, shootName: 'my-shoot', user: undefined, body: { spec: { expirationSeconds: 10 } },
        admit: async () => { throw forbiddenMessage('denied by admission'); },
      }));
      assert.equal(denied.status.message, 'denied by admission');
      const invalid = await rejection(issuer.handle('admin', { namespace: NS, shootName: 'my-shoot', user: undefined, body: { spec: { expirationSeconds: 10 } } }));
      assert.equal(invalid.code, 422);
      const noUser = await rejection(issuer.handle('admin', { namespace: NS, shootName: 'my-shoot', user: undefined, body: {} }));
      assert.equal(noUser.code, 400);
    });

    it('serves the documented kubectl body', async () => {
      const res = await new KubeconfigIssuer(deps()).handle('viewer', { namespace: NS, shootName: 'my-shoot', user: USER, body: { spec: { expirationSeconds: 600 } } });
      assert.equal(res.spec.expirationSeconds, 600);
      assert.match(Buffer.from(res.status.kubeconfig, 'base64').toString(), /^apiVersion: v1\n/);
    });
  });
});
