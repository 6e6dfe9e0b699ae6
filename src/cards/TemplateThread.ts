import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { expandInThisThread, type ExpandTemplate } from './expandTemplate';
import { EXPANDED, FAILED, LENGTH, READY, STATE, WAITING } from './templateThreadProtocol';

/** The longest expanded card the worker can hand back; cards stay under 28 KB (MAX_CARD_BYTES). */
const RESULT_BYTES = 256 * 1024;

export interface TemplateThreadOptions {
  /** How long the worker may take to start (start()) before templates are expanded in this thread. */
  startTimeoutMs?: number;
  /** How long one expansion may take before this thread expands it, and all later ones, itself. */
  timeoutMs?: number;
}

/**
 * Expands card templates in a worker thread, synchronously: the caller blocks (Atomics.wait) until
 * the worker has written the card into shared memory, which takes about as long as expanding here.
 * Cards are cached once expanded (see expandCardCached), so this happens for the first card of each
 * kind only.
 *
 * Why: the templating engine (adaptivecards-templating, adaptive-expressions, the ANTLR runtime)
 * adds some 5 MB of objects to the heap that holds it. In the server's heap, every full garbage
 * collection traces them again, although they are used only for those first expansions; under load
 * that costs the server a few percent of its throughput. In the worker's heap they cost nothing.
 *
 * The worker is started, and has loaded the engine, before the server listens (start()); nothing
 * ever waits for it to load. Until it is ready, and for good if it fails to start, stops, or does not
 * answer in time, templates are expanded in this thread: a card is never lost to the worker.
 */
export class TemplateThread {
  private worker: Worker | undefined;
  private ready = false;
  private failedOver = false;
  /** Templates the worker holds, by id: each is sent once. */
  private readonly sent = new Set<number>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  private readonly result = new Uint8Array(new SharedArrayBuffer(RESULT_BYTES));
  private readonly startTimeoutMs: number;
  private readonly timeoutMs: number;

  constructor({ startTimeoutMs = 10_000, timeoutMs = 2_000 }: TemplateThreadOptions = {}) {
    this.startTimeoutMs = startTimeoutMs;
    this.timeoutMs = timeoutMs;
  }

  /** Whether expansions go to the worker now. */
  get inWorker(): boolean {
    return this.ready && !this.failedOver;
  }

  /** Starts the worker; resolves once it can expand templates (true), or when it cannot (false: expansions stay here). */
  start(): Promise<boolean> {
    if (this.worker || this.failedOver) return Promise.resolve(this.inWorker);
    const worker = new Worker(join(__dirname, 'templateWorker.js'), { workerData: { control: this.control.buffer, result: this.result.buffer } });
    this.worker = worker;
    // The worker never keeps the process alive.
    worker.unref();
    // A worker that fails or stops takes expansions back to this thread for good.
    worker.on('error', () => void this.failOver());
    worker.on('exit', () => void this.failOver());
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        void this.failOver();
        resolve(false);
      }, this.startTimeoutMs);
      timer.unref();
      worker.once('message', (message: unknown) => {
        clearTimeout(timer);
        this.ready = message === READY && !this.failedOver;
        if (!this.ready) void this.failOver();
        resolve(this.ready);
      });
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }

  readonly expand: ExpandTemplate = (template, data) => {
    const worker = this.worker;
    if (!this.inWorker || !worker) return expandInThisThread(template, data);
    const templateId = this.idOf(template);
    Atomics.store(this.control, STATE, WAITING);
    worker.postMessage({ templateId, data, template: this.sent.has(templateId) ? undefined : JSON.stringify(template) });
    if (Atomics.wait(this.control, STATE, WAITING, this.timeoutMs) === 'timed-out') {
      void this.failOver();
      return expandInThisThread(template, data);
    }
    this.sent.add(templateId);
    const state = Atomics.load(this.control, STATE);
    const text = Buffer.from(this.result.buffer, 0, Atomics.load(this.control, LENGTH)).toString('utf8');
    if (state === FAILED) throw new Error(`card template expansion failed: ${text}`);
    if (state !== EXPANDED) throw new Error('card template expansion: no answer from the worker');
    return text;
  };

  /** Stops the worker; later expansions happen in this thread. */
  async close(): Promise<void> {
    await this.failOver();
  }

  private async failOver(): Promise<void> {
    this.failedOver = true;
    this.ready = false;
    const worker = this.worker;
    this.worker = undefined;
    this.sent.clear();
    if (worker) await worker.terminate();
  }

  private idOf(template: object): number {
    let id = this.ids.get(template);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(template, id);
    }
    return id;
  }
}
