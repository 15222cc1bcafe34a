/** Waiting for a slow reader: how streaming responses (lists, watches) avoid buffering without bound. */
import type { Writable } from 'node:stream';

/**
 * Resolves when `stream` can take more data (its buffer drained), is gone (closed or destroyed), or
 * `stopped` resolves.
 */
export function drained(stream: Writable, stopped?: Promise<void>): Promise<void> {
  if (!stream.writableNeedDrain || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    void stopped?.then(done);
  });
}
