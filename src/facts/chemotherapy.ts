import type {
  CodeableConcept,
  Condition,
  Dosage,
  FhirResource as FhirResourceLike,
  Medication,
  MedicationAdministration,
  MedicationDispense,
  MedicationRequest,
  Procedure,
  Reference,
} from 'fhir/r4';
import { medicationRef, type PatientRecord } from '../record/patient-record';
import { asArray, codingsOf, codingsOfAll, DAY_MS, dayOf, firstTime, isoDate, periodOf, ref, statusIn, textOf } from './fhir-values';
import { relative } from './staging';
import type { ChemotherapyFact, ChemotherapyStatus, FactContext } from './types';

export interface ChemotherapyCourse {
  status: ChemotherapyStatus;
  start?: number;
  end?: number;
  intents: Set<string>;
  evidence: string[];
  why: string;
  /** The course was stopped before its plan, for a stated reason other than progression. */
  stoppedEarly?: { reason: string; evidence: string[] };
  /** The cancer progressed on chemotherapy (a stop reason, or a response observation saying so). */
  progression?: { reason: string; evidence: string[]; time?: number };
}

interface Span {
  start?: number;
  end?: number;
}

/**
 * The course of chemotherapy for this cancer, from Procedures (chemotherapy procedure codes, or a drug
 * billed as a procedure, e.g. an HCPCS J-code), MedicationAdministrations, MedicationDispenses and
 * MedicationRequests of cytotoxic drugs (inline codes, `medicationReference`, or the chemotherapy order they
 * carry out). Targeted agents that continue after chemotherapy and endocrine drugs are not chemotherapy, so
 * they never make it "in progress".
 *
 * Course-level records (a Procedure with a performed period, requests completed or stopped) say when the
 * course ended; session-level records (administrations, dispenses, a Procedure with one performed date) are
 * doses, and they also date the orders they carry out. Treatment that ended long before the diagnosis belongs
 * to an earlier cancer and is left out. A stop for progression is recorded as progression; a stop for any
 * other stated reason ends the course early.
 */
