/**
 * Runs the jobs handed in during one turn of the event loop back to back, in the order they came,
 * once that turn's I/O callbacks are done (setImmediate).
 *
 * Under load, requests arrive in bunches. Reading a paste (redaction, the matcher's automaton) and
 * rendering its card cost two to three times more right after a turn of framework work, which has
 * pushed their code and data out of the processor's caches, than right after another paste. Run
 * together, all but the first of a bunch find them warm. Each job runs in full for its own request;
 * nothing is shared between jobs but the caches.
 *
 * A job's failure is its own. A batch stops after `maxBatchMs` and leaves the rest for the next turn
 * of the loop, so a bunch of very long pastes does not hold the replies of the first ones back.
 */
export class TickBatcher {
  private queue: Array<() => void> = [];
  private scheduled = false;

  constructor(private readonly maxBatchMs = 5) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      });
      this.schedule();
    });
  }

  /** Jobs waiting for their batch. */
  get pending(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const deadline = performance.now() + this.maxBatchMs;
    let done = 0;
    while (done < this.queue.length && (done === 0 || performance.now() < deadline)) (this.queue[done++] as () => void)();
    this.queue.splice(0, done);
    if (this.queue.length > 0) this.schedule();
  }
}
