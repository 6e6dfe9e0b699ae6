/** The shared control words of TemplateThread and its worker: Int32Array indexes and states. */
export const STATE = 0;
export const LENGTH = 1;
export const WAITING = 0;
export const EXPANDED = 1;
export const FAILED = 2;
/** The message a worker sends once it can expand templates. */
export const READY = 'ready';
