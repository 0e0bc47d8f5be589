import type { Condition } from 'fhir/r4';
import { codingsOf } from './fhir-values';

/** The code of Condition.clinicalStatus / verificationStatus, or undefined. */
export function statusCode(concept: Condition['clinicalStatus']): string | undefined {
  return codingsOf(concept)[0]?.code;
}

/** A Condition that was not withdrawn: anything but refuted or entered-in-error. */
export function isAsserted(condition: Condition): boolean {
  const verification = statusCode(condition.verificationStatus);
  return verification !== 'refuted' && verification !== 'entered-in-error';
}

/** A Condition still true of the patient (not resolved or inactive). */
export function isCurrent(condition: Condition): boolean {
  const clinical = statusCode(condition.clinicalStatus);
  return clinical !== 'resolved' && clinical !== 'inactive';
}
