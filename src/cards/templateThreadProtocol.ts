/** The shared control words of TemplateThread and its worker: Int32Array indexes and states. */
export const STATE = 0;
export const LENGTH = 1;
export const WAITING = 0;
export const EXPANDED = 1;
export const FAILED = 2;
