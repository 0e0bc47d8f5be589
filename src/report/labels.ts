import { humanise } from './format';

const OUTCOMES: Record<string, string> = {
  applies: 'Variant applies: orders rated',
  'does-not-apply': 'Does not apply (an exclusion)',
  'insufficient-data': 'Not enough in the record to decide',
  unreadable: 'Record could not be read',
  'no-rated-order': 'No rated imaging order selected',
};

const RECORD_SOURCES: Record<string, string> = {
  prefetch: 'Prefetch only (sent by the EHR)',
  fhir: 'FHIR server only',
  both: 'Prefetch, completed from the FHIR server',
  none: 'Not read (no rated order)',
};

const STATUSES: Record<string, string> = {
  '200': 'Answered',
  '412': 'Refused: the record could not be read, no rating given',
};

const INDICATORS: Record<string, string> = {
  info: 'Information',
  warning: 'Warning',
  critical: 'Critical',
};

/**
 * What an audited call's outcome means, in words; an outcome this report does not know reads as its key.
 *
 * @example outcomeLabel('no-rated-order') // 'No rated imaging order selected'
 */
export function outcomeLabel(outcome: string): string {
  return OUTCOMES[outcome] ?? humanise(outcome);
}

/**
 * Where a call's record came from, in words.
 *
 * @example recordSourceLabel('both') // 'Prefetch, completed from the FHIR server'
 */
export function recordSourceLabel(source: string): string {
  return RECORD_SOURCES[source] ?? humanise(source);
}

/**
 * An HTTP status with what it meant for the clinician.
 *
 * @example statusLabel('412') // '412: Refused: the record could not be read, no rating given'
 */
export function statusLabel(status: string): string {
  const meaning = STATUSES[status];
  return meaning ? `${status}: ${meaning}` : status;
}

/**
 * A card's indicator (how the EHR colours it), in words.
 *
 * @example indicatorLabel('warning') // 'Warning'
 */
export function indicatorLabel(indicator: string): string {
  return INDICATORS[indicator] ?? humanise(indicator);
}

/**
 * A rating category in the ACR's words, with the panel's disagreement when there was one.
 *
 * @example ratingLabel('may-be-appropriate', true) // 'May be appropriate (panel disagreement)'
 */
export function ratingLabel(category: string, disagreement = false): string {
  return humanise(category) + (disagreement ? ' (panel disagreement)' : '');
}

/**
 * A procedure key in the knowledge's words (the report's own names for its keys).
 *
 * @example procedureName(data, 'us-axilla') // 'US axilla'
 */
export function procedureName(data: { knows: { names: { procedures: Record<string, string> } } }, key: string): string {
  return data.knows.names.procedures[key] ?? humanise(key);
}

/**
 * A missing fact's key in the card wording's words.
 *
 * @example missingName(data, 'initial-nodal-status') // 'pre-treatment nodal status'
 */
export function missingName(data: { knows: { names: { missingFacts: Record<string, string> } } }, key: string): string {
  return data.knows.names.missingFacts[key] ?? humanise(key);
}
