/**
 * One pino logger for the process: one JSON line per event, child loggers carry bindings
 * (`env`, `workerId`, `documentId`). Secrets are redacted by key wherever they would appear, and code
 * logs URLs only through `describeUrl` (host/port/database), never raw. Lines go to standard output
 * through `LogSink` (./util/log-sink.ts): a full or failing log device loses lines, counted, never the daemon.
 */
import pino, { type Logger } from 'pino';
import { processLogSink } from './util/log-sink';

export type { Logger };

const REDACT = [
  '*.databaseUrl',
  '*.supabaseServiceKey',
  '*.serviceKey',
  '*.redisUrl',
  '*.httpToken',
  '*.httpAdminTokens',
  '*.token',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.apikey',
  'databaseUrl',
  'redisUrl',
  'password',
];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: 'ocr-pool',
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { pid: process.pid },
      // One line per event with an ISO time: PM2 must not add its own date prefix (log_date_format breaks JSON lines).
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? processLogSink(),
  );
}
