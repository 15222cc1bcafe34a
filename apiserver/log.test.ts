import assert from 'node:assert/strict';
import { createLogger, logRepeatedFailure } from './log.js';

describe('log', () => {
  it('logs a repeating failure once per interval, counting the ones left out', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger(0, (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const failed = logRepeatedFailure(log, 'lock failed', 300);
    for (let i = 0; i < 10; i++) failed(new Error(`attempt ${i}`));
    assert.deepEqual(
      lines.map((l) => [l.msg, l.err, l.repeated]),
      [['lock failed', 'attempt 0', undefined]],
    );
    await new Promise((r) => setTimeout(r, 350));
    failed(new Error('attempt 10'));
    assert.deepEqual(lines.map((l) => [l.err, l.repeated]).slice(1), [['attempt 10', 9]]);
  });
});
