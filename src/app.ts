import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config/load';
import { discoveryRoute } from './http/discovery';
import { errorHandler, notFound } from './http/error-handler';
import { jsonBody } from './http/json-body';
import { serviceRoute, type HookHandler } from './http/service';
import type { Knowledge } from './knowledge/knowledge';

export interface AppParts {
  config: Config;
  knowledge: Knowledge;
  logger: Logger;
  handleHook: HookHandler;
}

/**
 * Builds the Express app from its parts; `main.ts` reads the configuration and listens.
 *
 * @example
 * const app = createApp({ config, knowledge, logger, handleHook });
 * app.listen(config.port);
 */
export function createApp({ config, knowledge, logger, handleHook }: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', knowledge: knowledge.version });
  });

  app.use(jsonBody(config.bodyLimitBytes));
  app.get('/cds-services', discoveryRoute(knowledge));
  app.post('/cds-services/:id', serviceRoute(knowledge, config, logger, handleHook));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