export function chemotherapyCourse(ctx: FactContext, diagnosedAt: number | undefined): ChemotherapyCourse {
  const { record, knowledge, variant, settings, now } = ctx;
  const { procedure: P, medicationAdministration: MA, medicationRequest: MR } = knowledge.statuses;
  const procedureCodes = knowledge.valueSet('chemotherapy-procedures');
  const drugs = knowledge.valueSet('antineoplastic-drugs');
  const isCytotoxicCoding = (codings: { system: string; code: string }[]) => drugs.matchAll(codings).some((m) => m.meaning === 'cytotoxic');
  const chemoRequests = record.medicationRequests.filter((r) => isCytotoxicCoding(medicationCodings(r, record)));
  const chemoRequestRefs = new Set(chemoRequests.map(ref));
  const carriesOutChemo = (refs: (Reference | undefined)[]) => refs.some((r) => chemoRequestRefs.has(relative(r?.reference) ?? ''));
  const earliest = diagnosedAt === undefined ? undefined : dayOf(diagnosedAt) - variant.criteria.chemotherapy.unrelatedBeforeDiagnosisDays;
  const current = (span: Span) => earliest === undefined || dayOf(span.end ?? span.start ?? Number.POSITIVE_INFINITY) >= earliest;

  const isChemoProcedure = (p: Procedure) =>
    procedureCodes.match(codingsOf(p.code))?.meaning === 'chemotherapy' || isCytotoxicCoding(codingsOf(p.code));
  const isAdministration = (p: Procedure) => procedureCodes.match(codingsOf(p.code))?.meaning === 'chemotherapy-administration';
  const namedProcedures = record.procedures.filter((p) => !statusIn(P.notPerformed, p.status) && isChemoProcedure(p));
  const namesNoDrug =
    namedProcedures.length === 0 &&
    chemoRequests.length === 0 &&
    !record.medicationAdministrations.some((a) => isCytotoxicCoding(medicationCodings(a, record))) &&
    !record.medicationDispenses.some((d) => isCytotoxicCoding(medicationCodings(d, record)));
  // An administration code (CPT 964xx) says a drug was infused, not which: antibodies that continue after chemotherapy are billed the same way.
  const procedures = [
    ...namedProcedures,
    ...(namesNoDrug ? record.procedures.filter((p) => !statusIn(P.notPerformed, p.status) && isAdministration(p)) : []),
  ]
    .map((p) => ({ p, ...procedureSpan(p) }))
    .filter(current);
  const doses = [
    ...record.medicationAdministrations
      .filter((a) => statusIn(MA.given, a.status) && (isCytotoxicCoding(medicationCodings(a, record)) || carriesOutChemo([a.request])))
      .map((a) => ({ resource: a, start: doseTime(a), end: doseTime(a) })),
    ...record.medicationDispenses
      .filter(
        (d) =>
          statusIn(knowledge.statuses.medicationDispense.given, d.status) &&
          (isCytotoxicCoding(medicationCodings(d, record)) || carriesOutChemo(asArray<Reference>(d.authorizingPrescription))),
      )
      .map((d) => ({ resource: d, ...dispenseSpan(d) })),
  ].filter(current);
  const requests = chemoRequests
    .filter((r) => statusIn(MR.ended, r.status) || statusIn(MR.active, r.status))
    .map((r) => ({ r, ...requestSpan(r) }))
    .filter(current);
  const planned = record.procedures
    .filter((p) => statusIn(P.planned, p.status) && isChemoProcedure(p))
    .map((p) => procedureSpan(p).start)
    .filter((t): t is number => t !== undefined && dayOf(t) >= dayOf(now));

  const encounters = namesNoDrug
    ? chemotherapyConditions(ctx, 'chemotherapy-administration')
        .map((c) => ({ c, start: firstTime(c.onsetDateTime, c.recordedDate), end: firstTime(c.onsetDateTime, c.recordedDate) }))
        .filter(current)
    : [];
  const evidence = [
    ...procedures.map((s) => ref(s.p)),
    ...doses.map((d) => ref(d.resource)),
    ...requests.map((s) => ref(s.r)),
    ...encounters.map((e) => ref(e.c)),
  ];
  const intents = new Set<string>();
  for (const { p } of procedures) for (const m of procedureCodes.matchAll(codingsOfAll(p.reasonCode))) intents.add(m.meaning);
  for (const { r } of requests) for (const m of procedureCodes.matchAll(codingsOfAll(r.reasonCode))) intents.add(m.meaning);
  if (evidence.length === 0) {
    const history = chemotherapyConditions(ctx, 'chemotherapy-history');
    if (history.length > 0)
      return { status: 'end-unknown', intents, evidence: history.map(ref), why: 'a history of chemotherapy is recorded, without dates' };
    return { status: 'not-started', intents, evidence, why: 'no chemotherapy procedure, administration, dispense or request' };
  }
  const given = procedures.length > 0 || doses.length > 0 || encounters.length > 0;
  const allInFuture = requests.every((s) => statusIn(MR.active, s.r.status) && s.start !== undefined && dayOf(s.start) > dayOf(now));
  if (!given && allInFuture) return { status: 'not-started', intents, evidence: [], why: 'chemotherapy is ordered but not yet given' };

  const sessions = procedures.filter((s) => !s.courseLevel);
  const courses = procedures.filter((s) => s.courseLevel);
  const doseTimes = [...doses.map((d) => d.end ?? d.start), ...sessions.map((s) => s.start), ...encounters.map((e) => e.start)].filter(
    isTime,
  );
  const recordedStarts = [
    ...courses.map((s) => s.start),
    ...doses.map((d) => d.start),
    ...sessions.map((s) => s.start),
    ...encounters.map((e) => e.start),
    ...requests.map((s) => s.start),
  ].filter(isTime);
  const authored = requests.map((s) => firstTime(s.r.authoredOn)).filter(isTime);
  const starts = recordedStarts.length > 0 ? recordedStarts : authored;
  const start = starts.length ? Math.min(...starts) : undefined;
  const lastDose = doseTimes.length ? Math.max(...doseTimes) : undefined;
  const stops = stopReasons(ctx, [...requests.map((s) => s.r), ...procedures.map((s) => s.p)]);
  const progression = stops.progression ?? progressionFinding(ctx, start);
  const course = (status: ChemotherapyStatus, why: string, end?: number): ChemotherapyCourse => ({
    status,
    start,
    end,
    intents,
    evidence,
    why,
    ...(progression ? { progression } : {}),
    ...(stops.early && status === 'completed' ? { stoppedEarly: stops.early } : {}),
  });

  const activeRequests = requests.filter((s) => statusIn(MR.active, s.r.status));
  const endedCourses = courses.filter((s) => statusIn(P.ended, s.p.status) || s.end !== undefined);
  const endedRequests = requests.filter((s) => statusIn(MR.ended, s.r.status));
  // A stopped order's planned window says when it would have ended, not when it did: its doses say that.
  const recordedEnd = maxOf([
    ...endedCourses.map((s) => s.end),
    ...endedRequests.filter((s) => !(statusIn(MR.stopped, s.r.status) && lastDose !== undefined)).map((s) => s.end),
  ]);

  if (procedures.some((s) => statusIn(P.inProgress, s.p.status))) return course('in-progress', 'a chemotherapy procedure is in progress');
  if (planned.length > 0) return course('in-progress', 'a further chemotherapy session is planned');
  if (
    activeRequests.some((s) => (s.end !== undefined && dayOf(s.end) > dayOf(now)) || (s.start !== undefined && dayOf(s.start) > dayOf(now)))
  ) {
    return course('in-progress', 'an active chemotherapy request runs into the future');
  }
  const courseEndedAfterLastDose = recordedEnd !== undefined && lastDose !== undefined && dayOf(recordedEnd) >= dayOf(lastDose);
  const daysSinceLastDose = lastDose === undefined ? undefined : dayOf(now) - dayOf(lastDose);
  if (
    daysSinceLastDose !== undefined &&
    daysSinceLastDose < settings.lastDoseCompletedAfterDays &&
    !courseEndedAfterLastDose &&
    !stops.early
  ) {
    return course('in-progress', `a dose was given within ${settings.lastDoseCompletedAfterDays} days and no completion is recorded`);
  }

  const completedBy = stops.early
    ? stops.early.reason
    : endedCourses.length > 0 && activeRequests.length === 0
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
  const value: ChemotherapyFact['value'] = course.status === 'completed' && course.stoppedEarly ? 'stopped-early' : course.status;
  return {
    value,
    start: isoDate(course.start),
    end: isoDate(course.end),
    date: isoDate(course.end ?? course.start),
    daysSinceEnd,
    timing,
    detail: course.why,
    evidence: [...course.evidence, ...(timing === 'adjuvant' ? surgeryBeforeStart : [])],
    ...(course.progression ? { progression: course.progression } : {}),
  };
}

