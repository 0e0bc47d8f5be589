import type { Condition } from 'fhir/r4';
import type { RecordStatuses } from '../knowledge/types';
import { codingsOf, statusIn } from './fhir-values';

/** The code of Condition.clinicalStatus / verificationStatus, or undefined. */
export function statusCode(concept: Condition['clinicalStatus']): string | undefined {
  return codingsOf(concept)[0]?.code;
}

/** A Condition that was not withdrawn (refuted, entered in error). */
export function isAsserted(condition: Condition, statuses: RecordStatuses): boolean {
  return !statusIn(statuses.condition.withdrawn, statusCode(condition.verificationStatus));
}

/** A Condition still true of the patient (not resolved or inactive). */
export function isCurrent(condition: Condition, statuses: RecordStatuses): boolean {
  return !statusIn(statuses.condition.notCurrent, statusCode(condition.clinicalStatus));
}
