import type { FhirResource } from 'fhir/r4';
import { factsMarkdown } from '../cards/facts-markdown';
import { codingsOf, textOf } from '../facts/fhir-values';
import type { Fact } from '../facts/types';
import type { Knowledge } from '../knowledge/knowledge';
import type { Evaluation } from './evaluate';

/**
 * An offline evaluation in words a tester or a committee member can check: the orders, each fact with the
 * resources it came from, the outcome and why (for "does not apply": which rule of the variant file, its
 * source, and the resources that triggered it), and the cards that would be returned.
 *
 * @example process.stdout.write(explain(evaluateBundle(bundle, orders, knowledge, config), knowledge));
 */
export function explain(result: Evaluation, knowledge: Knowledge): string {
  const { decision } = result;
  const variant = decision.variant;
  const out: string[] = [];
  out.push(
    `axilla-cds evaluation: knowledge ${knowledge.version} (digest ${knowledge.digest}), ${variant.topic.title} variant ${variant.variant} (${variant.id} ${variant.version})`,
  );
  out.push('', 'ORDERS');
  for (const o of result.orders)
    out.push(
      `  ${o.ref}: ${o.classification.procedure ? knowledge.procedure(o.classification.procedure).name : 'not rated by this variant'} (${o.classification.reason})`,
    );

  out.push('', 'FACTS');
  const facts = decision.facts as unknown as Record<string, Fact<string> | undefined>;
  const lines = factsMarkdown(decision.facts, knowledge.wording).split('\n');
  for (const key of Object.keys(knowledge.wording.facts)) {
    const fact = facts[key];
    if (!fact) continue;
    const line = lines.find((l) => l.startsWith(`- **${knowledge.wording.facts[key].label}:**`));
    out.push(`  ${(line ?? `- ${key}: ${fact.value}`).replace(/^- /, '').replace(/\*\*/g, '')}`);
    for (const ref of fact.evidence) out.push(`      from ${describe(ref, result.resources, knowledge)}`);
  }
  for (const [key, label] of [
    ['recurrence', 'Recurrence signs'],
    ['otherHistology', 'Histology other than carcinoma'],
    ['axillarySurgeryBeforeChemotherapy', 'Axillary surgery before chemotherapy'],
  ] as const) {
    const fact = decision.facts[key];
    if (!fact) continue;
    out.push(`  ${label}: ${fact.detail ?? fact.value}${fact.date ? `, ${fact.date}` : ''}`);
    for (const ref of fact.evidence) out.push(`      from ${describe(ref, result.resources, knowledge)}`);
  }

  out.push('', 'OUTCOME');
  const { outcome } = decision;
  if (outcome.status === 'applies') {
    out.push(`  APPLIES: every criterion of the variant is met (${variant.text})`);
  } else if (outcome.status === 'does-not-apply') {
    const index = variant.criteria.exclusions.findIndex((e) => e.reason === outcome.reason);
    const rule = variant.criteria.exclusions[index];
    out.push(
      `  DOES NOT APPLY: ${outcome.reason} (rule ${index + 1} of ${variant.criteria.exclusions.length} in hooks/variants/${variant.id}.json, criteria.exclusions[${index}])`,
    );
    out.push(`  Rule: ${rule.description}`);
    out.push(`  Source: ${rule.source}`);
    if (outcome.evidence.length) for (const ref of outcome.evidence) out.push(`  Because of ${describe(ref, result.resources, knowledge)}`);
    else out.push('  Because of: nothing of the kind is in the record (an exclusion by absence)');
  } else if (outcome.status === 'insufficient-data') {
    out.push('  INSUFFICIENT DATA: the record neither confirms nor excludes the variant; missing:');
    for (const m of outcome.missing) out.push(`  - ${knowledge.wording.missing[m].long}`);
  } else {
    out.push(`  UNREADABLE: could not read ${outcome.unreadable.join(', ')}`);
  }

  out.push('', `CARDS (${result.cards.length})`);
  if (result.cards.length === 0)
    out.push(outcome.status === 'does-not-apply' ? '  none: the variant does not apply to this patient' : '  none');
  for (const card of result.cards) {
    out.push(`  [${card.indicator.toUpperCase()}] ${card.summary}`);
    for (const line of (card.detail ?? '').split('\n')) out.push(`      ${line}`);
    for (const s of card.suggestions ?? []) out.push(`      Suggestion: ${s.label} (${s.actions.map((a) => a.type).join(' + ')})`);
    if (card.overrideReasons?.length) out.push(`      Override reasons: ${card.overrideReasons.map((r) => r.display).join('; ')}`);
  }
  return `${out.join('\n')}\n`;
}

/** A resource in a line: its reference, what it is (first coding or text), its status and its date. */
function describe(ref: string, resources: Map<string, FhirResource>, knowledge: Knowledge): string {
  const r = resources.get(ref) as (FhirResource & Record<string, unknown>) | undefined;
  if (!r) return ref;
  const reference = (r.medicationReference as { reference?: string } | undefined)?.reference;
  const medication = reference
    ? (resources.get(reference.replace(/^.*\b(Medication\/[^/]+)$/, '$1')) as { code?: unknown } | undefined)
    : undefined;
  const concept = r.code ?? r.medicationCodeableConcept ?? medication?.code ?? r.valueCodeableConcept;
  // A standard code a reviewer can look up, before a site's local one.
  const codings = codingsOf(concept);
  const coding = codings.find((c) => knowledge.codeSystems.isKnown(c.system)) ?? codings[0];
  const what = coding ? `${coding.code}${coding.display ? ` "${coding.display}"` : ''}` : textOf(concept).trim();
  const value = r.resourceType === 'Observation' ? observationValue(r) : '';
  const date = [
    r.onsetDateTime,
    r.effectiveDateTime,
    r.performedDateTime,
    (r.performedPeriod as { start?: string } | undefined)?.start,
    r.authoredOn,
    r.whenHandedOver,
    r.recordedDate,
    r.issued,
  ].find((d) => typeof d === 'string');
  const status = typeof r.status === 'string' ? r.status : codingsOf(r.clinicalStatus)[0]?.code;
  return [ref, what && `: ${what}`, value && ` = ${value}`, status && ` (${status})`, date && `, ${String(date).slice(0, 10)}`]
    .filter(Boolean)
    .join('');
}

function observationValue(r: Record<string, unknown>): string {
  const quantity = r.valueQuantity as { value?: number | string; unit?: string } | undefined;
  if (quantity && quantity.value !== undefined) return `${quantity.value} ${typeof quantity.unit === 'string' ? quantity.unit : ''}`.trim();
  if (typeof r.valueString === 'string') return r.valueString;
  if (typeof r.valueBoolean === 'boolean') return String(r.valueBoolean);
  const coding = codingsOf(r.valueCodeableConcept)[0];
  return coding ? `${coding.code}${coding.display ? ` "${coding.display}"` : ''}` : textOf(r.valueCodeableConcept).trim();
}
