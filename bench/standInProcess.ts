import { fork, type ChildProcess } from 'node:child_process';
import { ConnectorStandIn, type ConnectorCallKind } from '../test/helpers/ConnectorStandIn';

/** What the stand-in received since the last take. */
export interface Received {
  /** The activity ids replied to (replyToActivity answered 201), in the order the replies came. */
  repliedTo: string[];
  /** Every call by kind, the replies included. */
  calls: Partial<Record<ConnectorCallKind, number>>;
  /** CPU time the stand-in's process used, in ms. */
  cpuMs: number;
}

export interface StandInProcess {
  /** The service URL to put in activities. */
  readonly url: string;
  readonly pid: number;
  /** What arrived since the last take (or the start); forgets it. */
  take(): Promise<Received>;
  stop(): Promise<void>;
}

type FromChild = { listening: string } | { received: Received };

const START_TIMEOUT_MS = 10_000;

/**
 * The load bench's connector stand-in, in a process of its own, so that the bench's load
 * generator and the stand-in each get a core's share from the scheduler instead of one event loop.
 * It keeps no calls, only the ids replied to, which the bench reads over IPC.
 */
export async function startStandInProcess(): Promise<StandInProcess> {
  const child = fork(__filename, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the connector stand-in did not start')), START_TIMEOUT_MS);
    child.once('message', (message: FromChild) => {
      clearTimeout(timer);
      if ('listening' in message) resolve(message.listening);
      else reject(new Error('the connector stand-in answered before listening'));
    });
    child.once('exit', (code) => reject(new Error(`the connector stand-in exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid ?? -1,
    take: () => request(child),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function request(child: ChildProcess): Promise<Received> {
  return new Promise((resolve) => {
    child.once('message', (message: FromChild) => {
      if ('received' in message) resolve(message.received);
    });
    child.send('take');
  });
}

// The child: `node dist/bench/standInProcess.js`, forked by startStandInProcess.
if (require.main === module) {
  let repliedTo: string[] = [];
  let cpu = process.cpuUsage();
  const standIn = new ConnectorStandIn({
    recordCalls: false,
    onCall: (call) => {
      if (call.kind === 'replyToActivity' && call.status === 201 && call.activityId !== undefined) repliedTo.push(call.activityId);
    },
  });
  standIn.start().then(
    (url) => {
      process.send?.({ listening: url } satisfies FromChild);
      process.on('message', () => {
        const kinds: ConnectorCallKind[] = ['replyToActivity', 'sendToConversation', 'updateActivity', 'deleteActivity', 'createConversation', 'unknown'];
        const calls = Object.fromEntries(kinds.map((kind) => [kind, standIn.count(kind)]).filter(([, n]) => n !== 0));
        const used = process.cpuUsage(cpu);
        process.send?.({ received: { repliedTo, calls, cpuMs: (used.user + used.system) / 1000 } } satisfies FromChild);
        repliedTo = [];
        cpu = process.cpuUsage();
        standIn.reset();
      });
      process.once('SIGTERM', () => void standIn.close().then(() => process.exit(0)));
      // The bench went away without stopping it.
      process.once('disconnect', () => void standIn.close().then(() => process.exit(0)));
    },
    (err: unknown) => {
      process.stderr.write(`connector stand-in: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
