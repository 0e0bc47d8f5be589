import type { Medication, MedicationAdministration, MedicationRequest, Procedure } from 'fhir/r4';
import { medicationRef, type PatientRecord } from '../record/patient-record';
import { codingsOf, codingsOfAll, DAY_MS, firstTime, isoDate, periodOf, ref } from './fhir-values';
import type { ChemotherapyFact, ChemotherapyStatus, FactContext } from './types';

const IGNORED_PROCEDURE = new Set(['preparation', 'not-done', 'entered-in-error']);
const GIVEN = new Set(['completed', 'in-progress']);
const ENDED_REQUEST = new Set(['completed', 'stopped']);
const ACTIVE_REQUEST = new Set(['active', 'on-hold']);

export interface ChemotherapyCourse {
  status: ChemotherapyStatus;
  start?: number;
  end?: number;
  intents: Set<string>;
  evidence: string[];
  why: string;
}

/**
 * The course of chemotherapy from Procedures (367336001, 385786002), MedicationAdministrations and
 * MedicationRequests of cytotoxic drugs (inline codes or `medicationReference`). Targeted agents that
 * continue after chemotherapy (trastuzumab, pertuzumab, pembrolizumab) and endocrine drugs are not
 * chemotherapy, so they never make it "in progress".
 */
export function chemotherapyCourse({ record, knowledge, settings, now }: FactContext): ChemotherapyCourse {
  const procedureCodes = knowledge.valueSet('chemotherapy-procedures');
  const drugs = knowledge.valueSet('antineoplastic-drugs');
  const isCytotoxic = (resource: MedicationAdministration | MedicationRequest): boolean =>
    drugs.matchAll(medicationCodings(resource, record)).some((m) => m.meaning === 'cytotoxic');

  const procedures = record.procedures.filter((p) => !IGNORED_PROCEDURE.has(String(p.status)) && procedureCodes.match(codingsOf(p.code))?.meaning === 'chemotherapy');
  const doses = record.medicationAdministrations.filter((a) => GIVEN.has(String(a.status)) && isCytotoxic(a));
  const requests = record.medicationRequests.filter((r) => (ENDED_REQUEST.has(String(r.status)) || ACTIVE_REQUEST.has(String(r.status))) && isCytotoxic(r));

  const evidence = [...procedures, ...doses, ...requests].map(ref);
  const intents = new Set<string>();
  for (const p of procedures) for (const m of procedureCodes.matchAll(codingsOfAll(p.reasonCode))) intents.add(m.meaning);
  for (const r of requests) for (const m of procedureCodes.matchAll(codingsOfAll(r.reasonCode))) intents.add(m.meaning);
  if (evidence.length === 0) return { status: 'not-started', intents, evidence, why: 'no chemotherapy procedure, administration or request' };

  const procedureSpans = procedures.map((p) => ({ p, ...procedureSpan(p) }));
  const doseTimes = doses.map(doseTime).filter(isTime);
  const requestSpans = requests.map((r) => ({ r, ...requestSpan(r) }));
  const starts = [...procedureSpans.map((s) => s.start), ...doseTimes, ...requestSpans.map((s) => s.start)].filter(isTime);
  const start = starts.length ? Math.min(...starts) : undefined;
  const lastDose = doseTimes.length ? Math.max(...doseTimes) : undefined;
  const window = settings.lastDoseCompletedAfterDays * DAY_MS;

  const course = (status: ChemotherapyStatus, why: string, end?: number): ChemotherapyCourse => ({ status, start, end, intents, evidence, why });

  if (procedures.some((p) => p.status === 'in-progress')) return course('in-progress', 'a chemotherapy procedure is in progress');
  if (lastDose !== undefined && now - lastDose < window) return course('in-progress', `a dose was given within ${settings.lastDoseCompletedAfterDays} days`);
  const activeRequests = requestSpans.filter((s) => ACTIVE_REQUEST.has(String(s.r.status)));
  if (activeRequests.some((s) => (s.end !== undefined && s.end > now) || (s.start !== undefined && s.start > now))) {
    return course('in-progress', 'an active chemotherapy request runs into the future');
  }

  const endedProcedures = procedureSpans.filter((s) => s.p.status === 'completed' || s.p.status === 'stopped' || s.end !== undefined);
  const endedRequests = requestSpans.filter((s) => ENDED_REQUEST.has(String(s.r.status)));
  const completedBy =
    endedProcedures.length > 0
      ? 'a completed chemotherapy procedure'
      : activeRequests.length === 0 && endedRequests.length > 0
        ? 'chemotherapy requests completed or stopped'
        : activeRequests.length === 0 && lastDose !== undefined
          ? `last dose ${settings.lastDoseCompletedAfterDays} or more days ago, no active request`
          : undefined;
  if (!completedBy) return course('end-unknown', 'chemotherapy is recorded but neither its end nor ongoing doses are');
  const ends = [...endedProcedures.map((s) => s.end), ...endedRequests.map((s) => s.end), lastDose].filter(isTime);
  return course('completed', completedBy, ends.length ? Math.max(...ends) : undefined);
}

