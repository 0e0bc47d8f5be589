import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { describeSchemaError, validator } from '../schemas';
import { CodeSystems } from './code-systems';
import { KnowledgeError } from './errors';
import { Knowledge } from './knowledge';
import { isValidLoinc } from './loinc';
import type {
  CardTemplate,
  CardWording,
  CodeSystemsFile,
  Manifest,
  ProcedureDefinition,
  RecordStatuses,
  ServiceDefinition,
  SiteOrderCodesFile,
  PamaRules,
  TextPatternsFile,
  ValueSetFile,
  VariantDefinition,
} from './types';
import { TextPattern } from './text-pattern';
import { ValueSetIndex } from './value-set-index';

/** Value sets the engine reads by id: each must exist, with the meanings the engine asks for. */
export const REQUIRED_VALUE_SETS = [
  'breast-cancer-diagnoses',
  'staging-observation-codes',
  'staging-values',
  'tumour-size',
  'chemotherapy-procedures',
  'antineoplastic-drugs',
  'breast-axillary-surgery',
  'biopsy',
  'localization-markers',
  'body-sites',
  'imaging-procedures',
  'procedure-outcomes',
  'histology',
  'pet-tracers',
  'treatment-stop-reasons',
  'treatment-response',
  'laterality',
];

/** Text patterns the engine reads by name (hooks/text-patterns.json). */
export const REQUIRED_TEXT_PATTERNS = [
  'axillaSite',
  'biopsyResultNegative',
  'biopsyResultPositive',
  'personalHistory',
  'recurrence',
  'nonCarcinomaHistology',
  'progression',
  'nonFdgTracer',
  'stageIV',
  'leftSide',
  'rightSide',
  'breastSite',
  'courseCompleted',
  'distantMetastasisReport',
  'metastaticDisease',
];

/** The meaning an imaging code has when it is known but deliberately not rated. */
export const NOT_RATED = 'not-rated';

/** Text placeholders the card renderer fills; any other {{name}} in a card file is a typo. */
export const CARD_PLACEHOLDERS = [
  'procedure',
  'procedureName',
  'rating',
  'radiation',
  'dose',
  'variantTitle',
  'facts',
  'missing',
  'missingShort',
  'clipDate',
  'unreadable',
];

const PREFETCH_TOKENS = [
  'context.patientId',
  'context.userId',
  'context.encounterId',
  'userPractitionerId',
  'userPractitionerRoleId',
  'userPatientId',
  'userRelatedPersonId',
];
const LOINC = 'http://loinc.org';

export interface LoadOptions {
  /** Folder holding hooks/ and cards/ (default: the repository). */
  root?: string;
  /** A site's own order codes (config/site-order-codes.example.json shows the shape). */
  siteOrderCodesFile?: string;
}

/**
 * Reads, validates and indexes every knowledge file once, at start.
 *
 * @example
 * const knowledge = loadKnowledge({ siteOrderCodesFile: config.siteOrderCodesFile });
 * knowledge.service('axilla-imaging-order-select');
 *
 * @throws KnowledgeError naming the file and field of the first problem found.
 */
