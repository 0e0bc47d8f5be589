import type { Knowledge } from '../knowledge/knowledge';
import { NOT_RATED } from '../knowledge/load';
import type { CodingLike } from '../knowledge/value-set-index';

export interface Classification {
  /** A procedure key of the knowledge, or undefined when the order is none of them. */
  procedure?: string;
  /** The coding that decided it (system and code as the order wrote them). */
  matchedBy?: { system: string; code: string; via: 'site-order-codes' | 'imaging-procedures' };
  /** Why, in words a reviewer can check. */
  reason: string;
}

interface DraftResource {
  resourceType?: unknown;
  code?: { coding?: unknown; text?: unknown };
  bodySite?: unknown;
}

/**
 * Maps a draft order to a procedure key by its codes: the site's own order codes first (the site
 * knows its catalogue), then CPT, LOINC, SNOMED from the imaging value set. Anything else, including
 * codes that disagree with each other, maps to no procedure: no card is better than a wrong one.
 *
 * @example
 * const classify = orderClassifier(knowledge);
 * classify(serviceRequest).procedure // "fdg-pet-ct"
 */
export function orderClassifier(knowledge: Knowledge): (resource: unknown) => Classification {
  const imaging = knowledge.valueSet('imaging-procedures');
  const bodySites = knowledge.valueSet('body-sites');
  const siteCodes = new Map<string, string>();
  for (const entry of knowledge.siteOrderCodes?.codes ?? []) {
    siteCodes.set(knowledge.codeSystems.key(entry.system, entry.code), entry.procedure);
  }

  return function classify(resource: unknown): Classification {
    const order = (resource ?? {}) as DraftResource;
    if (order.resourceType !== 'ServiceRequest') return { reason: `a ${String(order.resourceType)} is not an imaging order` };
    const codings = asCodings(order.code?.coding);
    if (codings.length === 0) return { reason: 'the order has no usable coding' };

    for (const coding of codings) {
      const procedure = siteCodes.get(knowledge.codeSystems.key(coding.system, coding.code));
      if (procedure !== undefined) {
        const matchedBy = { system: coding.system, code: coding.code, via: 'site-order-codes' as const };
        return procedure === NOT_RATED
          ? { matchedBy, reason: `site order code ${coding.code} is mapped to no rated procedure` }
          : { procedure, matchedBy, reason: `site order code ${coding.code} is mapped to ${procedure}` };
      }
    }

    const sites = new Set(bodySites.matchAll(asCodings(bodySiteCodings(order.bodySite))).map((m) => m.meaning));
    const matches = imaging.matchAll(codings).filter((m) => {
      const required = 'requiresBodySite' in m.entry ? m.entry.requiresBodySite : undefined;
      return !required || sites.has(required);
    });
    if (matches.length === 0) return { reason: 'no coding of the order is a known imaging procedure' };
    const meanings = new Set(matches.map((m) => m.meaning));
    if (meanings.size > 1) {
      return { reason: `the order's codings disagree (${matches.map((m) => `${m.coding.code}: ${m.meaning}`).join('; ')})` };
    }
    const [first] = matches;
    const matchedBy = { ...first.coding, via: 'imaging-procedures' as const };
    if (first.meaning === NOT_RATED) return { matchedBy, reason: `${first.coding.code} is an imaging procedure this variant does not rate` };
    return { procedure: first.meaning, matchedBy, reason: `${first.coding.system}|${first.coding.code} is ${first.meaning}` };
  };
}

function asCodings(value: unknown): { system: string; code: string }[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (c: CodingLike): c is { system: string; code: string } => typeof c?.system === 'string' && typeof c.code === 'string' && c.code !== '',
  );
}

function bodySiteCodings(bodySite: unknown): unknown[] {
  if (!Array.isArray(bodySite)) return [];
  return bodySite.flatMap((site: { coding?: unknown }) => (Array.isArray(site?.coding) ? site.coding : []));
}
