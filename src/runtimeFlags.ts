/**
 * V8 heap limits the bot runs with (`npm start` passes the same). The bot's own state is bounded;
 * without a limit V8 lets an idle heap grow far past what is alive after a burst of traffic.
 */
export const NODE_FLAGS: readonly string[] = ['--max-old-space-size=160', '--max-semi-space-size=16'];
