import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGardenStandIn, type GardenStandIn } from '../../test/support/garden-standin.js';
import { parseAuthenticationConfigMap, watchAuthenticationConfigMap } from './authconfigmap.js';
import { buildAuthentication, type AuthenticationStack } from './delegating.js';
import { loadGardenKubeConfig } from './kubeclient.js';
import { testCA, testClientCert, type TestCert } from '../../test/support/authn/pki.js';
import { startAuthHarness, userOf, type AuthHarness } from '../../test/support/authn/harness.js';

function cmData(ca: TestCert, clientCA?: TestCert, uidHeaders?: string | null): Record<string, string> {
  const data: Record<string, string> = {
    'requestheader-client-ca-file': ca.cert,
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
  };
  if (clientCA !== undefined) data['client-ca-file'] = clientCA.cert;
  if (uidHeaders !== undefined) data['requestheader-uid-headers'] = uidHeaders === null ? 'null' : uidHeaders;
  return data;
}

describe('extension-apiserver-authentication ConfigMap', () => {
  describe('parsing', () => {
    const ca = testCA('rh');
    it('reads the JSON-array keys and both CA bundles', () => {
      const parsed = parseAuthenticationConfigMap(cmData(ca, ca, '["X-Remote-Uid"]'));
      assert.equal(parsed.clientCA, ca.cert);
      assert.deepEqual(parsed.requestHeader, {
        caBundle: ca.cert,
        allowedNames: ['front-proxy-client'],
        usernameHeaders: ['X-Remote-User'],
        uidHeaders: ['X-Remote-Uid'],
        groupHeaders: ['X-Remote-Group'],
        extraHeaderPrefixes: ['X-Remote-Extra-'],
      });
    });
    it('accepts a missing or null requestheader-uid-headers and an empty allowed-names list', () => {
      assert.deepEqual(parseAuthenticationConfigMap(cmData(ca)).requestHeader?.uidHeaders, []);
      assert.deepEqual(parseAuthenticationConfigMap(cmData(ca, undefined, null)).requestHeader?.uidHeaders, []);
      assert.deepEqual(parseAuthenticationConfigMap({ ...cmData(ca), 'requestheader-allowed-names': '[]' }).requestHeader?.allowedNames, []);
    });
    it('turns request-header auth off without requestheader-client-ca-file', () => {
      assert.deepEqual(parseAuthenticationConfigMap({ 'client-ca-file': ca.cert }), { clientCA: ca.cert });
      assert.deepEqual(parseAuthenticationConfigMap(undefined), {});
    });
    it('rejects malformed lists', () => {
      assert.throws(() => parseAuthenticationConfigMap({ ...cmData(ca), 'requestheader-group-headers': '[X-Remote-Group' }), /requestheader-group-headers/);
      assert.throws(() => parseAuthenticationConfigMap({ ...cmData(ca), 'requestheader-allowed-names': '{"a":1}' }), /not a JSON array of strings/);
    });
  });

  describe('from the garden cluster', () => {
    let garden: GardenStandIn;
    let dir: string;
    let kubeconfig: string;
    let rhCA: TestCert;
    let clientCA: TestCert;

    before(async () => {
      garden = await startGardenStandIn();
      dir = mkdtempSync(join(tmpdir(), 'authcm-'));
      kubeconfig = garden.writeKubeconfig(join(dir, 'garden.kubeconfig'), 'token');
      rhCA = testCA('front-proxy-ca');
      clientCA = testCA('kube-client-ca');
    });
    after(async () => {
      await garden.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads it, re-reads it periodically, and keeps the last good content on errors', async () => {
      garden.setAuthenticationConfigMap(cmData(rhCA, clientCA));
      const kc = loadGardenKubeConfig(kubeconfig);
      assert.ok(kc);
      const errors: string[] = [];
      const source = await watchAuthenticationConfigMap(kc, { intervalMs: 50, onError: (m) => errors.push(m) });
      try {
        assert.equal(source.current().requestHeader?.caBundle, rhCA.cert);
        const rotated = testCA('front-proxy-ca-2');
        garden.setAuthenticationConfigMap(cmData(rotated, clientCA));
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(source.current().requestHeader?.caBundle, rotated.cert);
        garden.fault = () => ({ status: 503 });
        await assert.rejects(source.refresh(), /HTTP 503/);
        await new Promise((r) => setTimeout(r, 150));
        garden.fault = undefined;
        assert.ok(errors.some((m) => m.includes('HTTP 503')), 'periodic failures are reported');
        assert.equal(source.current().requestHeader?.caBundle, rotated.cert);
      } finally {
        source.stop();
      }
    });

    it('keeps the last good content when the ConfigMap goes missing or holds a CA that does not parse', async () => {
      garden.setAuthenticationConfigMap(cmData(rhCA, clientCA));
      const kc = loadGardenKubeConfig(kubeconfig);
      assert.ok(kc);
      const source = await watchAuthenticationConfigMap(kc, { intervalMs: 3_600_000 });
      try {
        garden.deleteObject('configmaps', 'kube-system', 'extension-apiserver-authentication');
        await assert.rejects(source.refresh(), /not found; keeping its previous content/);
        assert.equal(source.current().clientCA, clientCA.cert);
        garden.setAuthenticationConfigMap({ ...cmData(rhCA, clientCA), 'client-ca-file': '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' });
        await assert.rejects(source.refresh(), /client-ca-file: a certificate of the bundle cannot be parsed/);
        garden.setAuthenticationConfigMap({ ...cmData(rhCA, clientCA), 'requestheader-client-ca-file': 'no certificate at all' });
        await assert.rejects(source.refresh(), /missing content for CA bundle "requestheader-client-ca-file"/);
        assert.equal(source.current().clientCA, clientCA.cert);
        assert.equal(source.current().requestHeader?.caBundle, rhCA.cert);
      } finally {
        source.stop();
      }
    });

    it('keeps the last good --client-ca-file when the file is changed into something that is no CA bundle', async () => {
      const path = join(dir, 'client-ca.crt');
      writeFileSync(path, clientCA.cert);
      const stack = await buildAuthentication({ clientCAFile: path, fileRefreshMs: 20 });
      try {
        writeFileSync(path, 'garbage');
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(stack.clientCABundles(), [clientCA.cert]);
        const next = testCA('client-ca-next');
        writeFileSync(path, next.cert);
        const deadline = Date.now() + 10_000;
        while (stack.clientCABundles()[0] !== next.cert && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.deepEqual(stack.clientCABundles(), [next.cert]);
      } finally {
        stack.stop();
      }
    });

    it('reads a missing ConfigMap as empty; fails start on other errors unless tolerated', async () => {
      garden.deleteObject('configmaps', 'kube-system', 'extension-apiserver-authentication');
      const kc = loadGardenKubeConfig(kubeconfig);
      assert.ok(kc);
      const empty = await watchAuthenticationConfigMap(kc);
      empty.stop();
      assert.deepEqual(empty.current(), {});
      garden.fault = () => ({ status: 403, message: 'forbidden' });
      try {
        await assert.rejects(watchAuthenticationConfigMap(kc), /unable to read configmap kube-system\/extension-apiserver-authentication: the server responded with HTTP 403/);
        const tolerant = await watchAuthenticationConfigMap(kc, { tolerateLookupFailure: true });
        tolerant.stop();
        assert.deepEqual(tolerant.current(), {});
      } finally {
        garden.fault = undefined;
      }
    });

    describe('aggregated mode end to end (buildAuthentication)', () => {
      let stack: AuthenticationStack;
      let harness: AuthHarness;
      const headers = { 'X-Remote-User': 'alice', 'X-Remote-Group': ['devs', 'system:authenticated'] };

      before(async () => {
        garden.setAuthenticationConfigMap(cmData(rhCA, clientCA));
        garden.tokens.set('tok', { username: 'token-user', groups: [] });
        stack = await buildAuthentication({ authenticationKubeconfig: kubeconfig, configMapRefreshMs: 50 });
        harness = await startAuthHarness(stack.authenticator);
      });
      after(async () => {
        stack.stop();
        await harness.close();
      });

      it('authenticates the front proxy, client certificates and tokens from the ConfigMap settings', async () => {
        const proxy = testClientCert(rhCA, { commonName: 'front-proxy-client' });
        assert.deepEqual(userOf(await harness.send({ cert: proxy.chain, key: proxy.key, headers })), { name: 'alice', groups: ['devs', 'system:authenticated'] });
        const kubeUser = testClientCert(clientCA, { commonName: 'kube-user' });
        assert.equal(userOf(await harness.send({ cert: kubeUser.chain, key: kubeUser.key }))?.name, 'kube-user');
        assert.equal(userOf(await harness.send({ headers: { Authorization: 'Bearer tok' } }))?.name, 'token-user');
        assert.deepEqual(stack.clientCABundles(), [clientCA.cert]);
      });

      it('picks up a rotated front-proxy CA without a restart', async () => {
        const oldProxy = testClientCert(rhCA, { commonName: 'front-proxy-client' });
        const newCA = testCA('front-proxy-ca-rotated');
        const newProxy = testClientCert(newCA, { commonName: 'front-proxy-client' });
        assert.equal((await harness.send({ cert: newProxy.chain, key: newProxy.key, headers })).status, 401);
        let changes = 0;
        stack.onTrustChange(() => changes++);
        garden.setAuthenticationConfigMap(cmData(newCA, clientCA));
        await new Promise((r) => setTimeout(r, 250));
        assert.equal(stack.requestHeaderCA(), newCA.cert);
        assert.equal(changes, 1, 'the listener hears of the new front-proxy CA once');
        assert.equal(userOf(await harness.send({ cert: newProxy.chain, key: newProxy.key, headers }))?.name, 'alice');
        assert.equal((await harness.send({ cert: oldProxy.chain, key: oldProxy.key, headers })).status, 401);
      });

      it('reads the ConfigMap again when a front-proxy certificate does not chain, not waiting for the next read', async () => {
        const rotated = testCA('front-proxy-ca-on-demand');
        garden.setAuthenticationConfigMap(cmData(rhCA, clientCA));
        // No periodic read during the test: only the on-demand one can see the rotation.
        const lazy = await buildAuthentication({ authenticationKubeconfig: kubeconfig, configMapRefreshMs: 3_600_000 });
        const h = await startAuthHarness(lazy.authenticator);
        try {
          garden.setAuthenticationConfigMap(cmData(rotated, clientCA));
          const proxy = testClientCert(rotated, { commonName: 'front-proxy-client' });
          assert.equal(userOf(await h.send({ cert: proxy.chain, key: proxy.key, headers }))?.name, 'alice');
          const stranger = testClientCert(testCA('nobody'), { commonName: 'front-proxy-client' });
          assert.equal((await h.send({ cert: stranger.chain, key: stranger.key, headers })).status, 401);
        } finally {
          lazy.stop();
          await h.close();
        }
      });

      it('lets --requestheader-client-ca-file win over the ConfigMap', async () => {
        const fileCA = testCA('flag-ca');
        const path = join(dir, 'rh-ca.crt');
        writeFileSync(path, fileCA.cert);
        const flagged = await buildAuthentication({ authenticationKubeconfig: kubeconfig, requestHeaderClientCAFile: path, requestHeaderAllowedNames: ['aggregator'] });
        const h = await startAuthHarness(flagged.authenticator);
        try {
          const p = testClientCert(fileCA, { commonName: 'aggregator' });
          assert.equal(userOf(await h.send({ cert: p.chain, key: p.key, headers }))?.name, 'alice');
          const cmProxy = testClientCert(rhCA, { commonName: 'front-proxy-client' });
          assert.equal((await h.send({ cert: cmProxy.chain, key: cmProxy.key, headers })).status, 401);
        } finally {
          flagged.stop();
          await h.close();
        }
      });
    });
  });
});
