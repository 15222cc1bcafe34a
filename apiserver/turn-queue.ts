/**
 * A queue drained in later event-loop turns (`setImmediate`, after the turn's I/O), as much per turn as
 * an allowance grants: what the handshake and request pacers hold back. Items leave in arrival order,
 * except that each turn may first take a few of the newest (`newestFirst`), so that an item arriving
 * behind a long backlog waits a turn, not the whole backlog.
 */

/** Grants one more item of the current turn, or refuses (the rest waits for the next turn). */
export type Allowance = () => boolean;

/** Items waiting for a later turn, handed to `run` `allowance()`'s worth per turn: in arrival order, after the turn's newest few. */
export class TurnQueue<T> {
  // Items handed over are cleared from the array, which is only reset once drained.
  private items: Array<T | undefined> = [];
  private head = 0;
  private scheduled = false;

  /**
   * @param run takes one item; an exception escapes the turn (as from an I/O callback) and the
   *   queue goes on in the next turn
   * @param allowance makes each turn's allowance, consulted before every item of that turn
   * @param newestFirst items each turn takes from the newest end before the oldest (0: first in, first out)
   */
  constructor(
    private readonly run: (item: T) => void,
    private readonly allowance: () => Allowance,
    private readonly newestFirst = 0,
  ) {}

  /** Items waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Queues `item` behind those waiting. */
  push(item: T): void {
    this.items.push(item);
    this.schedule();
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const more = this.allowance();
    try {
      for (let newest = 0; newest < this.newestFirst && this.head < this.items.length && more(); newest++) {
        this.run(this.items.pop() as T);
      }
      while (this.head < this.items.length && more()) {
        const item = this.items[this.head] as T;
        this.items[this.head++] = undefined;
        this.run(item);
      }
    } finally {
      if (this.head < this.items.length) this.schedule();
      else {
        this.items = [];
        this.head = 0;
      }
    }
  };

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }
}
