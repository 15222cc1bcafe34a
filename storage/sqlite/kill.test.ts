import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openSqliteBackend } from './backend.js';

/** A child process that creates keys with 8 concurrent writers and prints each acknowledged key. */
const CHILD = `
import { openSqliteBackend } from ${JSON.stringify(new URL('./backend.ts', import.meta.url).href)};
const backend = openSqliteBackend(process.env.DB_FILE);
let next = 0;
const writer = async () => {
  for (;;) {
    const i = next++;
    const result = await backend.create('/kill/' + i, Buffer.from('value-' + i));
    if (!result.succeeded) throw new Error('create failed');
    process.stdout.write(i + ' ' + result.revision + '\\n');
  }
};
await Promise.all(Array.from({ length: 8 }, writer));
`;

describe('sqlite backend durability', function () {
  this.timeout(20_000);

  it('keeps every acknowledged write when the process is killed with SIGKILL mid-burst', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'garden-sqlite-kill-'));
    const file = join(dir, 'kill.db');
    try {
      const acked = await runAndKill(file, 500);
      assert.ok(acked.size >= 500);
      const backend = openSqliteBackend(file);
      try {
        const current = await backend.currentRevision();
        for (const [i, revision] of acked) {
          const { kv } = await backend.get(`/kill/${i}`);
          assert.ok(kv, `acknowledged key ${i} is missing`);
          assert.equal(Buffer.from(kv.value).toString(), `value-${i}`);
          assert.equal(kv.modRevision, revision);
          assert.ok(revision <= current);
        }
        const next = await backend.create('/kill/after', Buffer.from('x'));
        assert.equal(next.revision, current + 1, 'revisions continue after recovery');
      } finally {
        await backend.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Runs the writer child until it acknowledged `count` writes, kills it, returns key -> revision. */
async function runAndKill(file: string, count: number): Promise<Map<number, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, DB_FILE: file },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const acked = new Map<number, number>();
  for await (const line of createInterface({ input: child.stdout })) {
    const [i, revision] = line.split(' ').map(Number);
    if (i !== undefined && revision !== undefined) acked.set(i, revision);
    if (acked.size >= count) {
      child.kill('SIGKILL');
      break;
    }
  }
  assert.equal(await exited, 'SIGKILL', 'the child was killed, not finished');
  return acked;
}
