import assert from 'node:assert/strict';
import { normalizeTime, TimeParseError } from './gotime.js';

describe('gotime', () => {
  it('writes times back as Go does: UTC, whole seconds', () => {
    assert.equal(normalizeTime('2025-01-01T00:00:00Z'), '2025-01-01T00:00:00Z');
    assert.equal(normalizeTime('2025-01-01T01:00:00.123+01:00'), '2025-01-01T00:00:00Z');
    assert.equal(normalizeTime('2024-12-31T23:30:00-01:00'), '2025-01-01T00:30:00Z');
    assert.equal(normalizeTime('2024-02-29T10:00:00,5Z'), '2024-02-29T10:00:00Z');
    assert.equal(normalizeTime('0001-01-01T00:00:00Z'), '0001-01-01T00:00:00Z');
  });

  it("refuses what time.Parse(time.RFC3339, …) refuses, with Go's messages", () => {
    const layout = '"2006-01-02T15:04:05Z07:00"';
    for (const [value, message] of <Array<[string, string]>>[
      ['not-a-time', `parsing time "not-a-time" as ${layout}: cannot parse "not-a-time" as "2006"`],
      ['2021-01-01', `parsing time "2021-01-01" as ${layout}: cannot parse "" as "T"`],
      ['2025-01-01 00:00:00Z', `parsing time "2025-01-01 00:00:00Z" as ${layout}: cannot parse " 00:00:00Z" as "T"`],
      ['2025-01-01T00:00:00', `parsing time "2025-01-01T00:00:00" as ${layout}: cannot parse "" as "Z07:00"`],
      ['2025-13-01T00:00:00Z', 'parsing time "2025-13-01T00:00:00Z": month out of range'],
      ['2025-02-30T00:00:00Z', 'parsing time "2025-02-30T00:00:00Z": day out of range'],
      ['2025-01-01T24:00:00Z', 'parsing time "2025-01-01T24:00:00Z": hour out of range'],
      ['2025-01-01T00:00:00Zjunk', 'parsing time "2025-01-01T00:00:00Zjunk": extra text: "junk"'],
    ]) {
      assert.throws(() => normalizeTime(value), (e: unknown) => e instanceof TimeParseError && e.message === message, value);
    }
  });
});
