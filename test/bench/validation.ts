/**
 * CPU time of Shoot defaulting and validation per call, as the strategy runs them on a write: decode
 * (durations, defaults), prepare, validate. Rows for the upstream example Shoot as a create, the example
 * with every commented field switched on, and an update of the example (the old object is decoded again,
 * as on every update). Target: well under 1 ms per call. Best of three rounds; objects are cloned before
 * the clock starts.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { shootStrategy } from '../../registry/shoot/strategy.js';
import { exampleShoot, testContext } from '../support/shoot/fixtures.js';

const TARGET_US = 1000;

/** CPU microseconds (user + system) per call of `fn` over `inputs`. */
function cpuPerCall<T>(inputs: T[], fn: (input: T) => void): number {
  const start = process.cpuUsage();
  for (const input of inputs) fn(input);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / inputs.length;
}

function bestOf3<T>(make: () => T, n: number, fn: (input: T) => void): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const inputs = Array.from({ length: n }, make);
    best = Math.min(best, cpuPerCall(inputs, fn));
  }
  return best;
}

function create(shoot: KubeObject): void {
  shootStrategy.decode?.(shoot);
  shootStrategy.prepareForCreate(shoot, testContext);
  if (shootStrategy.validate(shoot, testContext).length > 0) throw new Error('the example must be valid');
}

/** The example as stored: created once, with a resourceVersion. */
function stored(enableCommented: boolean): KubeObject {
  const shoot = exampleShoot(enableCommented);
  create(shoot);
  shoot.metadata.resourceVersion = '1';
  return shoot;
}

function update([next, old]: [KubeObject, KubeObject]): void {
  shootStrategy.decode?.(next);
  shootStrategy.prepareForUpdate(next, old, testContext);
  if (shootStrategy.validateUpdate(next, old, testContext).length > 0) throw new Error('the update must be valid');
}

const row = (name: string, us: number): string => `${name.padEnd(52)} ${us.toFixed(1).padStart(7)} µs CPU/call  (target < ${TARGET_US} µs: ${us < TARGET_US ? 'met' : 'MISSED'})`;

/** The benchmark section. */
export async function benchValidation(n: number): Promise<string[]> {
  const plain = exampleShoot();
  const full = exampleShoot(true);
  const old = stored(false);
  const changed = (): [KubeObject, KubeObject] => {
    const next = structuredClone(old);
    next.spec = { ...(next.spec as Record<string, unknown>), purpose: 'production' };
    return [next, structuredClone(old)];
  };
  for (let i = 0; i < 200; i++) create(structuredClone(plain)); // warm-up (JIT)
  return [
    row('create: defaults + validation, example Shoot', bestOf3(() => structuredClone(plain), n, create)),
    row('create: defaults + validation, example, all fields', bestOf3(() => structuredClone(full), n, create)),
    row('update: defaults + update validation, example', bestOf3(changed, n, update)),
  ];
}
