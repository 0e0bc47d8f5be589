import type { ClinicalFacts, Fact } from '../facts/types';
import type { CardWording } from '../knowledge/types';

const ORDER: (keyof ClinicalFacts)[] = [
  'sex',
  'breastCancer',
  'biopsyEvidence',
  'initialSize',
  'initialNodes',
  'chemotherapy',
  'clippedNode',
  'surgerySinceChemotherapy',
  'distantMetastasis',
];

/**
 * The facts a card rests on, one Markdown line each, in a clinician's words: label, value, detail and date.
 * Resource ids are not shown here: they are in the card's extension, for audit.
 */
export function factsMarkdown(facts: ClinicalFacts, wording: CardWording): string {
  const lines: string[] = [];
  for (const key of ORDER) {
    const fact = facts[key] as Fact<string> | undefined;
    if (!fact) continue;
    const words = wording.facts[key];
    const phrase = words.values[fact.value] ?? fact.value;
    let line = `- **${words.label}:** ${phrase}`;
    if (key === 'chemotherapy') {
      if (facts.chemotherapy.start)
        line += ` (${facts.chemotherapy.start}${facts.chemotherapy.end ? ` to ${facts.chemotherapy.end}` : ''})`;
      if (facts.chemotherapy.value === 'stopped-early' && fact.detail) line += `: ${fact.detail}`;
    } else if (fact.detail && !phrase.includes(fact.detail)) {
      line += ` (${fact.detail})`;
    }
    if (fact.date && key !== 'chemotherapy') line += `, ${fact.date}`;
    lines.push(line);
  }
  return lines.join('\n');
}

/** Every resource the facts rest on, once, for the card's machine-readable evidence. */
export function allEvidence(facts: ClinicalFacts): string[] {
  const out = new Set<string>();
  for (const key of ORDER) for (const ref of (facts[key] as Fact<string> | undefined)?.evidence ?? []) out.add(ref);
  return [...out];
}
