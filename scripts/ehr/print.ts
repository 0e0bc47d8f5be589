/**
 * The clinician's view of an EHR simulator session, as plain text: per hook call the cards (indicator,
 * summary, detail as text, suggestions with their actions, override reasons) and the system actions with the
 * rating each writes onto an order; then the suggestion accepted, the draft orders that result, and the
 * answers to the feedback.
 */
import type { FhirResource } from 'fhir/r4';
import {
  APPROPRIATENESS_EXTENSION,
  cardRatings,
  operationOutcomeText,
  pamaRatingOf,
  SIMULATOR_USER_AGENT,
  type Action,
  type Card,
  type EhrSession,
  type HookCall,
} from './client';

/** GitHub-flavoured Markdown as a clinician reads it on a plain screen: no markup, links as "text <url>". */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/!\[([^\]]*)\]\(([^)]+)\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 <$2>')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^\s*[-*+]\s+/gm, (m) => `${m.match(/^\s*/)?.[0] ?? ''}• `)
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^\s*>\s?/gm, '')
    .replace(/^\|?\s*:?-{3,}.*$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `${prefix}${line}` : ''))
    .join('\n');
}

function orderText(r: FhirResource | undefined): string {
  const code = (r as { code?: { text?: string; coding?: { display?: string; code?: string }[] } } | undefined)?.code;
  const coding = code?.coding?.find((c) => c.display || c.code);
  return code?.text ?? coding?.display ?? coding?.code ?? '(no code)';
}

function ref(r: FhirResource): string {
  return `${r.resourceType}/${r.id}`;
}

export function describeAction(action: Action): string {
  const target = action.resourceId ?? (action.resource ? ref(action.resource) : '');
  const what = action.resource ? ` → ${orderText(action.resource)}` : '';
  const rating = pamaRatingOf(action.resource);
  return `${action.type} ${target}${what}${rating ? ` [pama-rating: ${rating}]` : ''}${action.description ? `: ${action.description}` : ''}`;
}

const INDICATOR: Record<string, string> = { info: 'INFO', warning: 'WARNING', critical: 'CRITICAL' };

export function printCard(card: Card, n: number): string {
  const lines: string[] = [];
  lines.push(`   Card ${n} [${INDICATOR[card.indicator] ?? card.indicator}] ${card.summary}`);
  if (card.detail) lines.push(indent(markdownToText(card.detail), '      '));
  if (card.source.label) lines.push(`      Source: ${card.source.label}${card.source.url ? ` <${card.source.url}>` : ''}`);
  for (const link of card.links)
    lines.push(`      Link: ${link.label ?? ''} <${link.url ?? ''}>${link.type && link.type !== 'absolute' ? ` (${link.type})` : ''}`);
  if (card.suggestions.length) {
    lines.push(
      `      Suggestions (${card.selectionBehavior === 'at-most-one' ? 'choose at most one' : card.selectionBehavior === 'any' ? 'choose any' : `selectionBehavior ${card.selectionBehavior ?? 'missing'}`}):`,
    );
    card.suggestions.forEach((s, i) => {
      lines.push(`        ${i + 1}. ${s.label}${s.isRecommended ? ' (recommended)' : ''}`);
      for (const a of s.actions) lines.push(`             - ${describeAction(a)}`);
    });
  }
  if (card.overrideReasons.length) {
    lines.push('      Override reasons:');
    for (const r of card.overrideReasons) lines.push(`        - ${r.display ?? r.code} (${r.code})`);
  }
  const entry = card.extension?.[APPROPRIATENESS_EXTENSION] as
    { order?: string; procedure?: string; rating?: string; missing?: string[] } | undefined;
  if (entry?.rating)
    lines.push(
      `      Rating: ${entry.order ?? '?'} ${entry.procedure ?? ''} ${entry.rating}${entry.missing?.length ? ` (missing: ${entry.missing.join(', ')})` : ''}`,
    );
  return lines.join('\n');
}

export function printCall(call: HookCall, session: Pick<EhrSession, 'prefetch' | 'fhirBase' | 'behaviour'>): string {
  const lines: string[] = [];
  lines.push(`── ${call.label}: ${call.hook} → ${call.serviceId}`);
  lines.push(`   POST ${call.url} → ${call.status} in ${call.ms} ms`);
  const drafts = call.request.context.draftOrders.entry.map((e) => `${ref(e.resource)} (${orderText(e.resource)})`);
  lines.push(
    `   draft orders: ${drafts.join(', ')}${call.request.context.selections ? `; selected: ${call.request.context.selections.join(', ')}` : ''}`,
  );
  if (session.prefetch) {
    const sent = call.prefetchReads.filter((r) => r.sent !== 'omitted').length;
    const how = session.behaviour.prefetchSearch === 'POST _search' ? 'searches by POST _search' : 'searches by GET';
    lines.push(`   prefetch: ${sent} of ${call.prefetchReads.length} keys filled from ${session.fhirBase} (${how})`);
    for (const r of call.prefetchReads.filter((p) => p.sent !== 'resource'))
      lines.push(`     ${r.key}: ${r.sent} (${r.how} → ${r.status})`);
  } else {
    lines.push(`   no prefetch: the service reads ${session.fhirBase} itself (fhirAuthorization with a made-up token)`);
  }
  if (call.status < 200 || call.status >= 300) {
    const text = operationOutcomeText(call.response) ?? (typeof call.response === 'string' ? call.response : JSON.stringify(call.response));
    lines.push(`   REFUSED: ${text ?? ''}`);
    return lines.join('\n');
  }
  if (call.cards.length === 0) lines.push('   No cards.');
  call.cards.forEach((card, i) => lines.push(printCard(card, i + 1)));
  if (call.systemActions.length === 0) {
    lines.push('   System actions: none');
  } else {
    for (const place of ['top-level', 'extension'] as const) {
      const here = call.systemActions.filter((a) => a.place === place);
      if (!here.length) continue;
      const where = place === 'top-level' ? 'systemActions (top-level)' : 'extension.systemActions';
      lines.push(`   System actions in ${where}${here[0].read ? '' : ' — NOT read by this EHR'}:`);
      for (const { action } of here) {
        const rating = pamaRatingOf(action.resource);
        lines.push(
          `     - ${action.type} ${action.resource ? `${ref(action.resource)} (${orderText(action.resource)})` : (action.resourceId ?? '')}: ${rating ? `pama-rating ${rating}` : 'no pama-rating'}`,
        );
      }
    }
  }
  return lines.join('\n');
}

