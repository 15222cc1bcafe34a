import assert from 'node:assert/strict';
import { DurationError, formatDuration, normalizeDuration, parseDuration } from './duration.js';

describe('registry/shoot Go durations', () => {
  const ok: [string, string][] = [
    ['0', '0s'],
    ['0s', '0s'],
    ['5m', '5m0s'],
    ['168h', '168h0m0s'],
    ['672h', '672h0m0s'],
    ['1h30m', '1h30m0s'],
    ['90m', '1h30m0s'],
    ['1.5h', '1h30m0s'],
    ['2h0m0s', '2h0m0s'],
    ['300ms', '300ms'],
    ['1.5s', '1.5s'],
    ['.5s', '500ms'],
    ['1.5µs', '1.5µs'],
    ['1.5us', '1.5µs'],
    ['100ns', '100ns'],
    ['-2m', '-2m0s'],
    ['+3s', '3s'],
    ['1h1m1.001s', '1h1m1.001s'],
  ];
  for (const [input, want] of ok) it(`${input} -> ${want}`, () => assert.equal(normalizeDuration(input), want));

  const bad: [string, string][] = [
    ['28d', 'time: unknown unit "d" in duration "28d"'],
    ['1', 'time: missing unit in duration "1"'],
    ['', 'time: invalid duration ""'],
    ['-', 'time: invalid duration "-"'],
    ['h', 'time: invalid duration "h"'],
    ['1e3s', 'time: unknown unit "e" in duration "1e3s"'],
    ['10000000000h', 'time: invalid duration "10000000000h"'],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => assert.throws(() => parseDuration(input), (e: unknown) => e instanceof DurationError && e.message === message));
  }

  it('formats nanoseconds like Duration.String', () => {
    assert.equal(formatDuration(28n * 24n * 3600n * 1_000_000_000n), '672h0m0s');
    assert.equal(formatDuration(1n), '1ns');
    assert.equal(formatDuration(1_000_001_000n), '1.000001s');
  });
});
