import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { MetricsSettings } from '../config/load';
import { operationOutcome } from '../errors';
import type { Metrics } from '../metrics';

/** GET /metrics: Prometheus text, open or behind METRICS_TOKEN (Bearer). */
export function metricsRoute(metrics: Metrics, settings: MetricsSettings) {
  const expected = settings.token ? crypto.createHash('sha256').update(settings.token).digest() : undefined;
  return async function serveMetrics(req: Request, res: Response): Promise<void> {
    if (settings.mode === 'token') {
      const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!expected || !crypto.timingSafeEqual(crypto.createHash('sha256').update(presented).digest(), expected)) {
        res.status(401).set('WWW-Authenticate', 'Bearer').json(operationOutcome('security', 'Unauthorized'));
        return;
      }
    }
    res
      .set('Cache-Control', 'no-store')
      .type(metrics.contentType)
      .send(await metrics.text());
  };
}
