import assert from 'node:assert/strict';
import { MemberHealth } from './members.js';

/** Waits until `cond` holds (polling), failing after `timeoutMs`. */
async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('etcd member health', () => {
  it('picks only members that are not suspected, and any member when all are', () => {
    const health = new MemberHealth(3, () => new Promise(() => undefined), { probeIntervalMs: 60_000 });
    try {
      health.suspect(1);
      const picked = new Set(Array.from({ length: 300 }, () => health.pick()));
      assert.deepEqual([...picked].sort(), [0, 2]);
      health.suspect(0);
      health.suspect(2);
      const anyPicked = new Set(Array.from({ length: 300 }, () => health.pick()));
      assert.deepEqual([...anyPicked].sort(), [0, 1, 2]);
    } finally {
      health.close();
    }
  });

  it('probes a suspected member until it answers, then picks it again', async () => {
    const probed: number[] = [];
    let answering = false;
    const health = new MemberHealth(
      2,
      async (member) => {
        probed.push(member);
        if (!answering) throw new Error('no answer');
      },
      { probeIntervalMs: 5 },
    );
    try {
      health.suspect(1);
      await until('two probes', () => probed.length >= 2);
      assert.ok(health.isSuspected(1));
      answering = true;
      await until('the member to be trusted again', () => !health.isSuspected(1));
      assert.ok(probed.every((m) => m === 1));
      const settled = probed.length;
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(probed.length, settled, 'probing stops once the member answers');
    } finally {
      health.close();
    }
  });

  it('tells listeners once per suspicion and never suspects a single member', () => {
    const told: number[] = [];
    const health = new MemberHealth(3, () => new Promise(() => undefined), { probeIntervalMs: 60_000 });
    const single = new MemberHealth(1, () => Promise.resolve());
    try {
      const unsubscribe = health.onSuspect((m) => told.push(m));
      health.suspect(2);
      health.suspect(2);
      unsubscribe();
      health.suspect(0);
      assert.deepEqual(told, [2]);
      single.suspect(0);
      assert.equal(single.isSuspected(0), false);
      assert.equal(single.pick(), 0);
    } finally {
      health.close();
      single.close();
    }
  });
});
