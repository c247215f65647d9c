import { DefaultLogger, LogLevel } from '@temporalio/worker';
import pino from 'pino';

const TEMPORAL_LEVELS: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

/** The Temporal SDK's own log lines (worker state, task failures) as pino JSON, like the rest. */
export function temporalRuntimeLogger(level = 'info'): DefaultLogger {
  const log = pino({ level, base: { pid: process.pid, context: 'TemporalSDK' } });
  return new DefaultLogger(TEMPORAL_LEVELS[level] ?? 'INFO', ({ level: entryLevel, message, meta }) => {
    const method = entryLevel.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    log[method](meta ?? {}, message);
  });
}
