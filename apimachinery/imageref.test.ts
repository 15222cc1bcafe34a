import assert from 'node:assert/strict';
import { ImageReferenceError, parseImageReference } from './imageref.js';

describe('apimachinery image references (distribution/reference)', () => {
  it('parses name, tag and digest', () => {
    assert.deepEqual(parseImageReference('registry.example.com:5000/team/app:1.2'), { name: 'registry.example.com:5000/team/app', tag: '1.2', digest: '' });
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.deepEqual(parseImageReference(`app@${digest}`), { name: 'app', tag: '', digest });
  });
  const bad: [string, string][] = [
    ['', 'repository name must have at least one component'],
    ['Registry/App', 'repository name must be lowercase'],
    ['app:', 'invalid reference format'],
    ['app@sha256:abc', 'invalid reference format'],
    [`app@sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
    [`app@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [`app@sha256:${'a'.repeat(65)}`, 'invalid checksum digest length'],
  ];
  for (const [text, msg] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.throws(() => parseImageReference(text), (e: unknown) => e instanceof ImageReferenceError && e.message === msg));
  }
});