export function loadKnowledge(options: LoadOptions = {}): Knowledge {
  const root = options.root ?? REPO_ROOT;
  const reader = new FileReader(root);

  const manifest = reader.read<Manifest>('hooks/knowledge.json', 'knowledge/manifest.schema.json');
  const statuses = reader.read<RecordStatuses>('hooks/record-statuses.json', 'knowledge/record-statuses.schema.json');
  const codeSystems = new CodeSystems(reader.read<CodeSystemsFile>('hooks/code-systems.json', 'knowledge/code-systems.schema.json'));
  const pama = reader.read<PamaRules>('hooks/pama.json', 'knowledge/pama.schema.json');
  const textFile = reader.read<TextPatternsFile>('hooks/text-patterns.json', 'knowledge/text-patterns.schema.json');
  const textPatterns = new Map(Object.entries(textFile.patterns).map(([name, def]) => [name, new TextPattern(name, def)]));
  for (const name of REQUIRED_TEXT_PATTERNS) {
    if (!textPatterns.has(name))
      throw new KnowledgeError('hooks/text-patterns.json', `patterns.${name}`, 'is missing: the engine needs this pattern');
  }
  const procedures = reader.read<{ procedures: ProcedureDefinition[] }>(
    'hooks/procedures.json',
    'knowledge/procedures.schema.json',
  ).procedures;
  const procedureKeys = new Set(procedures.map((p) => p.key));
  uniqueBy(procedures, (p) => p.key, 'hooks/procedures.json', 'procedures', 'key');

  const valueSets = new Map<string, ValueSetIndex>();
  for (const file of reader.list('hooks/valuesets')) {
    const vs = reader.read<ValueSetFile>(file, 'knowledge/value-set.schema.json');
    if (`${vs.id}.json` !== path.basename(file))
      throw new KnowledgeError(file, 'id', `is "${vs.id}" but the file is named ${path.basename(file)}`);
    checkValueSet(file, vs, codeSystems);
    valueSets.set(vs.id, new ValueSetIndex(vs, codeSystems));
  }
  for (const id of REQUIRED_VALUE_SETS) {
    if (!valueSets.has(id)) throw new KnowledgeError(`hooks/valuesets/${id}.json`, '', 'is missing: the engine needs this value set');
  }
  checkCrossReferences(valueSets, procedureKeys);
  procedures.forEach((p, i) => {
    if (p.words && !textPatterns.has(p.words))
      throw new KnowledgeError(
        'hooks/procedures.json',
        `procedures[${i}].words`,
        `"${p.words}" is not a pattern of hooks/text-patterns.json`,
      );
    const rule = p.notWhenOrderNames;
    if (!rule) return;
    const vs = valueSets.get(rule.valueSet);
    if (!vs)
      throw new KnowledgeError(
        'hooks/procedures.json',
        `procedures[${i}].notWhenOrderNames.valueSet`,
        `"${rule.valueSet}" is not a value set`,
      );
    for (const m of rule.meanings)
      if (!(m in vs.file.meanings))
        throw new KnowledgeError(
          'hooks/procedures.json',
          `procedures[${i}].notWhenOrderNames.meanings`,
          `"${m}" is not a meaning of ${rule.valueSet}`,
        );
    if (!textPatterns.has(rule.words))
      throw new KnowledgeError(
        'hooks/procedures.json',
        `procedures[${i}].notWhenOrderNames.words`,
        `"${rule.words}" is not a pattern of hooks/text-patterns.json`,
      );
  });

  const variants = new Map<string, VariantDefinition>();
  for (const file of reader.list('hooks/variants')) {
    const variant = reader.read<VariantDefinition>(file, 'knowledge/variant.schema.json');
    uniqueBy(variant.ratings, (r) => r.procedure, file, 'ratings', 'procedure');
    variant.ratings.forEach((r, i) => {
      if (!procedureKeys.has(r.procedure))
        throw new KnowledgeError(file, `ratings[${i}].procedure`, `"${r.procedure}" is not a key of hooks/procedures.json`);
    });
    variants.set(variant.id, variant);
  }

  const services: ServiceDefinition[] = [];
  for (const file of reader.list('hooks/services')) {
    const service = reader.read<ServiceDefinition>(file, 'knowledge/service.schema.json');
    if (!variants.has(service.variant)) throw new KnowledgeError(file, 'variant', `"${service.variant}" is not defined in hooks/variants/`);
    checkPrefetch(file, service, valueSets);
    services.push(service);
  }
  uniqueBy(services, (s) => `${s.id}`, 'hooks/services', 'services', 'id');
  if (services.length === 0) throw new KnowledgeError('hooks/services', '', 'defines no service');

  const wording = reader.read<CardWording>('cards/wording.json', 'knowledge/wording.schema.json');
  const cards = new Map<string, CardTemplate>();
  for (const file of reader.list('cards/kinds')) {
    const card = reader.read<CardTemplate>(file, 'knowledge/card.schema.json');
    if (`${card.kind}.json` !== path.basename(file))
      throw new KnowledgeError(file, 'kind', `is "${card.kind}" but the file is named ${path.basename(file)}`);
    checkCard(file, card, procedureKeys);
    cards.set(card.kind, card);
  }
  for (const [id, variant] of variants) {
    variant.ratings.forEach((r, i) => {
      if (!cards.has(r.card))
        throw new KnowledgeError(`hooks/variants/${id}.json`, `ratings[${i}].card`, `"${r.card}" is not a card kind in cards/kinds/`);
    });
  }
  if (!cards.has('insufficient-data'))
    throw new KnowledgeError('cards/kinds/insufficient-data.json', '', 'is missing: insufficient-data cards need it');
  if (!cards.has('unreadable-record'))
    throw new KnowledgeError('cards/kinds/unreadable-record.json', '', 'is missing: clients that show a 412 as "all clear" need it');
  pama.onlyWhenForTheAxilla.procedures.forEach((p, i) => {
    if (!procedureKeys.has(p))
      throw new KnowledgeError('hooks/pama.json', `onlyWhenForTheAxilla.procedures[${i}]`, `"${p}" is not a key of hooks/procedures.json`);
  });

  let siteOrderCodes: SiteOrderCodesFile | undefined;
  if (options.siteOrderCodesFile) {
    siteOrderCodes = reader.read<SiteOrderCodesFile>(options.siteOrderCodesFile, 'knowledge/site-order-codes.schema.json');
    siteOrderCodes.codes.forEach((c, i) => {
      if (c.procedure !== NOT_RATED && !procedureKeys.has(c.procedure)) {
        throw new KnowledgeError(
          options.siteOrderCodesFile as string,
          `codes[${i}].procedure`,
          `"${c.procedure}" is neither a procedure key nor "${NOT_RATED}"`,
        );
      }
    });
  }

  return new Knowledge({
    version: manifest.version,
    digest: reader.digest(),
    manifest,
    codeSystems,
    procedures,
    valueSets,
    variants,
    services,
    cards,
    wording,
    statuses,
    textPatterns,
    pama,
    siteOrderCodes,
  });
}

