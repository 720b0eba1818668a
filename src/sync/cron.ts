import cron from 'node-cron';

interface CronHandlers {
  /** Runs a tick; node-cron counts it as running until the promise settles. */
  tick(): Promise<unknown>;
  /** A tick node-cron held back because the previous one was still running. */
  overlap(): void;
  /** node-cron's own errors and warnings. */
  log(line: string): void;
}

export interface CronTrigger {
  /** When node-cron will tick next (null once stopped); the dashboard shows it. */
  nextRun(): Date | null;
  stop(): void;
}

/** Why node-cron would refuse the expression (5 fields, or 6 with seconds first), or null. */
export function cronProblem(expression: string): string | null {
  if (expression.trim() === '') return 'it is empty';
  try {
    const detail = cron.validateDetailed(expression);
    return detail.valid ? null : detail.errors.map((e) => e.message).join('; ');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Ticks on a cron schedule (in the process's time zone; set TZ to choose). `noOverlap` makes node-cron
 * itself skip a tick while the last one runs, and report it as `execution:overlap`, which is counted.
 */
export function startCron(expression: string, handlers: CronHandlers): CronTrigger {
  const logger = {
    info: () => undefined,
    debug: () => undefined,
    // The overlap warning is reported through `overlap` already.
    warn: (message: string) => {
      if (!/overlap/i.test(message)) handlers.log(`scheduler: ${message}`);
    },
    error: (message: string | Error) => handlers.log(`scheduler: ${message instanceof Error ? message.message : message}`),
  };
  const task = cron.schedule(
    expression,
    async () => {
      await handlers.tick();
    },
    { noOverlap: true, name: 'xandr-sync', logger },
  );
  task.on('execution:overlap', () => handlers.overlap());
  return {
    nextRun: () => task.getNextRun(),
    stop: () => {
      void task.destroy();
    },
  };
}
