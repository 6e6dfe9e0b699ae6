import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { expandInThisThread, type ExpandTemplate } from './expandTemplate';
import { EXPANDED, FAILED, LENGTH, STATE, WAITING } from './templateThreadProtocol';

/** The longest expanded card the worker can hand back; cards stay under 28 KB (MAX_CARD_BYTES). */
const RESULT_BYTES = 256 * 1024;

export interface TemplateThreadOptions {
  /** The worker is stopped after this long without an expansion, and started again when needed. */
  idleMs?: number;
  /** How long an expansion may take, the worker's start included, before this thread expands itself. */
  timeoutMs?: number;
}

/**
 * Expands card templates in a worker thread, synchronously: the caller blocks (Atomics.wait) until
 * the worker has written the card into shared memory. Cards are cached once expanded (see
 * expandCardCached), so this happens for the first card of each kind only.
 *
 * Why: the templating engine (adaptivecards-templating, adaptive-expressions, the ANTLR runtime)
 * adds some 5 MB of objects to the heap that holds it. In the server's heap, every full garbage
 * collection traces them again, although they are used only for those first expansions; under load
 * that costs the server a few percent of its throughput. In the worker's heap they cost nothing,
 * and the worker stops when idle.
 *
 * If the worker cannot start or does not answer in time, expansions fall back to this thread, so
 * a card is never lost to the worker.
 */
export class TemplateThread {
  private worker: Worker | undefined;
  /** Templates the current worker holds, by id: each is sent once. */
  private readonly sent = new Set<number>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  private readonly result = new Uint8Array(new SharedArrayBuffer(RESULT_BYTES));
  private idleTimer: NodeJS.Timeout | undefined;
  private failedOver = false;
  private readonly idleMs: number;
  private readonly timeoutMs: number;

  constructor({ idleMs = 60_000, timeoutMs = 5_000 }: TemplateThreadOptions = {}) {
    this.idleMs = idleMs;
    this.timeoutMs = timeoutMs;
  }

  /** Whether expansions have fallen back to this thread. */
  get inThisThread(): boolean {
    return this.failedOver;
  }

  /** Starts the worker ahead of the first expansion, so that it does not wait for the worker to load. */
  warmUp(): void {
    if (!this.failedOver) this.workerNow();
    this.armIdleTimer();
  }

  readonly expand: ExpandTemplate = (template, data) => {
    if (this.failedOver) return expandInThisThread(template, data);
    const worker = this.workerNow();
    const templateId = this.idOf(template);
    const first = !this.sent.has(templateId);
    Atomics.store(this.control, STATE, WAITING);
    worker.postMessage({ templateId, data, template: first ? JSON.stringify(template) : undefined });
    if (Atomics.wait(this.control, STATE, WAITING, this.timeoutMs) === 'timed-out') {
      this.failOver();
      return expandInThisThread(template, data);
    }
    this.sent.add(templateId);
    const text = Buffer.from(this.result.buffer, 0, Atomics.load(this.control, LENGTH)).toString('utf8');
    this.armIdleTimer();
    if (Atomics.load(this.control, STATE) === FAILED) throw new Error(`card template expansion failed: ${text}`);
    if (Atomics.load(this.control, STATE) !== EXPANDED) throw new Error('card template expansion: no answer from the worker');
    return text;
  };

  /** Stops the worker; a later expansion starts it again. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.worker;
    this.forget();
    if (worker) await worker.terminate();
  }

  private workerNow(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(join(__dirname, 'templateWorker.js'), { workerData: { control: this.control.buffer, result: this.result.buffer } });
    // The worker never keeps the process alive, and its failure is not the process's.
    worker.unref();
    worker.on('error', () => {
      if (this.worker === worker) this.forget();
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.forget();
    });
    this.worker = worker;
    return worker;
  }

  private forget(): void {
    this.worker = undefined;
    this.sent.clear();
  }

  private failOver(): void {
    this.failedOver = true;
    void this.close();
  }

  private idOf(template: object): number {
    let id = this.ids.get(template);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(template, id);
    }
    return id;
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
    this.idleTimer.unref();
  }
}
