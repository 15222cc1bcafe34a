import assert from 'node:assert/strict';
import { memberVerdict } from './connection.js';
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

  it('probes a member whose request was slow and suspects it only when the probe gets no answer', async () => {
    const changes: Array<[number, boolean]> = [];
    let answering = true;
    let probes = 0;
    const health = new MemberHealth(
      3,
      async () => {
        probes++;
        if (!answering) throw new Error('no answer');
      },
      { probeIntervalMs: 5, onChange: (m, healthy) => changes.push([m, healthy]) },
    );
    const told: number[] = [];
    health.onSuspect((m) => told.push(m));
    try {
      health.check(2);
      await until('a probe', () => probes === 1);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(health.isSuspected(2), false, 'a member that answers its probe is not suspected');
      answering = false;
      health.check(2);
      await until('the member to be suspected', () => health.isSuspected(2));
      await until('a failed probe after the suspicion', () => told.length >= 2);
      assert.ok(told.every((m) => m === 2), 'listeners hear of the member again at each failed probe');
      answering = true;
      await until('the member to answer again', () => !health.isSuspected(2));
      assert.deepEqual(changes, [
        [2, false],
        [2, true],
      ]);
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

describe('what a failed etcd call says about its member', () => {
  /** A failure as grpc-js reports it: `<code> <NAME>: <details>` with the numeric code. */
  const grpcError = (code: number, name: string, details: string) => Object.assign(new Error(`${code} ${name}: ${details}`), { code, details });

  it('suspects a member whose connection failed, probes one that missed a deadline, ignores what working members say', () => {
    assert.equal(memberVerdict(grpcError(14, 'UNAVAILABLE', 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379')), 'suspect');
    assert.equal(memberVerdict(grpcError(14, 'UNAVAILABLE', 'Connection dropped')), 'suspect');
    assert.equal(memberVerdict(grpcError(4, 'DEADLINE_EXCEEDED', 'Deadline exceeded after 1.001s')), 'probe');
    for (const details of ['etcdserver: leader changed', 'etcdserver: no leader', 'etcdserver: request timed out', 'etcdserver: request timed out, possibly due to previous leader failure', 'Channel closed before call started']) {
      assert.equal(memberVerdict(grpcError(14, 'UNAVAILABLE', details)), undefined, details);
    }
    assert.equal(memberVerdict(grpcError(11, 'OUT_OF_RANGE', 'etcdserver: mvcc: required revision has been compacted')), undefined);
    assert.equal(memberVerdict(grpcError(1, 'CANCELLED', 'Cancelled on client')), undefined);
    assert.equal(memberVerdict('not an error'), undefined);
  });
});
