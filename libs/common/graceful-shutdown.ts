import type { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * On SIGINT or SIGTERM, closes the Nest app (its shutdown hooks drain the worker, close
 * connections) and exits 0; exits 1 if that takes longer than `deadlineMs` or the same signal
 * comes again (Ctrl-C twice). The other signal meanwhile joins the shutdown under way: a terminal's
 * Ctrl-C reaches every process of `npm start`, whose supervisor then sends SIGTERM too. (Nest's own
 * enableShutdownHooks re-raises the signal, which hides a clean stop.)
 */
export function closeOnSignals(
  app: INestApplicationContext,
  logger: LoggerService,
  deadlineMs = 60_000,
): void {
  let first: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first === signal) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    if (first) return logger.log(`${signal}: already shutting down (${first})`);
    first = signal;
    logger.log(`${signal}: shutting down`);
    const deadline = setTimeout(() => {
      logger.error(`Shutdown took longer than ${deadlineMs / 1000} s: exiting`);
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(`Shutdown failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
