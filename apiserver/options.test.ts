import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import { buildCommand, parseOptions } from './options.js';

/** Parses `argv` with a command that throws instead of exiting the process. */
function parse(argv: string[]) {
  const cmd = buildCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  return parseOptions(argv, cmd);
}

describe('options: log verbosity', () => {
  for (const argv of [['-v=3'], ['--v=3'], ['-v', '3'], ['--v', '3'], ['-v3']]) {
    it(`accepts ${argv.join(' ')} as Kubernetes' flag library does`, () => {
      assert.equal(parse(argv).verbosity, 3);
    });
  }

  it('defaults to 0', () => {
    assert.equal(parse([]).verbosity, 0);
  });

  for (const bad of ['-v=', '-v=x', '--v=-1', '-v==2', '--v=1.5']) {
    it(`refuses ${bad}`, () => {
      assert.throws(() => parse([bad]), (e: unknown) => e instanceof CommanderError && /must be a non-negative integer/.test(e.message));
    });
  }
});

describe('options: --etcd-prefix', () => {
  it('defaults to /registry-gardener', () => {
    assert.equal(parse([]).etcdPrefix, '/registry-gardener');
  });

  for (const [given, cleaned] of [
    ['registry-gardener', '/registry-gardener'],
    ['/registry-gardener/', '/registry-gardener'],
    ['//x//y//', '/x/y'],
    ['/a/./b/../c', '/a/c'],
    ['/', ''],
  ] as const) {
    it(`cleans ${given} to ${JSON.stringify(cleaned)} as kube-apiserver's storage does`, () => {
      assert.equal(parse([`--etcd-prefix=${given}`]).etcdPrefix, cleaned);
    });
  }
});

describe('options: --shoot-credentials-rotation-interval', () => {
  it('defaults to 90 days and reads Go durations', () => {
    assert.equal(parse([]).shootCredentialsRotationInterval, 90 * 24 * 3600);
    assert.equal(parse(['--shoot-credentials-rotation-interval=48h']).shootCredentialsRotationInterval, 48 * 3600);
  });

  for (const bad of ['23h59m59s', '4294967297s', '0']) {
    it(`refuses ${bad} with gardener-apiserver's message`, () => {
      assert.throws(
        () => parse([`--shoot-credentials-rotation-interval=${bad}`]),
        (e: unknown) => e instanceof CommanderError && e.message === 'error: --shoot-credentials-rotation-interval must be between 24 hours and 2^32 seconds',
      );
    });
  }
});

describe('options: --audit-webhook-*', () => {
  it('reads them with kube-apiserver defaults, only with --audit-webhook-config-file', () => {
    assert.equal(parse(['--audit-webhook-batch-max-size=0']).auditWebhook, undefined, 'not checked without a config file');
    assert.deepEqual(parse(['--audit-webhook-config-file=/etc/audit/kubeconfig', '--audit-webhook-batch-max-size=30', '--audit-webhook-version=audit.k8s.io/v1']).auditWebhook, {
      configFile: '/etc/audit/kubeconfig',
      mode: 'batch',
      initialBackoffMs: 10_000,
      batch: { bufferSize: 10_000, maxBatchSize: 30, maxBatchWaitMs: 30_000, throttleEnable: true, throttleQPS: 10, throttleBurst: 15 },
      truncate: { enabled: false, maxEventSize: 102_400, maxBatchSize: 10_485_760 },
    });
  });

  for (const [args, message] of [
    [['--audit-webhook-mode=async'], 'invalid audit webhook mode async, allowed modes are "batch,blocking,blocking-strict"'],
    [['--audit-webhook-batch-buffer-size=0'], 'invalid audit batch webhook buffer size 0, must be a positive number'],
    [['--audit-webhook-batch-max-size=-1'], 'invalid audit batch webhook max batch size -1, must be a positive number'],
    [['--audit-webhook-batch-throttle-qps=0'], 'invalid audit batch webhook throttle QPS 0, must be a positive number'],
    [['--audit-webhook-truncate-max-event-size=2000', '--audit-webhook-truncate-max-batch-size=1000'], 'invalid audit truncate webhook max batch size 1000, must be greater than max event size (2000)'],
    [['--audit-webhook-version=audit.k8s.io/v1beta1'], 'invalid group version, allowed versions are ["audit.k8s.io/v1"]'],
  ] as const) {
    it(`refuses ${args.join(' ')}`, () => {
      assert.throws(
        () => parse(['--audit-webhook-config-file=/k', ...args]),
        (e: unknown) => e instanceof CommanderError && e.message.includes(message),
      );
    });
  }

  it('does not check batch settings in blocking modes, as upstream', () => {
    assert.equal(parse(['--audit-webhook-config-file=/k', '--audit-webhook-mode=blocking', '--audit-webhook-batch-buffer-size=0']).auditWebhook?.mode, 'blocking');
  });
});

describe('options: --tls-cipher-suites, --tls-min-version', () => {
  it("turns Gardener's list into OpenSSL's names, TLS 1.3 suites always first", () => {
    const gardener = 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305';
    assert.deepEqual(parse([`--tls-cipher-suites=${gardener}`, '--tls-min-version=VersionTLS12']).tls, {
      ciphers:
        'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
      minVersion: 'TLSv1.2',
    });
    assert.deepEqual(parse([]).tls, {});
  });

  for (const [arg, message] of [
    ['--tls-cipher-suites=TLS_FAKE_SUITE', 'Cipher suite TLS_FAKE_SUITE not supported or doesn\'t exist'],
    ['--tls-min-version=TLS12', 'unknown tls version "TLS12"'],
    ['--tls-cipher-suites=TLS_RSA_WITH_RC4_128_SHA', 'none of the TLS 1.2 suites named is available'],
  ] as const) {
    it(`refuses ${arg}`, () => {
      assert.throws(() => parse([arg]), (e: unknown) => e instanceof CommanderError && e.message.includes(message));
    });
  }
});
