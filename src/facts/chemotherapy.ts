import type { Dosage, FhirResource as FhirResourceLike, Medication, MedicationAdministration, MedicationRequest, Procedure } from 'fhir/r4';
import { medicationRef, type PatientRecord } from '../record/patient-record';
import { asArray, codingsOf, codingsOfAll, DAY_MS, dayOf, firstTime, isoDate, periodOf, ref, statusIn } from './fhir-values';
import type { ChemotherapyFact, ChemotherapyStatus, FactContext } from './types';

export interface ChemotherapyCourse {
  status: ChemotherapyStatus;
  start?: number;
  end?: number;
  intents: Set<string>;
  evidence: string[];
  why: string;
}

interface Span {
  start?: number;
  end?: number;
}

/**
 * The course of chemotherapy for this cancer, from Procedures (367336001, 385786002),
 * MedicationAdministrations and MedicationRequests of cytotoxic drugs (inline codes or
 * `medicationReference`). Targeted agents that continue after chemotherapy and endocrine drugs
 * are not chemotherapy, so they never make it "in progress".
 *
 * Course-level records (a Procedure with a performed period, requests completed or stopped) say when
 * the course ended; session-level records (administrations, a Procedure with one performed date) are
 * doses. Treatment that ended long before the diagnosis belongs to an earlier cancer and is left out.
 */
export function chemotherapyCourse({ record, knowledge, variant, settings, now }: FactContext, diagnosedAt: number | undefined): ChemotherapyCourse {
  const { procedure: P, medicationAdministration: MA, medicationRequest: MR } = knowledge.statuses;
  const procedureCodes = knowledge.valueSet('chemotherapy-procedures');
  const drugs = knowledge.valueSet('antineoplastic-drugs');
  const isCytotoxic = (resource: MedicationAdministration | MedicationRequest): boolean => drugs.matchAll(medicationCodings(resource, record)).some((m) => m.meaning === 'cytotoxic');
  const earliest = diagnosedAt === undefined ? undefined : dayOf(diagnosedAt) - variant.criteria.chemotherapy.unrelatedBeforeDiagnosisDays;
  const current = (span: Span) => earliest === undefined || dayOf(span.end ?? span.start ?? Number.POSITIVE_INFINITY) >= earliest;

  const isChemoProcedure = (p: Procedure) => procedureCodes.match(codingsOf(p.code))?.meaning === 'chemotherapy';
  const procedures = record.procedures.filter((p) => !statusIn(P.notPerformed, p.status) && isChemoProcedure(p)).map((p) => ({ p, ...procedureSpan(p) })).filter(current);
  const doses = record.medicationAdministrations.filter((a) => statusIn(MA.given, a.status) && isCytotoxic(a)).map((a) => ({ a, start: doseTime(a) })).filter(current);
  const requests = record.medicationRequests.filter((r) => (statusIn(MR.ended, r.status) || statusIn(MR.active, r.status)) && isCytotoxic(r)).map((r) => ({ r, ...requestSpan(r) })).filter(current);
  const planned = record.procedures.filter((p) => statusIn(P.planned, p.status) && isChemoProcedure(p)).map((p) => procedureSpan(p).start).filter((t): t is number => t !== undefined && dayOf(t) >= dayOf(now));

  const evidence = [...procedures.map((s) => ref(s.p)), ...doses.map((d) => ref(d.a)), ...requests.map((s) => ref(s.r))];
  const intents = new Set<string>();
  for (const { p } of procedures) for (const m of procedureCodes.matchAll(codingsOfAll(p.reasonCode))) intents.add(m.meaning);
  for (const { r } of requests) for (const m of procedureCodes.matchAll(codingsOfAll(r.reasonCode))) intents.add(m.meaning);
  if (evidence.length === 0) return { status: 'not-started', intents, evidence, why: 'no chemotherapy procedure, administration or request' };

  const sessions = procedures.filter((s) => !s.courseLevel);
  const courses = procedures.filter((s) => s.courseLevel);
  const doseTimes = [...doses.map((d) => d.start), ...sessions.map((s) => s.start)].filter(isTime);
  const recordedStarts = [...courses.map((s) => s.start), ...doseTimes, ...requests.map((s) => s.start)].filter(isTime);
  const authored = requests.map((s) => firstTime(s.r.authoredOn)).filter(isTime);
  const starts = recordedStarts.length > 0 ? recordedStarts : authored;
  const start = starts.length ? Math.min(...starts) : undefined;
  const lastDose = doseTimes.length ? Math.max(...doseTimes) : undefined;
  const course = (status: ChemotherapyStatus, why: string, end?: number): ChemotherapyCourse => ({ status, start, end, intents, evidence, why });

  const activeRequests = requests.filter((s) => statusIn(MR.active, s.r.status));
  const endedCourses = courses.filter((s) => statusIn(P.ended, s.p.status) || s.end !== undefined);
  const endedRequests = requests.filter((s) => statusIn(MR.ended, s.r.status));
  const recordedEnd = maxOf([...endedCourses.map((s) => s.end), ...endedRequests.map((s) => s.end)]);

  if (procedures.some((s) => statusIn(P.inProgress, s.p.status))) return course('in-progress', 'a chemotherapy procedure is in progress');
  if (planned.length > 0) return course('in-progress', 'a further chemotherapy session is planned');
  if (activeRequests.some((s) => (s.end !== undefined && s.end > now) || (s.start !== undefined && s.start > now))) {
    return course('in-progress', 'an active chemotherapy request runs into the future');
  }
  const window = settings.lastDoseCompletedAfterDays * DAY_MS;
  const courseEndedAfterLastDose = recordedEnd !== undefined && lastDose !== undefined && dayOf(recordedEnd) >= dayOf(lastDose);
  if (lastDose !== undefined && now - lastDose < window && !courseEndedAfterLastDose) {
    return course('in-progress', `a dose was given within ${settings.lastDoseCompletedAfterDays} days and no completion is recorded`);
  }

  const completedBy =
    endedCourses.length > 0 && activeRequests.length === 0
      ? 'a completed chemotherapy course'
      : endedRequests.length > 0 && activeRequests.length === 0
        ? 'chemotherapy requests completed or stopped'
        : activeRequests.length === 0 && lastDose !== undefined
          ? `last dose ${settings.lastDoseCompletedAfterDays} or more days ago, no active request`
          : endedCourses.length > 0
            ? 'a completed chemotherapy course (a request is still marked active but has no future dates)'
            : undefined;
  if (!completedBy) return course('end-unknown', 'chemotherapy is recorded but neither its end nor ongoing doses are');
  return course('completed', completedBy, maxOf([recordedEnd, lastDose]));
}

