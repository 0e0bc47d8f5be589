import pino, { type Logger } from 'pino';

/**
 * The service's logger. Patient data never goes in: callers log ids of hook calls, service ids,
 * statuses and timings. `redact` is a second line of defence for fields that must never appear.
 * Without a destination it writes to stdout asynchronously (buffered): synchronous writes were the largest
 * single cost of a hook call under load (bench profile); `logger.flush()` on shutdown.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination({ dest: 1, sync: false })): Logger {
  return pino(
    {
      level,
      base: { service: 'axilla-cds' },
      redact: {
        paths: ['access_token', '*.access_token', 'authorization', '*.authorization', 'fhirAuthorization', '*.fhirAuthorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
