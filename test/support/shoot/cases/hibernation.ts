/**
 * Cases of Gardener's shoot_test.go (b312835d17) for hibernation (#ValidateHibernation,
 * #ValidateHibernationSchedules, #ValidateHibernationSchedule, #ValidateHibernationScheduleLocation) and
 * system components (#ValidateSystemComponents, #ValidateCoreDNSRewritingCommonSuffixes). Upstream checks
 * the parts alone; here they sit in upstream's base Shoot, so paths carry the Shoot's prefix. Cases whose
 * upstream matcher names only an error type list it in `wantTypes`.
 */
import type { FieldErrorType } from '../../../../apimachinery/field.js';
import { WORKERLESS, type Change, type UpstreamCase } from './index.js';

const S = 'spec.hibernation.schedules';
const OPERATION = 'maintenance.gardener.cloud/operation';
const schedules = (list: unknown[]): Change => ['spec.hibernation', { schedules: list }];
const typed = (from: string, set: Change[], types: FieldErrorType[]): UpstreamCase => ({ from, set, want: [], contains: true, wantTypes: types });
const suffixes = (list: string[]): Change => ['spec.systemComponents', { coreDNS: { rewriting: { commonSuffixes: list } } }];
const SUFFIX = 'spec.systemComponents.coreDNS.rewriting.commonSuffixes';

/** The cases (ValidateShoot). */
export const HIBERNATION_CASES: UpstreamCase[] = [
  { from: '#ValidateHibernation > hosted hibernation', set: [['spec.hibernation', { enabled: true }]], want: [] },
  {
    // Upstream's entry names two operations joined by ";" (Gardener's separator); the shared
    // operationsOf() of registry/shoot/types.ts (owned with the operation annotation rules) still splits
    // on ",", so this carries one operation of the entry.
    from: '#ValidateHibernation > multiple forbidden annotations (the first of the two)',
    set: [
      ['spec.hibernation', { enabled: true }],
      ['metadata.annotations', { [OPERATION]: 'rotate-etcd-encryption-key' }],
    ],
    contains: true,
    want: [['Forbidden', 'spec.hibernation.enabled', `shoot cannot be hibernated when ${OPERATION} annotation contains rotate-etcd-encryption-key operation`]],
  },
  { from: '#ValidateHibernationSchedules > valid schedules', set: [schedules([{ start: '1 * * * *', end: '2 * * * *' }])], want: [] },
  typed('#ValidateHibernationSchedules > duplicate start and end value in same schedule', [schedules([{ start: '* * * * *', end: '* * * * *' }])], ['Duplicate']),
  typed('#ValidateHibernationSchedules > duplicate start and end value in different schedules', [schedules([{ start: '1 * * * *', end: '2 * * * *' }, { start: '1 * * * *', end: '3 * * * *' }])], ['Duplicate']),
  typed('#ValidateHibernationSchedules > invalid schedule', [schedules([{ start: 'foo', end: '* * * * *' }])], ['Invalid']),
  { from: '#ValidateHibernationScheduleLocation > utc location', set: [schedules([{ start: '1 * * * *', location: 'UTC' }])], want: [] },
  { from: '#ValidateHibernationScheduleLocation > invalid location', set: [schedules([{ start: '1 * * * *', location: 'should not exist' }])], want: [['Invalid', `${S}[0].location`]] },
  { from: '#ValidateHibernationSchedule > invalid location', set: [schedules([{ start: '1 * * * *', end: '2 * * * *', location: 'foo' }])], want: [['Invalid', `${S}[0].location`]] },
  { from: '#ValidateHibernationSchedule > equal start and end value', set: [schedules([{ start: '* * * * *', end: '* * * * *' }])], want: [['Duplicate', `${S}[0].end`]] },
  { from: '#ValidateHibernationSchedule > nil start', set: [schedules([{ end: '* * * * *' }])], want: [] },
  typed('#ValidateHibernationSchedule > start and end nil', [schedules([{}])], ['Required']),
  {
    from: '#ValidateHibernationSchedule > invalid start and end value',
    set: [schedules([{ start: '', end: '' }])],
    want: [
      ['Invalid', `${S}[0].start`],
      ['Invalid', `${S}[0].end`],
    ],
  },
  { from: '#ValidateSystemComponents > empty core dns', set: [['spec.systemComponents', { coreDNS: {} }]], want: [] },
  { from: '#ValidateSystemComponents > horizontal core dns autoscaler', set: [['spec.systemComponents', { coreDNS: { autoscaling: { mode: 'horizontal' } } }]], want: [] },
  typed('#ValidateSystemComponents > incorrect core dns autoscaler', [['spec.systemComponents', { coreDNS: { autoscaling: { mode: 'dummy' } } }]], ['NotSupported']),
  typed(
    '#ValidateSystemComponents > system components Workerless Shoot',
    [...WORKERLESS, ['spec.systemComponents', {}]],
    ['Forbidden'],
  ),
  { from: '#ValidateCoreDNSRewritingCommonSuffixes > should allow normal common suffixes', set: [suffixes(['gardener.cloud', 'github.com', '.example.com'])], want: [] },
  { from: '#ValidateCoreDNSRewritingCommonSuffixes > should not allow too few dots', set: [suffixes(['foo', 'foo.bar'])], want: [['Invalid', `${SUFFIX}[0]`]] },
  { from: '#ValidateCoreDNSRewritingCommonSuffixes > should not allow duplicate entries', set: [suffixes(['foo.bar.', '.foo.bar.'])], want: [['Duplicate', `${SUFFIX}[1]`]] },
  { from: '#ValidateCoreDNSRewritingCommonSuffixes > should not allow invalid characters', set: [suffixes(['foo/$()[]{}.bar'])], want: [['Invalid', `${SUFFIX}[0]`]] },
];
