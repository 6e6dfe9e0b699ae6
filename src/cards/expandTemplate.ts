import type { Template } from 'adaptivecards-templating';

/**
 * Expands an Adaptive Card template with data ($root) and returns the card as JSON text. The
 * templating engine evaluates only the template's own expressions: strings in the data (a paste
 * containing "${...}") are inserted as text.
 */
export type ExpandTemplate = (template: object, data: object) => string;

/** new Template() parses every expression with ANTLR, which costs far more than expanding: once per template. */
const prepared = new WeakMap<object, Template>();

/**
 * Expands in this thread. adaptivecards-templating (with adaptive-expressions and the ANTLR
 * runtime, some 5 MB of heap) is loaded on the first expansion, not when the cards are imported.
 */
export function expandInThisThread(template: object, data: object): string {
  let found = prepared.get(template);
  if (!found) {
    found = new (loadTemplating().Template)(template);
    prepared.set(template, found);
  }
  return JSON.stringify(found.expand({ $root: data }));
}

/** Loads the templating engine into this thread (once). */
export function loadTemplating(): typeof import('adaptivecards-templating') {
  // Loaded on demand: a server that expands in a worker (see TemplateThread) never loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('adaptivecards-templating') as typeof import('adaptivecards-templating');
}
