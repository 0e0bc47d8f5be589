import pino, { type Logger } from 'pino';

/**
 * The service's logger. Patient data never goes in: callers log ids of hook calls, service ids,
 * statuses and timings. `redact` is a second line of defence for fields that must never appear.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'axilla-cds' },
      redact: { paths: ['access_token', '*.access_token', 'authorization', '*.authorization', 'fhirAuthorization', '*.fhirAuthorization'], censor: '[redacted]' },
    },
    destination,
  );
}