/** The course as a fact, with its timing relative to breast surgery (neoadjuvant or adjuvant). */
export function chemotherapyFact(ctx: FactContext, course: ChemotherapyCourse, surgeryBeforeStart: string[]): ChemotherapyFact {
  const timing =
    course.status === 'not-started'
      ? 'not-applicable'
      : surgeryBeforeStart.length > 0 || (course.intents.has('adjuvant-intent') && !course.intents.has('neoadjuvant-intent'))
        ? 'adjuvant'
        : 'neoadjuvant';
  const daysSinceEnd = course.end !== undefined ? Math.floor((ctx.now - course.end) / DAY_MS) : undefined;
  return {
    value: course.status,
    start: isoDate(course.start),
    end: isoDate(course.end),
    date: isoDate(course.end ?? course.start),
    daysSinceEnd,
    timing,
    detail: course.why,
    evidence: [...course.evidence, ...(timing === 'adjuvant' ? surgeryBeforeStart : [])],
  };
}

/** The drug codes of an administration or request: inline, or of the Medication it references (contained, or in the record). */
function medicationCodings(resource: MedicationAdministration | MedicationRequest, record: PatientRecord) {
  const inline = codingsOf(resource.medicationCodeableConcept);
  const reference = resource.medicationReference?.reference;
  if (typeof reference !== 'string') return inline;
  let medication: Medication | undefined;
  if (reference.startsWith('#')) {
    medication = (resource.contained ?? []).find((c): c is Medication => c?.resourceType === 'Medication' && `#${c.id}` === reference);
  } else {
    const key = medicationRef(reference);
    medication = key ? record.medications.get(key) : undefined;
  }
  return [...inline, ...codingsOf(medication?.code)];
}

function procedureSpan(p: Procedure): { start?: number; end?: number } {
  const period = periodOf(p.performedPeriod);
  const at = firstTime(p.performedDateTime);
  return { start: period.start ?? at, end: period.end ?? (p.status === 'completed' ? at : undefined) };
}

function doseTime(a: MedicationAdministration): number | undefined {
  const period = periodOf(a.effectivePeriod);
  return firstTime(a.effectiveDateTime) ?? period.end ?? period.start;
}

function requestSpan(r: MedicationRequest): { start?: number; end?: number } {
  const bounds = (r.dosageInstruction ?? []).map((d) => periodOf(d?.timing?.repeat?.boundsPeriod));
  const validity = periodOf(r.dispenseRequest?.validityPeriod);
  const starts = [...bounds.map((b) => b.start), validity.start].filter(isTime);
  const ends = [...bounds.map((b) => b.end), validity.end].filter(isTime);
  return { start: starts.length ? Math.min(...starts) : firstTime(r.authoredOn), end: ends.length ? Math.max(...ends) : undefined };
}

function isTime(t: number | undefined): t is number {
  return t !== undefined;
}
