import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Knowledge } from '../knowledge/knowledge';
import { validator } from '../schemas';
import { verifiedClient } from '../security/auth-middleware';
import type { FeedbackRow, Store } from '../store/store';
import { HttpError } from '../errors';
import { schemaRefusal } from './schema-refusal';

const feedbackSchema = validator('cds-hooks/feedback.schema.json');

interface FeedbackItem {
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions?: { id: string }[];
  overrideReason?: { reason?: { code: string; system: string; display?: string }; userComment?: string };
  outcomeTimestamp: string;
}

/**
 * POST /cds-services/{id}/feedback: validated, stored idempotently (a resent item is kept once; one that differs
 * only in its comment replaces the stored comment), answered 200 with how many items were new (`stored`) and how
 * many corrected a stored comment (`updated`). Feedback for a card the service never issued is stored too, marked
 * `card_known = 0`; the log line counts those items and never carries comments or other content.
 */
export function feedbackRoute(knowledge: Knowledge, store: Store, logger: Logger) {
  return async function feedback(req: Request<{ id: string }>, res: Response, next: NextFunction): Promise<void> {
    try {
      const service = knowledge.service(req.params.id);
      if (!service) throw new HttpError(404, 'not-found', `no CDS service with id "${req.params.id}"`, 'id');
      if (!feedbackSchema(req.body)) throw schemaRefusal(feedbackSchema.errors![0]);
      const items = (req.body as { feedback: FeedbackItem[] }).feedback;
      const issuer = verifiedClient(res)?.issuer ?? 'unknown';
      const rows: FeedbackRow[] = items.map((item) => ({
        serviceId: service.id,
        issuer,
        card: item.card,
        outcome: item.outcome,
        acceptedSuggestions: (item.acceptedSuggestions ?? []).map((s) => s.id),
        ...(item.overrideReason
          ? {
              overrideReason: {
                system: item.overrideReason.reason?.system,
                code: item.overrideReason.reason?.code,
                display: item.overrideReason.reason?.display,
                userComment: item.overrideReason.userComment,
              },
            }
          : {}),
        outcomeTimestamp: item.outcomeTimestamp,
      }));
      const { stored, updated, unknownCards } = await store.saveFeedback(rows);
      logger.info({ serviceId: service.id, issuer, items: rows.length, stored, updated, unknownCards }, 'feedback');
      res.json({ received: rows.length, stored, updated });
    } catch (error) {
      next(error);
    }
  };
}
