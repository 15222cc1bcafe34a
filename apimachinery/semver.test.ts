import assert from 'node:assert/strict';
import { compareVersions, incMinor, k8sAtLeastMinor, k8sBelowMinor, parseSemVer, rangeContains, SemVerConstraint, SemVerError, semVerString } from './semver.js';

describe('apimachinery semver (Masterminds/semver v3, lenient mode)', () => {
  const parsed: [string, string][] = [
    ['1.33.0', '1.33.0'],
    ['v1.33.2', '1.33.2'],
    ['1.33', '1.33.0'],
    ['1', '1.0.0'],
    ['1.34.0-rc.1+build.5', '1.34.0-rc.1+build.5'],
    ['01.02.03', '1.2.3'],
  ];
  for (const [text, want] of parsed) it(`parses ${text}`, () => assert.equal(semVerString(parseSemVer(text)), want));

  const invalid: [string, string][] = [
    ['', 'invalid semantic version'],
    ['1.x', 'invalid semantic version'],
    ['foo', 'invalid semantic version'],
    ['1.2.3-01', 'version segment starts with 0'],
    ['1.2.3-a..b', 'invalid semantic version'],
  ];
  for (const [text, msg] of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.throws(() => parseSemVer(text), (e: unknown) => e instanceof SemVerError && e.message === msg));
  }

  it('increments the minor version and drops prerelease and metadata', () => {
    assert.equal(semVerString(incMinor(parseSemVer('1.33.4-rc.1+x'))), '1.34.0');
  });

  it('checks constraints with the prerelease rule', () => {
    assert.equal(new SemVerConstraint('>= 1.34-0').checkVersion('1.34.0-alpha.1'), true);
    assert.equal(new SemVerConstraint('>= 1.34').checkVersion('1.34.0-alpha.1'), false);
    assert.equal(new SemVerConstraint('>= 1.29, < 1.32').checkVersion('1.31.9'), true);
    assert.equal(new SemVerConstraint('>= 1.29, < 1.32').checkVersion('1.32.0'), false);
    assert.equal(new SemVerConstraint('> 1.33').checkVersion('1.33.9'), false, 'a patch-dirty > compares minors');
    assert.equal(new SemVerConstraint('> 1.33').checkVersion('1.34.0'), true);
    assert.equal(new SemVerConstraint('< 1.34-0').checkVersion('not-a-version'), false);
  });

  it('answers Kubernetes thresholds', () => {
    assert.equal(k8sAtLeastMinor('1.34.0', 34), true);
    assert.equal(k8sAtLeastMinor('1.33.9', 34), false);
    assert.equal(k8sBelowMinor('1.33.9', 34), true);
    assert.equal(k8sBelowMinor('', 34), false, 'an unparsable version meets no constraint');
  });

  it('compares normalized versions as Gardener does', () => {
    assert.equal(compareVersions('v1.32.1-gardener.1', '<', '1.33.0'), true);
    assert.equal(compareVersions('1.33.0', '>=', '1.33.0'), true);
    assert.throws(() => compareVersions('x', '<', '1.33.0'), /invalid semantic version/);
  });

  it('checks version ranges [added, removed)', () => {
    assert.equal(rangeContains({ added: '1.29' }, '1.29.0'), true);
    assert.equal(rangeContains({ removed: '1.32' }, '1.32.0'), false);
    assert.equal(rangeContains({}, '1.10.0'), true);
  });
});
