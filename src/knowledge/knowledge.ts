import type { CodeSystems } from './code-systems';
import { KnowledgeError } from './errors';
import type {
  CardTemplate,
  CardWording,
  PamaRules,
  RecordStatuses,
  Manifest,
  ProcedureDefinition,
  Rating,
  ServiceDefinition,
  SiteOrderCodesFile,
  VariantDefinition,
} from './types';
import type { TextPattern } from './text-pattern';
import type { ValueSetIndex } from './value-set-index';

export interface KnowledgeParts {
  version: string;
  digest: string;
  manifest: Manifest;
  codeSystems: CodeSystems;
  procedures: ProcedureDefinition[];
  valueSets: Map<string, ValueSetIndex>;
  variants: Map<string, VariantDefinition>;
  services: ServiceDefinition[];
  cards: Map<string, CardTemplate>;
  wording: CardWording;
  statuses: RecordStatuses;
  textPatterns: Map<string, TextPattern>;
  pama: PamaRules;
  siteOrderCodes?: SiteOrderCodesFile;
}

/** Everything clinical the service knows, loaded and indexed once (see `loadKnowledge`). Read-only. */
export class Knowledge {
  readonly version: string;
  /** sha-256 prefix over every knowledge file read: two deployments with one digest say the same thing. */
  readonly digest: string;
  readonly manifest: Manifest;
  readonly codeSystems: CodeSystems;
  readonly services: readonly ServiceDefinition[];
  readonly siteOrderCodes?: SiteOrderCodesFile;
  readonly wording: CardWording;
  /** What FHIR status codes mean to the engine (hooks/record-statuses.json). */
  readonly statuses: RecordStatuses;
  /** How a rating is written onto the order (hooks/pama.json). */
  readonly pama: PamaRules;
  private readonly procedures: Map<string, ProcedureDefinition>;
  private readonly valueSets: Map<string, ValueSetIndex>;
  private readonly variants: Map<string, VariantDefinition>;
  private readonly cards: Map<string, CardTemplate>;
  private readonly textPatterns: Map<string, TextPattern>;
  private readonly ratings = new Map<string, Rating>();

  constructor(parts: KnowledgeParts) {
    this.version = parts.version;
    this.digest = parts.digest;
    this.manifest = parts.manifest;
    this.codeSystems = parts.codeSystems;
    this.services = parts.services;
    this.siteOrderCodes = parts.siteOrderCodes;
    this.wording = parts.wording;
    this.statuses = parts.statuses;
    this.pama = parts.pama;
    this.procedures = new Map(parts.procedures.map((p) => [p.key, p]));
    this.valueSets = parts.valueSets;
    this.variants = parts.variants;
    this.cards = parts.cards;
    this.textPatterns = parts.textPatterns;
    for (const variant of parts.variants.values()) {
      for (const rating of variant.ratings) this.ratings.set(`${variant.id}|${rating.procedure}`, rating);
    }
  }

  service(id: string): ServiceDefinition | undefined {
    return this.services.find((s) => s.id === id);
  }

  variant(id: string): VariantDefinition {
    return this.required(this.variants.get(id), 'hooks/variants', id);
  }

  rating(variantId: string, procedure: string): Rating | undefined {
    return this.ratings.get(`${variantId}|${procedure}`);
  }

  procedure(key: string): ProcedureDefinition {
    return this.required(this.procedures.get(key), 'hooks/procedures.json', key);
  }

  procedureKeys(): string[] {
    return [...this.procedures.keys()];
  }

  valueSet(id: string): ValueSetIndex {
    return this.required(this.valueSets.get(id), 'hooks/valuesets', id);
  }

  valueSetIds(): string[] {
    return [...this.valueSets.keys()];
  }

  /** A pattern of hooks/text-patterns.json, compiled at start. */
  text(name: string): TextPattern {
    return this.required(this.textPatterns.get(name), 'hooks/text-patterns.json', name);
  }

  cardKinds(): string[] {
    return [...this.cards.keys()];
  }

  textPatternNames(): string[] {
    return [...this.textPatterns.keys()];
  }

  card(kind: string): CardTemplate {
    return this.required(this.cards.get(kind), 'cards', kind);
  }

  private required<T>(value: T | undefined, where: string, key: string): T {
    if (value === undefined) throw new KnowledgeError(where, key, 'is not defined');
    return value;
  }
}
