/**
 * Runs the jobs handed in during one turn of the event loop back to back, in the order they came,
 * once that turn's I/O callbacks are done (setImmediate).
 *
 * Under load, requests arrive in bunches. Reading a paste (redaction, the matcher's automaton) and
 * rendering its card cost two to three times more right after a turn of framework work, which has
 * pushed their code and data out of the processor's caches, than right after another paste. Run
 * together, all but the first of a bunch find them warm. A job in stages has each stage of every job
 * in the batch run before the next stage of any, so each stage's code and data stay in the
 * caches for the whole batch. Each job runs in full for its own request; nothing is shared between
 * jobs but the caches.
 *
 * A job's failure is its own. A batch takes no new job after `maxBatchMs` and leaves the rest for
 * the next turn of the loop, so a bunch of very long pastes does not hold the first replies back.
 */
export class TickBatcher {
  private queue: Job[] = [];
  private scheduled = false;

  constructor(private readonly maxBatchMs = 5) {}

  run<T>(work: () => T): Promise<T>;
  run<A, T>(first: () => A, second: (a: A) => T): Promise<T>;
  run<A, B, T>(first: () => A, second: (a: A) => B, third: (b: B) => T): Promise<T>;
  run(...stages: Array<(input: unknown) => unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ stages, value: undefined, resolve, reject, failed: false });
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
    let taken = 0;
    // The first stage decides the batch: jobs are taken until the budget is spent.
    while (taken < this.queue.length && (taken === 0 || performance.now() < deadline)) runStage(this.queue[taken++] as Job, 0);
    const batch = this.queue.splice(0, taken);
    const stages = Math.max(...batch.map((job) => job.stages.length));
    for (let stage = 1; stage < stages; stage++) for (const job of batch) runStage(job, stage);
    for (const job of batch) if (!job.failed) job.resolve(job.value);
    if (this.queue.length > 0) this.schedule();
  }
}

interface Job {
  stages: Array<(input: unknown) => unknown>;
  value: unknown;
  failed: boolean;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

function runStage(job: Job, stage: number): void {
  const work = job.stages[stage];
  if (job.failed || work === undefined) return;
  try {
    job.value = work(job.value);
  } catch (err) {
    job.failed = true;
    job.reject(err);
  }
}
