import { isoDate } from './fhir-values';
import type { Fact } from './types';

/** One resource that supports a fact: its `Type/id`, when the record dates it, and how a clinician would name it. */
export interface Finding {
  ref: string;
  time?: number;
  label: string;
}

/**
 * A fact resting on several findings: dated by the earliest, its detail the distinct labels, its evidence each resource once.
 *
 * @example
 * factFromFindings('node-positive', positives, ', ') // { value, date: '2026-03-02', detail: 'cN1, ...', evidence: [...] }
 */
export function factFromFindings<T extends string>(value: T, findings: Finding[], separator: string): Fact<T> {
  const times = findings.map((f) => f.time).filter((t): t is number => t !== undefined);
  return {
    value,
    date: isoDate(times.length ? Math.min(...times) : undefined),
    detail: [...new Set(findings.map((f) => f.label))].join(separator),
    evidence: [...new Set(findings.map((f) => f.ref))],
  };
}
