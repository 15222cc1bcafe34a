import assert from 'node:assert/strict';
import { Seats } from './seats.js';

describe('execution seats', () => {
  it('lets `size` holders in at once and the others in arrival order as seats are given back', async () => {
    const seats = new Seats(2);
    const order: string[] = [];
    const take = (name: string) => seats.acquire().then(() => order.push(name));
    await Promise.all([take('a'), take('b')]);
    const waiting = [take('c'), take('d'), take('e')];
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, ['a', 'b'], 'two seats, two holders');
    assert.equal(seats.queued, 3);
    seats.release();
    await waiting[0];
    assert.deepEqual(order, ['a', 'b', 'c']);
    seats.release();
    seats.release();
    await Promise.all(waiting);
    assert.deepEqual(order, ['a', 'b', 'c', 'd', 'e'], 'first come, first served');
    assert.equal(seats.queued, 0);
    for (let i = 0; i < 2; i++) seats.release();
    await Promise.all([take('f'), take('g')]);
    assert.deepEqual(order.slice(-2), ['f', 'g'], 'released seats are free again');
  });
});
