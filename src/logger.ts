/** Structured JSON logs (pino). Secrets are redacted by path wherever they might appear. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: { service: 'yesgraph' },
    redact: {
      paths: ['app_secret', 'secret', 'password', '*.app_secret', '*.password', 'params.sign', 'params.token'],
      censor: '[redacted]',
    },
  });
}

/** A logger that writes nothing (tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
