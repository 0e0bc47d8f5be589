/** Fills `{{name}}` placeholders of card wording. The loader has already checked every name is known. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, name: string) => values[name] ?? '');
}

/** CDS Hooks: summary is one sentence under 140 characters. The loader bounds templates; this bounds filled text. */
export function boundSummary(text: string): string {
  return text.length < 140 ? text : `${text.slice(0, 138)}…`;
}