/** Why stopped chemotherapy orders and procedures stopped: progression, or an early stop for another stated reason. */
function stopReasons(
  ctx: FactContext,
  records: (MedicationRequest | Procedure)[],
): { progression?: ChemotherapyCourse['progression']; early?: ChemotherapyCourse['stoppedEarly'] } {
  const { knowledge } = ctx;
  const reasons = knowledge.valueSet('treatment-stop-reasons');
  const progressionWords = knowledge.text('progression');
  const completedWords = knowledge.text('courseCompleted');
  const progression: string[] = [];
  const early: string[] = [];
  const why: string[] = [];
  for (const r of records) {
    const stopped =
      r.resourceType === 'MedicationRequest'
        ? statusIn(knowledge.statuses.medicationRequest.stopped, r.status)
        : statusIn(knowledge.statuses.procedure.stopped, r.status);
    if (!stopped) continue;
    const concept = r.statusReason;
    const meanings = reasons.matchAll(codingsOf(concept)).map((m) => m.meaning);
    const text = textOf(concept).trim();
    if (meanings.includes('progression') || progressionWords.test(text)) progression.push(ref(r));
    else if (meanings.some((m) => m !== 'completed') || (meanings.length === 0 && text !== '' && !completedWords.test(text))) {
      early.push(ref(r));
      why.push(stopReasonWords(concept));
    }
  }
  return {
    ...(progression.length ? { progression: { reason: 'chemotherapy stopped for progression', evidence: progression } } : {}),
    ...(early.length ? { early: { reason: [...new Set(why)].join('; '), evidence: early } } : {}),
  };
}

