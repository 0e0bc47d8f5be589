import cors from 'cors';
import express, { type Express } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Auditor } from './audit/auditor';
import type { Config } from './config/load';
import { discoveryRoute } from './http/discovery';
import { operationOutcome } from './errors';
import { errorHandler, notFound } from './http/error-handler';
import { feedbackRoute } from './http/feedback';
import { governanceRoute } from './http/governance';
import { metricsRoute } from './http/metrics';
import { Metrics } from './metrics';
import { jsonBody } from './http/json-body';
import { serviceRoute, type HookHandler } from './http/service';
import type { Knowledge } from './knowledge/knowledge';
import { requireCdsClient, verifiedClient } from './security/auth-middleware';
import { SharedRateLimitStore } from './security/rate-limit-store';
import { TrustStore } from './security/trust';
import type { Store } from './store/store';

export interface AppParts {
  config: Config;
  knowledge: Knowledge;
  logger: Logger;
  store: Store;
  handleHook: HookHandler;
  auditor: Auditor;
}

/**
 * Builds the Express app from its parts; `main.ts` reads the configuration, opens the store and listens.
 *
 * @example
 * const app = createApp({ config, knowledge, logger, store, handleHook, auditor });
 * app.listen(config.port);
 */
export function createApp({ config, knowledge, logger, store, handleHook, auditor }: AppParts): Express {
  const { security } = config;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // An API called from other origins (the CDS Hooks sandbox): its responses may be read cross-origin.
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }));

  // Liveness: the process answers. Readiness: the store answers and the knowledge is loaded (it is, once built).
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', knowledge: knowledge.version });
  });
  app.get('/readyz', (_req, res) => {
    const timeout = new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error('store did not answer within 2 s')), 2000).unref(),
    );
    Promise.race([store.migrations(), timeout]).then(
      () => res.json({ status: 'ready', knowledge: knowledge.version, digest: knowledge.digest, store: store.engine }),
      () => res.status(503).json(operationOutcome('transient', 'not ready: the store does not answer')),
    );
  });
  const metrics = new Metrics(() => auditor.queue.dropped);
  if (config.metrics.mode !== 'off') app.get('/metrics', metricsRoute(metrics, config.metrics));

  app.use(
    '/cds-services',
    cors({
      origin: security.corsOrigins === '*' ? '*' : security.corsOrigins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      credentials: false,
      maxAge: 600,
    }),
  );

  const trust = new TrustStore(security.trustedIssuers, {
    timeoutMs: security.jwksTimeoutMs,
    cooldownMs: security.jwksCooldownMs,
    maxAgeMs: security.jwksRefreshSeconds * 1000,
    graceMs: security.jwksGraceHours * 3_600_000,
    logger,
  });
  app.use(
    '/cds-services',
    requireCdsClient(
      config.publicBaseUrl,
      {
        trust,
        store,
        clockToleranceSeconds: security.clockToleranceSeconds,
        maxTokenAgeSeconds: security.maxTokenAgeSeconds,
        production: config.nodeEnv === 'production',
      },
      logger,
      (reason) => metrics.jwtRefused(reason),
    ),
  );
  if (security.rateLimitPerMinute) {
    app.use(
      '/cds-services',
      rateLimit({
        windowMs: 60_000,
        limit: security.rateLimitPerMinute,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        keyGenerator: (_req, res) => verifiedClient(res)?.issuer ?? 'unknown',
        // In the store, so instances sharing PostgreSQL share the limit (SQLite: one instance, same table).
        store: new SharedRateLimitStore(store),
        // A store that does not answer must not refuse hook calls: the limit is skipped, the JWT check still runs.
        passOnStoreError: true,
        handler: (_req, res) => {
          res.status(429).json(operationOutcome('throttled', 'too many requests from this issuer; retry later'));
        },
      }),
    );
  }

  // Without its own credential configured, the governance report does not exist (404).
  if (config.governance.governanceToken) app.get('/governance', governanceRoute(knowledge, config, store));

  app.use('/cds-services', jsonBody(config.bodyLimitBytes));
  app.get('/cds-services', discoveryRoute(knowledge));
  app.post('/cds-services/:id', serviceRoute(knowledge, config, logger, handleHook, auditor, metrics));
  app.post('/cds-services/:id/feedback', feedbackRoute(knowledge, store, logger));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
