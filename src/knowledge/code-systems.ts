import type { CodeSystemsFile } from './types';

const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';

/**
 * Canonical code-system URIs: EHRs send OIDs (urn:oid:2.16.840.1.113883.6.96) or variant
 * spellings (http://radlex.org) for the same system; every lookup goes through `canonical()`.
 */
export class CodeSystems {
  private readonly byAlias = new Map<string, string>();

  constructor(file: CodeSystemsFile) {
    for (const system of file.systems) {
      this.byAlias.set(system.uri, system.uri);
      for (const alias of system.aliases ?? []) this.byAlias.set(alias, system.uri);
    }
  }

  canonical(system: string): string {
    return this.byAlias.get(system) ?? this.byAlias.get(system.replace(/\/+$/, '')) ?? system;
  }

  /** Whether a system (or an alias of it) is one the knowledge uses: a standard one, not a site's local codes. */
  isKnown(system: string): boolean {
    return this.byAlias.has(system) || this.byAlias.has(system.replace(/\/+$/, ''));
  }

  /** The key of a coding in every index: canonical system, then the code as that system writes it. */
  key(system: string, code: string): string {
    const canonical = this.canonical(system);
    return `${canonical}|${normaliseCode(canonical, code)}`;
  }
}

function normaliseCode(system: string, code: string): string {
  const trimmed = code.trim();
  if (system !== ICD10CM) return trimmed;
  // ICD-10-CM arrives as "C50.411", "c50.411" or "C50411": one form for all.
  const upper = trimmed.toUpperCase();
  return upper.length > 3 && upper[3] !== '.' ? `${upper.slice(0, 3)}.${upper.slice(3)}` : upper;
}
