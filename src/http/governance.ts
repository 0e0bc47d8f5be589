import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config/load';
import { HttpError } from '../errors';
import type { Knowledge } from '../knowledge/knowledge';
import { buildReport, periodDay } from '../report/build';
import { renderHtml } from '../report/render-html';
import type { Store } from '../store/store';

/**
 * GET /governance: the governance report as one HTML page, for a committee member without a shell. Behind its
 * own credential (GOVERNANCE_TOKEN, as a Bearer token or as the password of Basic authentication, so a browser
 * can ask for it); `?from=YYYY-MM-DD&to=YYYY-MM-DD` narrow the period.
 */
export function governanceRoute(knowledge: Knowledge, config: Pick<Config, 'site' | 'governance'>, store: Store) {
  const token = config.governance.governanceToken as string;
  return async function governance(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      if (!authorised(req.headers.authorization, token)) {
        res.set('WWW-Authenticate', 'Basic realm="axilla-cds governance", charset="UTF-8"');
        throw new HttpError(401, 'security', 'the governance report needs its credential (GOVERNANCE_TOKEN)');
      }
      const query = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);
      let period: { from?: string; to?: string };
      try {
        period = { from: periodDay(query('from'), 'from'), to: periodDay(query('to'), 'to') };
      } catch (error) {
        throw new HttpError(400, 'invalid', (error as Error).message, 'from');
      }
      const html = renderHtml(await buildReport({ knowledge, config, store, period }));
      res.set('Cache-Control', 'no-store').type('html').send(html);
    } catch (error) {
      next(error);
    }
  };
}

function authorised(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const [scheme, value = ''] = header.split(' ');
  let presented = '';
  if (/^bearer$/i.test(scheme)) presented = value;
  else if (/^basic$/i.test(scheme)) presented = Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':');
  const a = crypto.createHash('sha256').update(presented).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}