/** The course as a fact, with its timing relative to breast surgery (neoadjuvant or adjuvant). */
export function chemotherapyFact(ctx: FactContext, course: ChemotherapyCourse, surgeryBeforeStart: string[]): ChemotherapyFact {
  const timing =
    course.status === 'not-started'
      ? 'not-applicable'
      : surgeryBeforeStart.length > 0 || (course.intents.has('adjuvant-intent') && !course.intents.has('neoadjuvant-intent'))
        ? 'adjuvant'
        : 'neoadjuvant';
  const daysSinceEnd = course.end !== undefined ? dayOf(ctx.now) - dayOf(course.end) : undefined;
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
    medication = asArray<FhirResourceLike>(resource.contained).find((c): c is Medication => c?.resourceType === 'Medication' && `#${c.id}` === reference);
  } else {
    const key = medicationRef(reference);
    medication = key ? record.medications.get(key) : undefined;
  }
  return [...inline, ...codingsOf(medication?.code)];
}

/** A Procedure with a performed period records a course; one with a single date records a session. */
function procedureSpan(p: Procedure): Span & { courseLevel: boolean } {
  const period = periodOf(p.performedPeriod);
  const at = firstTime(p.performedDateTime);
  if (period.start !== undefined || period.end !== undefined) return { start: period.start ?? period.end, end: period.end, courseLevel: true };
  return { start: at, end: at, courseLevel: at === undefined };
}

function doseTime(a: MedicationAdministration): number | undefined {
  const period = periodOf(a.effectivePeriod);
  return firstTime(a.effectiveDateTime) ?? period.end ?? period.start;
}

function requestSpan(r: MedicationRequest): Span {
  const bounds = asArray<Dosage>(r.dosageInstruction).map((d) => periodOf(d?.timing?.repeat?.boundsPeriod));
  const validity = periodOf(r.dispenseRequest?.validityPeriod);
  const starts = [...bounds.map((b) => b.start), validity.start].filter(isTime);
  const ends = [...bounds.map((b) => b.end), validity.end].filter(isTime);
  return { start: starts.length ? Math.min(...starts) : undefined, end: ends.length ? Math.max(...ends) : undefined };
}

function maxOf(times: (number | undefined)[]): number | undefined {
  const defined = times.filter(isTime);
  return defined.length ? Math.max(...defined) : undefined;
}

function isTime(t: number | undefined): t is number {
  return t !== undefined;
}
