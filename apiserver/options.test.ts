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
