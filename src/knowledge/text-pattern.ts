import { KnowledgeError } from './errors';
import type { TextPatternDefinition } from './types';

/**
 * Words the engine recognises where a record has no code, compiled once at start from
 * hooks/text-patterns.json. Matching is case-insensitive; a match inside an `unless` phrase does not count.
 *
 * @example
 * knowledge.text('nonFdgTracer').test('PET/CT FES (fluoroestradiol F-18)') // true
 */
export class TextPattern {
  private readonly match: RegExp[];
  private readonly unless: RegExp[];

  constructor(
    readonly name: string,
    readonly definition: TextPatternDefinition,
  ) {
    const compile = (source: string, field: string) => {
      try {
        return new RegExp(source, 'gi');
      } catch (error) {
        throw new KnowledgeError(
          'hooks/text-patterns.json',
          `patterns.${name}.${field}`,
          `is not a valid regular expression: ${(error as Error).message}`,
        );
      }
    };
    this.match = definition.match.map((m, i) => compile(m, `match[${i}]`));
    this.unless = (definition.unless ?? []).map((m, i) => compile(m, `unless[${i}]`));
    for (const example of definition.examples.match) {
      if (!this.test(example))
        throw new KnowledgeError('hooks/text-patterns.json', `patterns.${name}.examples.match`, `"${example}" is not matched`);
    }
    for (const example of definition.examples.noMatch) {
      if (this.test(example))
        throw new KnowledgeError('hooks/text-patterns.json', `patterns.${name}.examples.noMatch`, `"${example}" is matched`);
    }
  }

  /** Whether the text says it (outside any `unless` phrase). */
  test(text: string): boolean {
    if (!text) return false;
    const rest = this.unless.reduce((t, re) => t.replace(re, ' '), text);
    return this.match.some((re) => {
      re.lastIndex = 0;
      return re.test(rest);
    });
  }

  /** The text with every phrase this pattern matches blanked out (to test another pattern on what is left). */
  strip(text: string): string {
    return this.match.reduce((t, re) => t.replace(re, ' '), text);
  }
}
