/**
 * A first-in first-out queue drained in later event-loop turns (`setImmediate`, after the turn's I/O),
 * as much per turn as an allowance grants: what the handshake and request pacers hold back.
 */

/** Grants one more item of the current turn, or refuses (the rest waits for the next turn). */
export type Allowance = () => boolean;

/** Items waiting for a later turn, handed to `run` in arrival order, `allowance()`'s worth per turn. */
export class TurnQueue<T> {
  // Items handed over are cleared from the array, which is only reset once drained.
  private items: Array<T | undefined> = [];
  private head = 0;
  private scheduled = false;

  /**
   * @param run takes one item; an exception escapes the turn (as from an I/O callback) and the
   *   queue goes on in the next turn
   * @param allowance makes each turn's allowance, consulted before every item of that turn
   */
  constructor(
    private readonly run: (item: T) => void,
    private readonly allowance: () => Allowance,
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
