/**
 * Long synchronous work (decrypting and decoding thousands of values) split into slices, so that the
 * event loop keeps serving other requests, probes included, while a big list or a cache load runs.
 */

/** Slices work into about `sliceMs` of CPU each, yielding to the event loop between slices. */
export class Pacer {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = 10) {}

  /** Resolves at once inside a slice; once `sliceMs` have passed, on the event loop's next turn. */
  async pace(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}