class FileReader {
  private readonly hash = crypto.createHash('sha256');

  constructor(private readonly root: string) {}

  list(dir: string): string[] {
    const full = path.join(this.root, dir);
    if (!fs.existsSync(full)) throw new KnowledgeError(dir, '', 'folder is missing');
    return fs
      .readdirSync(full)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => `${dir}/${name}`);
  }

  read<T>(file: string, schema: string): T {
    const full = path.isAbsolute(file) ? file : path.join(this.root, file);
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch (error) {
      throw new KnowledgeError(file, '', `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    this.hash.update(file).update('\0').update(text).update('\0');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new KnowledgeError(file, '', `is not valid JSON: ${(error as Error).message}`);
    }
    const validate = validator(schema);
    if (!validate(data)) {
      const problem = describeSchemaError(validate.errors![0]);
      throw new KnowledgeError(file, problem.field, problem.message);
    }
    return data as T;
  }

  /** A fingerprint of every file read, so a card can be traced to the exact knowledge that made it. */
  digest(): string {
    return this.hash.copy().digest('hex').slice(0, 16);
  }
}

function uniqueBy<T>(items: T[], keyOf: (item: T) => string, file: string, array: string, field: string): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (seen.has(key)) throw new KnowledgeError(file, `${array}[${i}].${field}`, `"${key}" appears twice`);
    seen.add(key);
  });
}

function checkValueSet(file: string, vs: ValueSetFile, codeSystems: CodeSystems): void {
  const seen = new Set<string>();
  vs.codes.forEach((entry, i) => {
    const field = `codes[${i}]`;
    if (!(entry.meaning in vs.meanings))
      throw new KnowledgeError(file, `${field}.meaning`, `"${entry.meaning}" is not one of the file's meanings`);
    const key = codeSystems.key(entry.system, entry.code);
    if (seen.has(key)) throw new KnowledgeError(file, `${field}.code`, `${entry.system}|${entry.code} appears twice`);
    seen.add(key);
    if (codeSystems.canonical(entry.system) === LOINC && !isValidLoinc(entry.code)) {
      throw new KnowledgeError(file, `${field}.code`, `LOINC ${entry.code} fails the LOINC check digit`);
    }
  });
  (vs.prefixes ?? []).forEach((p, i) => {
    if (!(p.meaning in vs.meanings))
      throw new KnowledgeError(file, `prefixes[${i}].meaning`, `"${p.meaning}" is not one of the file's meanings`);
  });
}

