import type { Knowledge } from './knowledge';
import type { PrefetchDefinition } from './types';

/**
 * The discovery document's prefetch templates, built once from the service definition: a key
 * with `narrowByCodes` gets `code=<system|code,...>` from the value sets, so the query and the
 * codes the engine reads can never drift apart.
 *
 * @example prefetchTemplate(def, knowledge) // "Observation?patient={{context.patientId}}&code=http://loinc.org|21905-5,..."
 */
export function prefetchTemplate(def: PrefetchDefinition, knowledge: Knowledge): string {
  const cached = built.get(def);
  if (cached !== undefined) return cached;
  const template = build(def, knowledge);
  built.set(def, template);
  return template;
}

/** Templates are built once per definition: the FHIR fallback reads them on every call. */
const built = new WeakMap<PrefetchDefinition, string>();

function build(def: PrefetchDefinition, knowledge: Knowledge): string {
  if (!def.narrowByCodes?.length) return def.query;
  const codes = new Set<string>();
  for (const narrow of def.narrowByCodes) {
    for (const entry of knowledge.valueSet(narrow.valueSet).entriesWithMeaning(narrow.meanings)) {
      codes.add(`${knowledge.codeSystems.canonical(entry.system)}|${entry.code}`);
    }
  }
  return `${def.query}${def.query.includes('?') ? '&' : '?'}code=${[...codes].join(',')}`;
}
