import { codingsOf, codingsOfAll, firstTime, isoDate, onOrBefore, ref, statusIn } from './fhir-values';
import type { Fact, FactContext } from './types';

/** An axillary node marker (clip) placed before chemotherapy. A breast biopsy clip is not one. */
export function clippedNodeFact({ record, knowledge }: FactContext, chemoStart: number | undefined): Fact<'present'> | undefined {
  const markers = knowledge.valueSet('localization-markers');
  const bodySites = knowledge.valueSet('body-sites');
  const clips = record.procedures.filter((p) => {
    if (!statusIn(knowledge.statuses.procedure.performed, p.status)) return false;
    const match = markers.match(codingsOf(p.code));
    if (!match || !('requiresBodySite' in match.entry) || !match.entry.requiresBodySite) return false;
    const sites = bodySites.matchAll(codingsOfAll(p.bodySite)).map((m) => m.meaning);
    const time = firstTime(p.performedDateTime, p.performedPeriod?.start);
    return sites.includes(match.entry.requiresBodySite) && onOrBefore(time, chemoStart);
  });
  if (clips.length === 0) return undefined;
  const time = firstTime(clips[0].performedDateTime, clips[0].performedPeriod?.start);
  return { value: 'present', date: isoDate(time), evidence: clips.map(ref) };
}
