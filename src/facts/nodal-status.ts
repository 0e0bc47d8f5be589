import { codingsOf, codingsOfAll, firstTime, isoDate, onOrBefore, ref, statusIn } from './fhir-values';
import { isAsserted } from './conditions';
import { isInitialClinical, type StagingReading } from './staging';
import type { Fact, FactContext, InitialNodes } from './types';

/**
 * Clinical nodal status at diagnosis. Node-positive (it wins) when a clinical N1-N3 was recorded before
 * chemotherapy, C77.3 is on record, or an axillary node biopsy was positive; otherwise cN0 when the
 * latest clinical N before chemotherapy is N0. yc/yp values are never "at diagnosis".
 */
export function initialNodesFact(ctx: FactContext, staging: StagingReading[], chemoStart: number | undefined): Fact<InitialNodes> {
  const { record, knowledge } = ctx;
  const criteria = ctx.variant.criteria.initialNodes;
  const clinicalN = staging.filter((r) => r.category === 'N' && isInitialClinical(r));
  // A positive node before chemotherapy, clinical or pathological (a node excised before treatment), makes her node-positive.
  // Undated positives count too: an exclusion on record decides.
  const positiveReadings = staging.filter(
    (r) => r.category === 'N' && (isInitialClinical(r) || r.prefix === 'p') && criteria.positive.includes(r.value) && (r.time === undefined || onOrBefore(r.time, chemoStart)),
  );
  const diagnoses = knowledge.valueSet('breast-cancer-diagnoses');
  const nodeMetastases = record.conditions.filter((c) => isAsserted(c, knowledge.statuses) && diagnoses.match(codingsOf(c.code))?.meaning === 'axillary-node-metastasis');
  const biopsies = knowledge.valueSet('biopsy');
  const bodySites = knowledge.valueSet('body-sites');
  const outcomes = knowledge.valueSet('procedure-outcomes');
  const positiveBiopsies = record.procedures.filter((p) => {
    if (!statusIn(knowledge.statuses.procedure.performed, p.status) || outcomes.match(codingsOf(p.outcome))?.meaning !== 'positive') return false;
    const kind = biopsies.match(codingsOf(p.code))?.meaning;
    const axillary = bodySites.matchAll(codingsOfAll(p.bodySite)).some((m) => m.meaning === 'axilla');
    return kind === 'axillary-node-biopsy' || (kind !== undefined && axillary);
  });

  const positives = [...positiveReadings.map((r) => ({ ref: r.ref, time: r.time, label: r.label })), ...nodeMetastases.map((c) => ({ ref: ref(c), time: firstTime(c.onsetDateTime, c.recordedDate), label: codingsOf(c.code)[0]?.code ?? 'nodal metastasis' })), ...positiveBiopsies.map((p) => ({ ref: ref(p), time: firstTime(p.performedDateTime, p.performedPeriod?.start), label: 'positive axillary node biopsy' }))];
  if (positives.length > 0) {
    const first = positives[0];
    return { value: 'node-positive', date: isoDate(first.time), detail: [...new Set(positives.map((p) => p.label))].join(', '), evidence: positives.map((p) => p.ref) };
  }

  const beforeChemo = clinicalN.filter((r) => onOrBefore(r.time, chemoStart)).sort((a, b) => (a.time as number) - (b.time as number));
  const latest = beforeChemo[beforeChemo.length - 1];
  if (latest && criteria.negative.includes(latest.value)) return { value: 'cN0', date: isoDate(latest.time), detail: latest.label, evidence: [latest.ref] };
  return { value: 'unknown', detail: latest ? `${latest.label} does not say` : undefined, evidence: latest ? [latest.ref] : [] };
}