export function printDrafts(drafts: FhirResource[]): string {
  if (drafts.length === 0) return '   (no draft orders)';
  return drafts.map((d) => `   ${ref(d)}: ${orderText(d)} — pama-rating: ${pamaRatingOf(d) ?? 'none'}`).join('\n');
}

/** Search parameters in a line: long code lists are counted, not listed. */
function summariseParams(params: URLSearchParams): string {
  const parts = [...params].map(([k, v]) => (k === 'code' && v.includes(',') ? `code=(${v.split(',').length} codes)` : `${k}=${v}`));
  return parts.length ? `?${parts.join('&')}` : '';
}

/** The whole session as the clinician (and the EHR analyst) would follow it. */
export function printSession(session: EhrSession): string {
  const out: string[] = [];
  out.push(`EHR simulator: profile ${session.profile} (JWT issuer ${session.behaviour.issuer}), service ${session.service}`);
  out.push(
    `FHIR server ${session.fhirBase}; patient ${session.patientId}${session.encounterId ? `, encounter ${session.encounterId}` : ''}`,
  );
  out.push(`Discovery: ${session.discovery.map((s) => `${s.id} (${s.hook})`).join(', ') || 'no services'}`);
  for (const hook of session.missingHooks) out.push(`NOTE: the service offers no ${hook} service; no ${hook} call was made.`);
  out.push('');
  for (const call of session.calls) {
    out.push(printCall(call, session));
    out.push('');
  }
  // The last order-select call is the one with the orders (the sandbox's first one has an uncoded order).
  const select = session.calls.filter((c) => c.hook === 'order-select').pop();
  const sign = session.calls.find((c) => c.hook === 'order-sign');
  if (select && sign) {
    const a = cardRatings(select);
    const b = cardRatings(sign);
    const refs = [...new Set([...a.keys(), ...b.keys()])].sort();
    // A card order-select showed is not repeated at order-sign for the same, unchanged order: that is agreement.
    const differ = refs.filter((r) => b.has(r) && a.get(r) !== b.get(r));
    const notRepeated = refs.filter((r) => a.has(r) && !b.has(r));
    out.push(
      differ.length
        ? `order-select and order-sign DISAGREE: ${differ.map((r) => `${r} ${a.get(r) ?? 'no card'} vs ${b.get(r) ?? 'no card'}`).join('; ')}`
        : `order-select and order-sign agree on every order (${refs.length ? refs.map((r) => `${r} ${a.get(r)}`).join(', ') : 'no cards'}${notRepeated.length ? `; not repeated at sign: ${notRepeated.join(', ')}` : ''}).`,
    );
    out.push('');
  }
  out.push('── Before acting, the draft orders were:');
  out.push(printDrafts(session.draftsBefore));
  if (session.acceptance) {
    const { card, suggestion, index, call } = session.acceptance;
    out.push(`── The clinician accepts suggestion ${index} "${suggestion.label}" of the ${call.hook} card "${card.summary}"`);
  } else {
    out.push('── No suggestion accepted.');
  }
  for (const a of session.applied) out.push(`   applied: ${a}`);
  for (const s of session.skipped) out.push(`   not applied: ${s}`);
  out.push('── Draft orders now:');
  out.push(printDrafts(session.draftsAfter));
  out.push('── Feedback:');
  if (session.feedback.length === 0) out.push('   none sent (no cards with a uuid)');
  for (const post of session.feedback) {
    const items = post.items.map((i) => `${i.outcome}${i.overrideReason ? ` (${i.overrideReason.reason.code})` : ''}`).join(', ');
    out.push(
      `   POST ${post.url} [${items}] → ${post.status} ${typeof post.response === 'string' ? post.response : JSON.stringify(post.response)}`,
    );
  }
  if (!session.prefetch) {
    const reads = session.fhirRequests.filter((r) => !(r.userAgent ?? '').startsWith(SIMULATOR_USER_AGENT));
    out.push(
      `── The service read the FHIR server ${reads.length} times (${reads.filter((r) => r.bearer).length} with the Bearer token): ${reads.map((r) => `${r.method} ${r.path}${summariseParams(r.params)}`).join(', ')}`,
    );
  }
  out.push('');
  out.push(session.problems.length ? `FAILED:\n${session.problems.map((p) => `  - ${p}`).join('\n')}` : 'Every call answered 2xx.');
  return out.join('\n');
}