function checkCrossReferences(valueSets: Map<string, ValueSetIndex>, procedureKeys: Set<string>): void {
  const bodySites = new Set(Object.keys((valueSets.get('body-sites') as ValueSetIndex).file.meanings));
  for (const vs of valueSets.values()) {
    vs.file.codes.forEach((entry, i) => {
      if (entry.requiresBodySite && !bodySites.has(entry.requiresBodySite)) {
        throw new KnowledgeError(
          `hooks/valuesets/${vs.id}.json`,
          `codes[${i}].requiresBodySite`,
          `"${entry.requiresBodySite}" is not a meaning of body-sites`,
        );
      }
    });
  }
  const imaging = (valueSets.get('imaging-procedures') as ValueSetIndex).file;
  for (const meaning of Object.keys(imaging.meanings)) {
    if (meaning !== NOT_RATED && !procedureKeys.has(meaning)) {
      throw new KnowledgeError(
        'hooks/valuesets/imaging-procedures.json',
        `meanings.${meaning}`,
        `is neither a key of hooks/procedures.json nor "${NOT_RATED}"`,
      );
    }
  }
  for (const key of procedureKeys) {
    if (!imaging.codes.some((c) => c.meaning === key)) {
      throw new KnowledgeError('hooks/valuesets/imaging-procedures.json', 'codes', `no code classifies to procedure "${key}"`);
    }
  }
}

function checkPrefetch(file: string, service: ServiceDefinition, valueSets: Map<string, ValueSetIndex>): void {
  for (const [key, def] of Object.entries(service.prefetch)) {
    for (const token of def.query.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (!PREFETCH_TOKENS.includes(token[1])) {
        throw new KnowledgeError(
          file,
          `prefetch.${key}.query`,
          `token {{${token[1]}}} is not a CDS Hooks 2.0 prefetch token for this hook`,
        );
      }
    }
    (def.narrowByCodes ?? []).forEach((narrow, i) => {
      const vs = valueSets.get(narrow.valueSet);
      if (!vs) throw new KnowledgeError(file, `prefetch.${key}.narrowByCodes[${i}].valueSet`, `"${narrow.valueSet}" is not a value set`);
      for (const meaning of narrow.meanings) {
        if (!(meaning in vs.file.meanings))
          throw new KnowledgeError(
            file,
            `prefetch.${key}.narrowByCodes[${i}].meanings`,
            `"${meaning}" is not a meaning of ${narrow.valueSet}`,
          );
      }
    });
  }
}

function checkCard(file: string, card: CardTemplate, procedureKeys: Set<string>): void {
  const texts: [string, string][] = [['summary', card.summary], ...card.detail.map((d, i): [string, string] => [`detail[${i}]`, d])];
  for (const [name, text] of Object.entries(card.notes ?? {})) texts.push([`notes.${name}`, text]);
  for (const [field, text] of texts) {
    for (const token of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (!CARD_PLACEHOLDERS.includes(token[1]))
        throw new KnowledgeError(file, field, `placeholder {{${token[1]}}} is unknown (known: ${CARD_PLACEHOLDERS.join(', ')})`);
    }
  }
  (card.suggestions ?? []).forEach((s, i) => {
    if (!procedureKeys.has(s.procedure))
      throw new KnowledgeError(file, `suggestions[${i}].procedure`, `"${s.procedure}" is not a key of hooks/procedures.json`);
  });
  if ((card.suggestions ?? []).filter((s) => s.isRecommended).length > 1) {
    throw new KnowledgeError(file, 'suggestions', 'more than one suggestion isRecommended (cards use selectionBehavior at-most-one)');
  }
  uniqueBy(card.overrideReasons ?? [], (r) => r.code, file, 'overrideReasons', 'code');
}
