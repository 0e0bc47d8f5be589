import type { Knowledge } from '../knowledge/knowledge';
import { NOT_RATED } from '../knowledge/load';
import type { CodingLike } from '../knowledge/value-set-index';
import { textOf } from '../facts/fhir-values';

export interface Classification {
  /** A procedure key of the knowledge, or undefined when the order is none of them. */
  procedure?: string;
  /** The coding that decided it (system and code as the order wrote them), or the words (`via: 'words'`). */
  matchedBy?: { system: string; code: string; via: 'site-order-codes' | 'imaging-procedures' | 'words' };
  /** Why, in words a reviewer can check. */
  reason: string;
}

interface DraftResource {
  resourceType?: unknown;
  code?: { coding?: unknown; text?: unknown };
  bodySite?: unknown;
  orderDetail?: unknown;
  note?: unknown;
}

/**
 * Maps a draft order to a procedure key by its codes: the site's own order codes first (the site
 * knows its catalogue), then CPT, LOINC, SNOMED from the imaging value set. A generic code gives way to
 * a specific one beside it (`yieldsTo`: "MRI of breast" beside CPT 77049). Anything else, including
 * codes that disagree with each other, or a procedure whose order names something that makes it another
 * study (`notWhenOrderNames`: a PET/CT with a tracer other than FDG), maps to no procedure: no card is
 * better than a wrong one.
 *
 * @example
 * const classify = orderClassifier(knowledge);
 * classify(serviceRequest).procedure // "fdg-pet-ct"
 */
export function orderClassifier(knowledge: Knowledge): (resource: unknown) => Classification {
  const imaging = knowledge.valueSet('imaging-procedures');
  const bodySites = knowledge.valueSet('body-sites');
  const wordPatterns = knowledge.procedureKeys().flatMap((key) => {
    const name = knowledge.procedure(key).words;
    return name ? [{ key, pattern: knowledge.text(name) }] : [];
  });
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
          : unlessNamedOtherwise(order, { procedure, matchedBy, reason: `site order code ${coding.code} is mapped to ${procedure}` });
      }
    }

    const sites = new Set(bodySites.matchAll(asCodings(bodySiteCodings(order.bodySite))).map((m) => m.meaning));
    const known = imaging.matchAll(codings);
    const matches = known.filter((m) => {
      const required = 'requiresBodySite' in m.entry ? m.entry.requiresBodySite : undefined;
      return !required || sites.has(required);
    });
    // A specific code that is deliberately unrated (MRI without contrast, screening) decides; generic, local or
    // site-less codes leave it to the order's words ("US AXILLA RIGHT" on CPT 76882).
    const specificUnrated = matches.some((m) => m.meaning === NOT_RATED && !('yieldsTo' in m.entry && m.entry.yieldsTo));
    const rated = matches.filter((m) => m.meaning !== NOT_RATED);
    if (rated.length === 0 && !specificUnrated) {
      const byWords = fromWords(order);
      if (byWords) return byWords;
    }
    if (matches.length === 0)
      return {
        reason: known.length
          ? `${known[0].coding.code} needs a body site this order does not give, and its words name no rated procedure`
          : 'no coding of the order is a known imaging procedure, and its words name none',
      };
    const all = new Set(matches.map((m) => m.meaning));
    const specific = matches.filter((m) => !('yieldsTo' in m.entry && m.entry.yieldsTo?.some((y) => all.has(y))));
    const meanings = new Set(specific.map((m) => m.meaning));
    if (meanings.size > 1) {
      return { reason: `the order's codings disagree (${matches.map((m) => `${m.coding.code}: ${m.meaning}`).join('; ')})` };
    }
    const [first] = specific;
    const matchedBy = { ...first.coding, via: 'imaging-procedures' as const };
    if (first.meaning === NOT_RATED)
      return { matchedBy, reason: `${first.coding.code} is an imaging procedure this variant does not rate` };
    return unlessNamedOtherwise(order, {
      procedure: first.meaning,
      matchedBy,
      reason: `${first.coding.system}|${first.coding.code} is ${first.meaning}`,
    });
  };

  /** The procedure the order's words name (code.text, coding displays), when exactly one procedure's pattern matches. */
  function fromWords(order: DraftResource): Classification | undefined {
    const words = textOf(order.code);
    if (!words.trim()) return undefined;
    const named = wordPatterns.filter((w) => w.pattern.test(words));
    if (named.length !== 1) return undefined;
    return unlessNamedOtherwise(order, {
      procedure: named[0].key,
      matchedBy: { system: 'words', code: words.trim().slice(0, 80), via: 'words' },
      reason: `its words name ${named[0].key} (${named[0].pattern.name})`,
    });
  }

  /** A procedure whose order also names what makes it another study (a non-FDG tracer) is not rated. */
  function unlessNamedOtherwise(order: DraftResource, classification: Classification): Classification {
    const rule = classification.procedure ? knowledge.procedure(classification.procedure).notWhenOrderNames : undefined;
    if (!rule) return classification;
    const details = Array.isArray(order.orderDetail) ? order.orderDetail : [];
    const own: unknown[] = Array.isArray(order.code?.coding) ? (order.code.coding as unknown[]) : [];
    const detailCodings = details.flatMap((d: { coding?: unknown }): unknown[] =>
      Array.isArray(d?.coding) ? (d.coding as unknown[]) : [],
    );
    const codings = asCodings([...own, ...detailCodings]);
    const coded = knowledge
      .valueSet(rule.valueSet)
      .matchAll(codings)
      .find((m) => rule.meanings.includes(m.meaning));
    if (coded)
      return {
        matchedBy: classification.matchedBy,
        reason: `${classification.reason}, but the order names ${coded.coding.code} (${coded.meaning}): not rated`,
      };
    const notes = Array.isArray(order.note) ? order.note.map((n: { text?: unknown }) => (typeof n?.text === 'string' ? n.text : '')) : [];
    const words = [textOf(order.code), ...details.map(textOf), ...notes].join(' ');
    if (knowledge.text(rule.words).test(words))
      return {
        matchedBy: classification.matchedBy,
        reason: `${classification.reason}, but its words name what makes it another study (${rule.words}): not rated`,
      };
    return classification;
  }
}

function asCodings(value: unknown): { system: string; code: string }[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (c: CodingLike): c is { system: string; code: string } => typeof c?.system === 'string' && typeof c.code === 'string' && c.code !== '',
  );
}

function bodySiteCodings(bodySite: unknown): unknown[] {
  if (!Array.isArray(bodySite)) return [];
  return bodySite.flatMap((site: { coding?: unknown }): unknown[] => (Array.isArray(site?.coding) ? (site.coding as unknown[]) : []));
}
