import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KnowledgeError } from '../../src/knowledge/errors';
import { loadKnowledge, REQUIRED_VALUE_SETS } from '../../src/knowledge/load';
import { REPO_ROOT } from '../../src/paths';

/** A scratch copy of hooks/ and cards/ with one file changed by `edit`. */
function brokenCopy(file: string, edit: (data: any) => any): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-knowledge-'));
  for (const dir of ['hooks', 'cards']) fs.cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
  const full = path.join(root, file);
  const edited = edit(JSON.parse(fs.readFileSync(full, 'utf8')));
  fs.writeFileSync(full, typeof edited === 'string' ? edited : JSON.stringify(edited));
  return root;
}

function loadError(root: string): KnowledgeError {
  try {
    loadKnowledge({ root });
  } catch (error) {
    if (error instanceof KnowledgeError) return error;
    throw error;
  }
  throw new Error('the broken knowledge loaded without error');
}

describe('loadKnowledge: the repository knowledge', () => {
  const knowledge = loadKnowledge();

  it('loads every required value set, the variant, its service and its cards', () => {
    for (const id of REQUIRED_VALUE_SETS) expect(knowledge.valueSet(id).file.codes.length).toBeGreaterThan(0);
    expect(knowledge.variant('acr-286-v8').ratings).toHaveLength(5);
    expect(knowledge.service('axilla-imaging-order-select')?.hook).toBe('order-select');
    expect(knowledge.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(knowledge.digest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('rates variant 8 as the seed says, each rating with its source and review status', () => {
    const rating = (p: string) => knowledge.rating('acr-286-v8', p);
    expect(rating('mri-breast-wo-w')).toMatchObject({ category: 'may-be-appropriate', disagreement: false });
    expect(rating('us-axilla')).toMatchObject({ category: 'may-be-appropriate', disagreement: true });
    expect(rating('mammography-diagnostic')).toMatchObject({ category: 'usually-not-appropriate' });
    expect(rating('dbt-diagnostic')).toMatchObject({ category: 'usually-not-appropriate' });
    expect(rating('fdg-pet-ct')).toMatchObject({ category: 'usually-not-appropriate', radiation: { adultDose: '10-30 mSv' } });
    for (const r of knowledge.variant('acr-286-v8').ratings) {
      expect(r.source).toMatch(/ACR Appropriateness Criteria Imaging of the Axilla, variant 8/);
      expect(r.reviewStatus.status).toBe('not-checked-against-acr-table');
    }
  });

  it('gives every value-set code a display, a source and a verification mark', () => {
    for (const id of knowledge.valueSetIds()) {
      for (const entry of knowledge.valueSet(id).file.codes) {
        expect(entry.display.length).toBeGreaterThan(0);
        expect(entry.source.length).toBeGreaterThan(0);
        expect(['verified', 'secondary', 'unverified']).toContain(entry.verification);
      }
    }
  });
});

describe('loadKnowledge refuses a broken file, naming file and field', () => {
  it.each([
    ['invalid JSON', 'hooks/variants/acr-286-v8.json', () => '{ "id": ', 'hooks/variants/acr-286-v8.json', '', /not valid JSON/],
    [
      'a rating without a category',
      'hooks/variants/acr-286-v8.json',
      (d: any) => (delete d.ratings[0].category, d),
      'hooks/variants/acr-286-v8.json',
      'ratings[0].category',
      /required/,
    ],
    [
      'an unknown rating category',
      'hooks/variants/acr-286-v8.json',
      (d: any) => ((d.ratings[1].category = 'sometimes'), d),
      'hooks/variants/acr-286-v8.json',
      'ratings[1].category',
      /must be one of/,
    ],
    [
      'a rating for an unknown procedure',
      'hooks/variants/acr-286-v8.json',
      (d: any) => ((d.ratings[0].procedure = 'ct-head'), d),
      'hooks/variants/acr-286-v8.json',
      'ratings[0].procedure',
      /not a key/,
    ],
    [
      'a checked rating without reviewer',
      'hooks/variants/acr-286-v8.json',
      (d: any) => ((d.ratings[0].reviewStatus.status = 'checked-against-acr-table'), d),
      'hooks/variants/acr-286-v8.json',
      'ratings[0].reviewStatus.checkedBy',
      /required/,
    ],
    [
      'a LOINC code failing its check digit',
      'hooks/valuesets/imaging-procedures.json',
      (d: any) => ((d.codes.find((c: any) => c.code === '36277-2').code = '36277-3'), d),
      'hooks/valuesets/imaging-procedures.json',
      'codes[',
      /check digit/,
    ],
    [
      'a meaning the file does not declare',
      'hooks/valuesets/tumour-size.json',
      (d: any) => ((d.codes[0].meaning = 'volume'), d),
      'hooks/valuesets/tumour-size.json',
      'codes[0].meaning',
      /not one of/,
    ],
    [
      'a code without a source',
      'hooks/valuesets/biopsy.json',
      (d: any) => (delete d.codes[2].source, d),
      'hooks/valuesets/biopsy.json',
      'codes[2].source',
      /required/,
    ],
    [
      'a text pattern that no longer matches its own example',
      'hooks/text-patterns.json',
      (d: any) => ((d.patterns.stageIV.match = ['^never$']), d),
      'hooks/text-patterns.json',
      'patterns.stageIV.examples.match',
      /is not matched/,
    ],
    [
      'a text pattern that is not a regular expression',
      'hooks/text-patterns.json',
      (d: any) => ((d.patterns.axillaSite.match = ['(unclosed']), d),
      'hooks/text-patterns.json',
      'patterns.axillaSite.match[0]',
      /not a valid regular expression/,
    ],
    [
      'a procedure rule naming an unknown text pattern',
      'hooks/procedures.json',
      (d: any) => ((d.procedures.find((p: any) => p.notWhenOrderNames).notWhenOrderNames.words = 'noSuchPattern'), d),
      'hooks/procedures.json',
      'procedures[4].notWhenOrderNames.words',
      /not a pattern/,
    ],
    [
      'a duplicate code',
      'hooks/valuesets/tumour-size.json',
      (d: any) => (d.codes.push({ ...d.codes[0] }), d),
      'hooks/valuesets/tumour-size.json',
      'codes[4].code',
      /twice/,
    ],
    [
      'a prefetch token that is not CDS Hooks 2.0',
      'hooks/services/axilla-imaging-order-select.json',
      (d: any) => ((d.prefetch.patient.query = 'Patient/{{context.draftOrders.id}}'), d),
      'hooks/services/axilla-imaging-order-select.json',
      'prefetch.patient.query',
      /not a CDS Hooks 2.0 prefetch token/,
    ],
    [
      'a service for an unknown variant',
      'hooks/services/axilla-imaging-order-select.json',
      (d: any) => ((d.variant = 'acr-286-v99'), d),
      'hooks/services/axilla-imaging-order-select.json',
      'variant',
      /not defined/,
    ],
    [
      'an unknown card placeholder',
      'cards/kinds/may-be-appropriate.json',
      (d: any) => ((d.summary = '{{procedur}} may be appropriate'), d),
      'cards/kinds/may-be-appropriate.json',
      'summary',
      /placeholder/,
    ],
    [
      'a card summary over 139 characters',
      'cards/kinds/may-be-appropriate.json',
      (d: any) => ((d.summary = 'x'.repeat(140)), d),
      'cards/kinds/may-be-appropriate.json',
      'summary',
      /140|139|more than/,
    ],
    [
      'a record-status group missing',
      'hooks/record-statuses.json',
      (d: any) => (delete d.procedure, d),
      'hooks/record-statuses.json',
      'procedure',
      /required/,
    ],
    [
      'a suggestion of an unknown procedure',
      'cards/kinds/usually-not-appropriate-replace.json',
      (d: any) => ((d.suggestions[0].procedure = 'ct-chest'), d),
      'cards/kinds/usually-not-appropriate-replace.json',
      'suggestions[0].procedure',
      /not a key/,
    ],
  ])('%s', (_name, file, edit, expectedFile, expectedField, message) => {
    const error = loadError(brokenCopy(file, edit as (d: any) => any));
    expect(error.file).toBe(expectedFile);
    expect(error.field.startsWith(expectedField)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('a required value set that is missing', () => {
    const root = brokenCopy('hooks/valuesets/biopsy.json', (d) => d);
    fs.rmSync(path.join(root, 'hooks/valuesets/biopsy.json'));
    const error = loadError(root);
    expect(error.file).toBe('hooks/valuesets/biopsy.json');
    expect(error.message).toMatch(/missing/);
  });

  it('a site order-code file that maps to an unknown procedure', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'axilla-site-')), 'codes.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ site: 'x', version: '1.0.0', codes: [{ system: 'urn:oid:1.2.3', code: 'A', display: 'A', procedure: 'ct-head' }] }),
    );
    expect(() => loadKnowledge({ siteOrderCodesFile: file })).toThrow(/codes\[0\]\.procedure.*ct-head/);
  });
});
