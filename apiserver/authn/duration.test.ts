import assert from 'node:assert/strict';
import { parseDuration } from './duration.js';

describe('Go durations', () => {
  const ok: Array<[string, number]> = [['10s', 10_000], ['0', 0], ['300ms', 300], ['1m30s', 90_000], ['1.5h', 5_400_000], ['2m', 120_000], ['0s', 0]];
  for (const [text, ms] of ok) it(`${text} = ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  for (const bad of ['', '10', 's', '10x', '1m 30s', '-1s']) it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseDuration(bad), /invalid duration/));
});
