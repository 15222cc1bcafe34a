import assert from 'node:assert/strict';
import { cronSpecError } from './cron.js';

describe('apimachinery cron specs (robfig/cron v1 ParseStandard)', () => {
  for (const spec of ['0 20 * * *', '*/5 1-3 1,15 jan-mar mon-fri', '@daily', '@every 1h30m', '0 0 ? * SUN']) {
    it(`accepts ${spec}`, () => assert.equal(cronSpecError(spec), undefined));
  }
  const bad: [string, string][] = [
    ['', 'Empty spec string'],
    ['foo', 'Expected exactly 5 fields, found 1: foo'],
    ['60 * * * *', 'End of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'Beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'Beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'Step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'Too many hyphens: 1-2-3'],
    ['x * * * *', 'Failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['@sometimes', 'Unrecognized descriptor: @sometimes'],
    ['@every 1d', 'Failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"'],
  ];
  for (const [spec, msg] of bad) it(`refuses ${JSON.stringify(spec)}`, () => assert.equal(cronSpecError(spec), msg));
});
