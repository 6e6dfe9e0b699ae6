/**
 * V8 heap limits the bot runs with (`npm start` passes the same). The bot's own state is bounded;
 * without a limit V8 lets an idle heap grow far past what is alive after a burst of traffic.
 */
export const HEAP_FLAGS: readonly string[] = ['--max-old-space-size=160', '--max-semi-space-size=16'];

/**
 * restify's spdy dependency (http-deceiver) reads process.binding('http_parser') when it loads: Node
 * prints DEP0111 twice on stderr, between the JSON log lines. Nothing the bot can change; hidden by code
 * only, every other warning still shows. Node 20.11 and later accept the flag.
 */
export const QUIET_FLAGS: readonly string[] = ['--disable-warning=DEP0111'];

/** What `npm start` runs the bot with. */
export const NODE_FLAGS: readonly string[] = [...HEAP_FLAGS, ...QUIET_FLAGS];
