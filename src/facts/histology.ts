import type { Condition, Extension } from 'fhir/r4';
import type { TextPattern } from '../knowledge/text-pattern';
import type { ValueSetIndex } from '../knowledge/value-set-index';
import { isAsserted } from './conditions';
import { belongsToCurrent, onsetOf, type CurrentDiagnosis } from './diagnosis';
import { asArray, codingsOf, codingsOfAll, firstTime, isoDate, ref, statusIn, textOf } from './fhir-values';
import { relative } from './staging';
import type { Fact, FactContext } from './types';
import { HISTOLOGY_EXTENSION } from './mcode';

/**
 * A breast tumour that is not a carcinoma (phyllodes tumour, sarcoma, lymphoma), which variant 8 is not about:
 * by the morphology on the diagnosis, a histology Observation of this cancer, the diagnosis' own words, or a
 * lymphoma or sarcoma diagnosis sited in the breast.
 */
export function otherHistologyFact(ctx: FactContext, dx: CurrentDiagnosis, windowDays: number): Fact<'present'> | undefined {
  const { knowledge, record } = ctx;
  const histology = knowledge.valueSet('histology');
  const words = knowledge.text('nonCarcinomaHistology');
  const found: { ref: string; time?: number; label: string }[] = [];

  for (const c of dx.conditions) {
    const morphology = asArray<Extension>(c.extension)
      .filter((e) => e?.url === HISTOLOGY_EXTENSION)
      .map((e) => e.valueCodeableConcept);
    const coded = histology.matchAll(codingsOfAll(morphology)).find((m) => m.meaning === 'non-carcinoma');
    if (coded) found.push({ ref: ref(c), time: onsetOf(c), label: `morphology ${coded.coding.code}` });
    else if (words.test([textOf(c.code), ...morphology.map(textOf)].join(' ')))
      found.push({ ref: ref(c), time: onsetOf(c), label: 'named as a non-carcinoma' });
  }
  for (const obs of record.observations) {
    if (
      statusIn(knowledge.statuses.observation.withdrawn, obs.status) ||
      histology.match(codingsOf(obs.code))?.meaning !== 'histology-observation'
    )
      continue;
    const time = firstTime(obs.effectiveDateTime, obs.effectivePeriod?.start, obs.issued);
    const conditions = asArray<{ reference?: string }>(obs.focus)
      .map((f) => relative(f?.reference))
      .filter((r): r is string => r?.startsWith('Condition/') === true);
    if (!belongsToCurrent(dx, windowDays, { conditions, time })) continue;
    const nonCarcinoma =
      histology.matchAll(codingsOf(obs.valueCodeableConcept)).some((m) => m.meaning === 'non-carcinoma') ||
      words.test([textOf(obs.valueCodeableConcept), obs.valueString ?? ''].join(' '));
    if (nonCarcinoma) found.push({ ref: ref(obs), time, label: 'histology report' });
  }
  const breastSites = knowledge.valueSet('body-sites');
  for (const c of record.conditions) {
    if (!isAsserted(c, knowledge.statuses) || dx.conditions.includes(c) || histology.match(codingsOf(c.code))?.meaning !== 'non-carcinoma')
      continue;
    if (inBreast(c, breastSites, knowledge.text('breastSite')))
      found.push({ ref: ref(c), time: onsetOf(c), label: codingsOf(c.code)[0]?.code ?? 'non-carcinoma diagnosis' });
  }
  if (found.length === 0) return undefined;
  return {
    value: 'present',
    date: isoDate(found.find((f) => f.time !== undefined)?.time),
    detail: [...new Set(found.map((f) => f.label))].join(', '),
    evidence: [...new Set(found.map((f) => f.ref))],
  };
}

function inBreast(c: Condition, sites: ValueSetIndex, words: TextPattern): boolean {
  return (
    sites.matchAll(codingsOfAll(c.bodySite)).some((m) => m.meaning === 'breast') ||
    words.test([textOf(c.code), ...asArray(c.bodySite).map(textOf)].join(' '))
  );
}
