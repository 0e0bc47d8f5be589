import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../src/paths';

/**
 * Issue 12: every knowledge source cites a public reference (a URL, a code system, a publication),
 * never the team's private notes outside the repository.
 */
const PRIVATE_NOTES = ['terminology.md', 'real-world-coding.md', 'cds-hooks.md', 'anchors.md', 'DESIGN.md', 'shared/', 'seed:'];

interface Offence {
  file: string;
  path: string;
  mentions: string;
  text: string;
}

function jsonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return jsonFiles(full);
      return entry.isFile() && entry.name.endsWith('.json') ? [full] : [];
    })
    .sort();
}

/** Every string of a JSON value (object keys included) that mentions a private note, with its JSON path. */
export function privateCitations(value: unknown, file: string, at = '$'): Offence[] {
  const check = (text: string, where: string): Offence[] =>
    PRIVATE_NOTES.filter((note) => text.includes(note)).map((mentions) => ({ file, path: where, mentions, text }));
  if (typeof value === 'string') return check(value, at);
  if (Array.isArray(value)) return value.flatMap((item, i) => privateCitations(item, file, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      const where = /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`;
      return [...check(key, `${where} (key)`), ...privateCitations(item, file, where)];
    });
  }
  return [];
}

function describeOffence(o: Offence): string {
  const text = o.text.length > 160 ? `${o.text.slice(0, 157)}...` : o.text;
  return `${o.file} ${o.path} mentions "${o.mentions}": ${text}`;
}

describe('knowledge sources cite public references (issue 12)', () => {
  const files = ['hooks', 'cards'].flatMap((dir) => jsonFiles(path.join(REPO_ROOT, dir)));

  it('finds the knowledge files', () => {
    expect(files.some((f) => f.includes(`${path.sep}hooks${path.sep}`))).toBe(true);
    expect(files.some((f) => f.includes(`${path.sep}cards${path.sep}`))).toBe(true);
  });

  it('reports the file and JSON path of a string that cites a private note', () => {
    const sample = { codes: [{ code: 'A', source: 'terminology.md §2.1' }], note: { 'shared/x': 'fine', ok: "seed: 'quote'" } };
    expect(privateCitations(sample, 'hooks/x.json').map(describeOffence)).toEqual([
      'hooks/x.json $.codes[0].source mentions "terminology.md": terminology.md §2.1',
      'hooks/x.json $.note["shared/x"] (key) mentions "shared/": shared/x',
      `hooks/x.json $.note.ok mentions "seed:": seed: 'quote'`,
    ]);
  });

  it('no string in hooks/**/*.json or cards/**/*.json mentions the private notes', () => {
    const offences = files.flatMap((full) => {
      const file = path.relative(REPO_ROOT, full).split(path.sep).join('/');
      return privateCitations(JSON.parse(fs.readFileSync(full, 'utf8')), file);
    });
    expect(offences.map(describeOffence)).toEqual([]);
  });
});