/** A stop reason as a clinician would write it: the coded reason (without its SNOMED tag), then the words, if they add anything. */
function stopReasonWords(concept: CodeableConcept | undefined): string {
  const coded = codingsOf(concept).map((c) => (c.display ?? c.code).replace(/\s*\((situation|finding|qualifier value|event)\)$/i, ''))[0];
  const text = typeof concept?.text === 'string' ? concept.text.trim() : '';
  if (coded && text && !text.toLowerCase().includes(coded.toLowerCase())) return `${coded} (${text})`;
  return coded || text || 'reason stated';
}

/** Conditions that record chemotherapy by code (ICD-10-CM Z51.11 encounters, Z92.21 history). */
function chemotherapyConditions({ record, knowledge }: FactContext, meaning: string): Condition[] {
  const codes = knowledge.valueSet('chemotherapy-procedures');
  return record.conditions.filter(
    (c) =>
      !statusIn(knowledge.statuses.condition.withdrawn, codingsOf(c.verificationStatus)[0]?.code) &&
      codes.match(codingsOf(c.code))?.meaning === meaning,
  );
}

/** A treatment-response or disease-status observation after chemotherapy started that says the cancer progressed. */
function progressionFinding({ record, knowledge }: FactContext, start: number | undefined): ChemotherapyCourse['progression'] {
  if (start === undefined) return undefined;
  const response = knowledge.valueSet('treatment-response');
  const found = record.observations.filter((o) => {
    if (
      statusIn(knowledge.statuses.observation.withdrawn, o.status) ||
      response.match(codingsOf(o.code))?.meaning !== 'response-observation'
    )
      return false;
    const time = firstTime(o.effectiveDateTime, o.effectivePeriod?.start, o.issued);
    const progressed =
      response.matchAll(codingsOf(o.valueCodeableConcept)).some((m) => m.meaning === 'progression') ||
      knowledge.text('progression').test([textOf(o.valueCodeableConcept), o.valueString ?? ''].join(' '));
    return progressed && time !== undefined && dayOf(time) >= dayOf(start);
  });
  if (found.length === 0) return undefined;
  return {
    reason: 'progression recorded during chemotherapy',
    evidence: found.map(ref),
    time: firstTime(found[0].effectiveDateTime, found[0].issued),
  };
}

/** The drug codes of an administration, dispense or request: inline, or of the Medication it references (contained, or in the record). */
function medicationCodings(resource: MedicationAdministration | MedicationRequest | MedicationDispense, record: PatientRecord) {
  const inline = codingsOf(resource.medicationCodeableConcept);
  const reference = resource.medicationReference?.reference;
  if (typeof reference !== 'string') return inline;
  let medication: Medication | undefined;
  if (reference.startsWith('#')) {
    medication = asArray<FhirResourceLike>(resource.contained).find(
      (c): c is Medication => c?.resourceType === 'Medication' && `#${c.id}` === reference,
    );
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
  if (period.start !== undefined || period.end !== undefined)
    return { start: period.start ?? period.end, end: period.end, courseLevel: true };
  return { start: at, end: at, courseLevel: at === undefined };
}

function doseTime(a: MedicationAdministration): number | undefined {
  const period = periodOf(a.effectivePeriod);
  return firstTime(a.effectiveDateTime) ?? period.end ?? period.start;
}

/** An oral drug handed over lasts its days' supply: the last dose is taken at the end of it. */
function dispenseSpan(d: MedicationDispense): Span {
  const start = firstTime(d.whenHandedOver, d.whenPrepared);
  const supply = d.daysSupply?.value;
  const end =
    start !== undefined && typeof supply === 'number' && supply > 0 && supply < 366 ? start + (Math.round(supply) - 1) * DAY_MS : start;
  return { start, end };
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
