/** mCODE structure definitions the engine reads (FHIR structure, not clinical knowledge: https://hl7.org/fhir/us/mcode/). */

/** PrimaryCancerCondition: the tumour's morphology (ICD-O-3 or SNOMED) rides on this extension. */
export const HISTOLOGY_EXTENSION = 'http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior';

/** SecondaryCancerCondition: a metastasis, whatever code it carries; its body site says where. */
export const SECONDARY_CANCER_PROFILE = 'http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-secondary-cancer-condition';

/** Whether a resource claims an mCODE profile. */
export function hasProfile(resource: { meta?: { profile?: unknown } }, profile: string): boolean {
  return Array.isArray(resource.meta?.profile) && resource.meta.profile.includes(profile);
}
