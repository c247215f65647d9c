import type { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * On SIGINT or SIGTERM, closes the Nest app (its shutdown hooks drain the worker, close
 * connections) and exits 0; exits 1 if that takes longer than `deadlineMs` or a second signal
 * arrives. (Nest's own enableShutdownHooks re-raises the signal, which hides a clean stop.)
 */
export function closeOnSignals(
  app: INestApplicationContext,
  logger: LoggerService,
  deadlineMs = 60_000,
): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    closing = true;
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
