import { strict as assert } from 'node:assert';
import { TickBatcher } from '../../src/bot/TickBatcher';

describe('TickBatcher', () => {
  it('runs the jobs of one turn of the event loop together, after that turn, in the order they came', async () => {
    const batcher = new TickBatcher();
    const ran: string[] = [];
    const results = Promise.all(['a', 'b', 'c'].map((name) => batcher.run(() => (ran.push(name), name.toUpperCase()))));
    assert.deepEqual(ran, [], 'nothing runs before the current turn has finished');
    assert.equal(batcher.pending, 3);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ran, ['a', 'b', 'c'], 'all three ran in one batch, before a later setImmediate');
    assert.deepEqual(await results, ['A', 'B', 'C']);
    assert.equal(batcher.pending, 0);
  });

  it('answers every job with its own result, and nothing awaiting one resumes before the whole batch has run', async () => {
    const batcher = new TickBatcher();
    const order: string[] = [];
    const first = batcher.run(() => (order.push('run 1'), 1)).then((v) => order.push(`resolved ${v}`));
    const second = batcher.run(() => (order.push('run 2'), 2)).then((v) => order.push(`resolved ${v}`));
    await Promise.all([first, second]);
    assert.deepEqual(order, ['run 1', 'run 2', 'resolved 1', 'resolved 2']);
  });

  it("keeps a job's failure to that job: the others in its batch still run and resolve", async () => {
    const batcher = new TickBatcher();
    const results = await Promise.allSettled([
      batcher.run(() => 'before'),
      batcher.run(() => {
        throw new Error('this paste broke the renderer');
      }),
      batcher.run(() => 'after'),
    ]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      ['before', 'this paste broke the renderer', 'after'],
    );
  });

  it('runs each stage of every job in the batch before the next stage of any, passing each job its own values', async () => {
    const batcher = new TickBatcher();
    const order: string[] = [];
    const job = (name: string) =>
      batcher.run(
        () => (order.push(`${name} read`), name.length),
        (length) => (order.push(`${name} matched`), length * 10),
        (score) => (order.push(`${name} answered`), `${name}:${score}`),
      );
    const results = await Promise.all([job('one'), job('three')]);
    assert.deepEqual(results, ['one:30', 'three:50']);
    assert.deepEqual(order, ['one read', 'three read', 'one matched', 'three matched', 'one answered', 'three answered']);
  });

  it('stops a job at the stage that failed, and lets the other jobs of its batch finish', async () => {
    const batcher = new TickBatcher();
    const later: string[] = [];
    const results = await Promise.allSettled([
      batcher.run(
        (): number => {
          throw new Error('unreadable');
        },
        (n) => (later.push('should not run'), n),
      ),
      batcher.run(
        () => 2,
        (n) => (later.push('second stage of the good job'), n * 2),
      ),
    ]);
    assert.equal(results[0]?.status, 'rejected');
    assert.equal(((results[0] as PromiseRejectedResult).reason as Error).message, 'unreadable');
    assert.deepEqual(results[1], { status: 'fulfilled', value: 4 });
    assert.deepEqual(later, ['second stage of the good job']);
  });

  it('leaves what is over its time budget for the next turn of the loop, so I/O can run in between', async () => {
    const batcher = new TickBatcher(1);
    const ran: number[] = [];
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const results = Promise.all([0, 1, 2].map((i) => batcher.run(() => (busy(2), ran.push(i), i))));
    let between = -1;
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        // Runs after the first batch, which stopped at its budget after one job.
        between = ran.length;
        resolve();
      }),
    );
    assert.equal(between, 1, 'the first batch stopped after the job that used up its budget');
    assert.deepEqual(await results, [0, 1, 2]);
    assert.deepEqual(ran, [0, 1, 2]);
  });

  it('runs a job handed in later in a batch of its own', async () => {
    const batcher = new TickBatcher();
    assert.equal(await batcher.run(() => 'one'), 'one');
    assert.equal(await batcher.run(() => 'two'), 'two');
    assert.equal(batcher.pending, 0);
  });
});
