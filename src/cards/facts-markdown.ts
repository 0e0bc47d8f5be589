import type { ClinicalFacts, Fact } from '../facts/types';
import type { CardWording } from '../knowledge/types';

const ORDER: (keyof ClinicalFacts)[] = ['sex', 'breastCancer', 'biopsyEvidence', 'initialSize', 'initialNodes', 'chemotherapy', 'clippedNode', 'surgerySinceChemotherapy', 'distantMetastasis'];

/** The facts a card rests on, one Markdown line each: label, value, detail, date, and the resources. */
export function factsMarkdown(facts: ClinicalFacts, wording: CardWording): string {
  const lines: string[] = [];
  for (const key of ORDER) {
    const fact = facts[key] as Fact<string> | undefined;
    if (!fact) continue;
    const words = wording.facts[key];
    const phrase = words.values[fact.value] ?? fact.value;
    let line = `- **${words.label}:** ${phrase}`;
    if (key === 'chemotherapy' && facts.chemotherapy.start) {
      line += ` (${facts.chemotherapy.start}${facts.chemotherapy.end ? ` to ${facts.chemotherapy.end}` : ''})`;
    } else if (fact.detail && !phrase.includes(fact.detail)) {
      line += ` (${fact.detail})`;
    }
    if (fact.date && key !== 'chemotherapy') line += `, ${fact.date}`;
    if (fact.evidence.length > 0) line += ` [${fact.evidence.slice(0, 6).join(', ')}${fact.evidence.length > 6 ? `, +${fact.evidence.length - 6} more` : ''}]`;
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
