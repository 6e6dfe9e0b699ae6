/*
 * The worker side of TemplateThread: expands card templates in its own thread, so that the
 * templating engine lives in this thread's heap and not in the server's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { expandInThisThread, loadTemplating } from './expandTemplate';
import { EXPANDED, FAILED, LENGTH, READY, STATE } from './templateThreadProtocol';

const Shared = z.object({ control: z.instanceof(SharedArrayBuffer), result: z.instanceof(SharedArrayBuffer) });
const Request = z.object({ templateId: z.number().int(), template: z.string().optional(), data: z.record(z.string(), z.unknown()) });

const shared = Shared.parse(workerData);
const control = new Int32Array(shared.control);
const result = new Uint8Array(shared.result);
const templates = new Map<number, object>();

function expand(message: unknown): Buffer {
  const request = Request.safeParse(message);
  if (!request.success) throw new Error('not a template expansion request');
  const { templateId, template, data } = request.data;
  if (template !== undefined) templates.set(templateId, JSON.parse(template) as object);
  const known = templates.get(templateId);
  if (!known) throw new Error(`template ${templateId} was never sent`);
  return Buffer.from(expandInThisThread(known, data));
}

// Loaded before the worker says it is ready, so that no expansion waits for it.
loadTemplating();
parentPort?.postMessage(READY);

parentPort?.on('message', (message: unknown) => {
  let state = EXPANDED;
  let bytes: Buffer;
  try {
    bytes = expand(message);
    if (bytes.length > result.length) throw new Error(`the card is ${bytes.length} bytes, more than the ${result.length} bytes a reply can hold`);
  } catch (err) {
    state = FAILED;
    bytes = Buffer.from(err instanceof Error ? err.message : String(err)).subarray(0, result.length);
  }
  result.set(bytes);
  Atomics.store(control, LENGTH, bytes.length);
  Atomics.store(control, STATE, state);
  Atomics.notify(control, STATE);
});
