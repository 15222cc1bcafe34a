import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import { humanDuration, internalSecretTableConvertor, translateTimestampSince } from './table.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('registry/internalsecret table', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  const table = internalSecretTableConvertor(() => now);

  it('has the columns Name, Type, Data, Age, typed as gardener-apiserver types them', () => {
    assert.deepEqual(
      table.columns.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ['Name', 'string', 'name', 0],
        ['Type', 'string', '', 0],
        ['Data', 'string', '', 0],
        ['Age', 'string', '', 0],
      ],
    );
    for (const c of table.columns) assert.ok(c.description.length > 0, c.name);
  });

  const cases: [string, KubeObject, unknown[]][] = [
    [
      'full object',
      { metadata: { name: 'shoot.ca-client', creationTimestamp: '2025-06-01T11:55:00Z' }, type: 'Opaque', data: { a: '', b: '' } },
      ['shoot.ca-client', 'Opaque', 2, '5m'],
    ],
    ['no type, no data', { metadata: { name: 'x', creationTimestamp: '2025-05-30T12:00:00Z' } }, ['x', '', 0, '2d']],
    ['no creationTimestamp', { metadata: { name: 'x' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, ['x', 'kubernetes.io/tls', 2, '<unknown>']],
  ];
  for (const [name, obj, cells] of cases) it(`cells: ${name}`, () => assert.deepEqual(table.cells(obj), cells));

  describe('humanDuration (as k8s duration.HumanDuration)', () => {
    const durations: [number, string][] = [
      [0, '0s'],
      [-1500, '0s'],
      [-2500, '<invalid>'],
      [59 * S, '59s'],
      [119 * S, '119s'],
      [2 * M, '2m'],
      [2 * M + 30 * S, '2m30s'],
      [10 * M + 30 * S, '10m'],
      [179 * M, '179m'],
      [3 * H, '3h'],
      [3 * H + 5 * M, '3h5m'],
      [8 * H + 5 * M, '8h'],
      [47 * H, '47h'],
      [2 * D, '2d'],
      [2 * D + 2 * H, '2d2h'],
      [8 * D + 5 * H, '8d'],
      [729 * D, '729d'],
      [730 * D, '2y'],
      [731 * D, '2y1d'],
      [8 * 365 * D + 3 * D, '8y'],
    ];
    for (const [ms, want] of durations) it(`${ms}ms -> ${want}`, () => assert.equal(humanDuration(ms), want));
  });

  it('translateTimestampSince', () => {
    assert.equal(translateTimestampSince(undefined, now), '<unknown>');
    assert.equal(translateTimestampSince(null, now), '<unknown>');
    assert.equal(translateTimestampSince('garbage', now), '<unknown>');
    assert.equal(translateTimestampSince('2025-06-01T11:59:30Z', now), '30s');
  });
});
