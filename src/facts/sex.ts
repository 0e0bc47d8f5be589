import type { Extension } from 'fhir/r4';
import { asArray } from './fhir-values';
import type { Fact, FactContext, Sex } from './types';

const BIRTH_SEX_URL = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex';

/** Sex from Patient.gender, falling back to US Core birth sex when gender says nothing. */
export function sexFact({ record, knowledge }: FactContext): Fact<Sex> {
  const patient = record.patient;
  if (!patient) return { value: 'unknown', evidence: [] };
  const evidence = [`Patient/${patient.id}`];
  if (patient.gender === 'female' || patient.gender === 'male') return { value: patient.gender, evidence };
  const birthSex = asArray<Extension>(patient.extension).find((e) => e?.url === BIRTH_SEX_URL)?.valueCode;
  const fromBirthSex = typeof birthSex === 'string' ? knowledge.statuses.birthSex[birthSex] : undefined;
  if (fromBirthSex) return { value: fromBirthSex, detail: `birth sex ${birthSex}`, evidence };
  return { value: patient.gender === 'other' ? 'other' : 'unknown', evidence };
}
