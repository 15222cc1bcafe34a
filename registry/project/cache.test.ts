/** The Project cache: list, watch, this server's own writes, and the order between them. */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import type { WatchEvent } from '../../storage/interface.js';
import { until } from '../../test/support/wait.js';
import { ProjectCache } from './cache.js';

const project = (name: string, rv: number, namespace = `garden-${name}`): KubeObject => ({ metadata: { name, resourceVersion: String(rv) }, spec: { namespace } });

/** A source whose watch delivers what the test pushes. */
function source(items: KubeObject[], listRv: string) {
  const pending: WatchEvent[] = [];
  let wake: (() => void) | undefined;
  let stopped = false;
  return {
    push(e: WatchEvent) {
      pending.push(e);
      wake?.();
    },
    list: async () => ({ items, metadata: { resourceVersion: listRv } }),
    watch: () => ({
      stop: () => {
        stopped = true;
        wake?.();
      },
      async *[Symbol.asyncIterator]() {
        while (!stopped) {
          const e = pending.shift();
          if (e !== undefined) yield e;
          else await new Promise<void>((r) => (wake = r));
        }
      },
    }),
  };
}

describe('registry/project cache', () => {
  it('finds Projects by name and namespace after the list and follows the watch', async () => {
    const src = source([project('dev', 5)], '5');
    const cache = new ProjectCache(src);
    await cache.start();
    try {
      assert.equal((await cache.forNamespace('garden-dev'))?.metadata.name, 'dev');
      src.push({ type: 'ADDED', object: project('ops', 6) });
      await until(async () => (await cache.get('ops')) !== undefined, 'the ADDED event');
      src.push({ type: 'DELETED', object: project('dev', 7) });
      await until(async () => (await cache.get('dev')) === undefined, 'the DELETED event');
      assert.deepEqual((await cache.list()).map((p) => p.metadata.name), ['ops']);
    } finally {
      cache.stop();
    }
  });

  it('takes its own writes at once and never lets an older event undo them', async () => {
    const src = source([project('dev', 5)], '5');
    const cache = new ProjectCache(src);
    await cache.start();
    try {
      const before = cache.generation;
      cache.observe(project('dev', 9, 'garden-new'));
      assert.equal((await cache.forNamespace('garden-new'))?.metadata.name, 'dev');
      assert.ok(cache.generation > before);
      src.push({ type: 'MODIFIED', object: project('dev', 8, 'garden-old') });
      src.push({ type: 'ADDED', object: project('marker', 10) });
      await until(async () => (await cache.get('marker')) !== undefined, 'the later events');
      assert.equal(projectNs(await cache.get('dev')), 'garden-new', 'the older MODIFIED is ignored');
      cache.observeDeleted(project('dev', 11));
      src.push({ type: 'MODIFIED', object: project('dev', 10) });
      src.push({ type: 'ADDED', object: project('marker2', 12) });
      await until(async () => (await cache.get('marker2')) !== undefined, 'the later events');
      assert.equal(await cache.get('dev'), undefined, 'a deletion stays deleted');
    } finally {
      cache.stop();
    }
  });
});

function projectNs(p: KubeObject | undefined): unknown {
  return (p?.spec as { namespace?: string } | undefined)?.namespace;
}
