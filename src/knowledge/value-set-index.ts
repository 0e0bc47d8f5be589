import type { CodeSystems } from './code-systems';
import type { ValueSetEntry, ValueSetFile, ValueSetPrefix } from './types';

export interface CodingLike {
  system?: string;
  code?: string;
}

export interface ValueSetMatch {
  entry: ValueSetEntry | ValueSetPrefix;
  meaning: string;
  /** The coding of the resource that matched, as the resource wrote it. */
  coding: { system: string; code: string };
}

/**
 * One value set, indexed once at start: exact codes by canonical `system|code`, then ICD-10-CM
 * style families by prefix (the longest prefix wins; an exact code always beats a prefix).
 *
 * @example
 * const match = knowledge.valueSet('breast-cancer-diagnoses').match(condition.code?.coding);
 * if (match?.meaning === 'distant-metastasis') ...
 */
export class ValueSetIndex {
  readonly id: string;
  readonly version: string;
  private readonly exact = new Map<string, ValueSetEntry>();
  private readonly prefixes: (ValueSetPrefix & { canonicalSystem: string })[];

  constructor(
    readonly file: ValueSetFile,
    private readonly systems: CodeSystems,
  ) {
    this.id = file.id;
    this.version = file.version;
    for (const entry of file.codes) this.exact.set(systems.key(entry.system, entry.code), entry);
    this.prefixes = (file.prefixes ?? [])
      .map((p) => ({ ...p, canonicalSystem: systems.canonical(p.system) }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The first coding (in order) that the value set knows. */
  match(codings: readonly CodingLike[] | undefined): ValueSetMatch | undefined {
    for (const coding of codings ?? []) {
      const found = this.lookup(coding);
      if (found) return found;
    }
    return undefined;
  }

  /** Every coding the value set knows, in order (a resource may carry several). */
  matchAll(codings: readonly CodingLike[] | undefined): ValueSetMatch[] {
    const out: ValueSetMatch[] = [];
    for (const coding of codings ?? []) {
      const found = this.lookup(coding);
      if (found) out.push(found);
    }
    return out;
  }

  lookup(coding: CodingLike): ValueSetMatch | undefined {
    if (typeof coding?.system !== 'string' || typeof coding.code !== 'string' || coding.code === '') return undefined;
    const key = this.systems.key(coding.system, coding.code);
    const entry = this.exact.get(key);
    const asWritten = { system: coding.system, code: coding.code };
    if (entry) return { entry, meaning: entry.meaning, coding: asWritten };
    const bar = key.indexOf('|');
    const system = key.slice(0, bar);
    const code = key.slice(bar + 1);
    const prefix = this.prefixes.find((p) => p.canonicalSystem === system && code.startsWith(p.prefix));
    return prefix ? { entry: prefix, meaning: prefix.meaning, coding: asWritten } : undefined;
  }

  entriesWithMeaning(meanings: readonly string[]): ValueSetEntry[] {
    return this.file.codes.filter((e) => meanings.includes(e.meaning));
  }
}
