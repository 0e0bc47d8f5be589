/** Shapes of the knowledge files (hooks/, cards/), as validated by schemas/knowledge/*.schema.json. */

export type Verification = 'verified' | 'secondary' | 'unverified';

export interface ValueSetEntry {
  system: string;
  code: string;
  display: string;
  meaning: string;
  source: string;
  verification: Verification;
  note?: string;
  inactive?: boolean;
  ingredient?: string;
  requiresBodySite?: string;
  /** Generic code: gives way to another coding of the same resource whose meaning is listed here. */
  yieldsTo?: string[];
}

export interface ValueSetPrefix {
  system: string;
  prefix: string;
  display: string;
  meaning: string;
  source: string;
  verification: Verification;
  note?: string;
}

export interface ValueSetFile {
  id: string;
  version: string;
  title: string;
  description: string;
  meanings: Record<string, string>;
  codes: ValueSetEntry[];
  prefixes?: ValueSetPrefix[];
}

export interface CodeSystemsFile {
  version: string;
  systems: { uri: string; name: string; aliases?: string[] }[];
}

export interface PrefetchDefinition {
  query: string;
  resourceTypes: string[];
  narrowByCodes?: { valueSet: string; meanings: string[] }[];
  why?: string;
}

export interface ServiceDefinition {
  id: string;
  hook: 'order-select' | 'order-sign';
  title: string;
  description: string;
  usageRequirements?: string;
  variant: string;
  prefetch: Record<string, PrefetchDefinition>;
}

export type RatingCategory = 'usually-appropriate' | 'may-be-appropriate' | 'usually-not-appropriate';

export interface Rating {
  procedure: string;
  acrProcedure: string;
  category: RatingCategory;
  disagreement: boolean;
  radiation: { level: string; adultDose: string; source: string };
  source: string;
  /** The card kind (cards/kinds/<card>.json) that presents this rating. */
  card: string;
  reviewStatus: {
    status: 'checked-against-acr-table' | 'not-checked-against-acr-table';
    note: string;
    checkedBy?: string;
    checkedOn?: string;
  };
}

export interface VariantDefinition {
  id: string;
  version: string;
  topic: { id: string; title: string; panel: string };
  variant: number;
  text: string;
  textSource?: string;
  source: { label: string; url: string; narrativeUrl?: string; citation: string; secondarySource: string };
  cardTopic: OrderCoding;
  ratings: Rating[];
  criteria: {
    sex: { allowed: string[]; source: string };
    initialSize: {
      qualifyingTCategories: string[];
      smallTCategories: string[];
      minimumLongestDimensionMmExclusive: number;
      source: string;
    };
    initialNodes: { negative: string[]; positive: string[]; source: string };
    chemotherapy: { lastDoseCompletedAfterDays: number; maxDaysSinceEnd: number; unrelatedBeforeDiagnosisDays: number; source: string };
    /** Checked in this order; the first that holds is the reason given. */
    exclusions: { reason: string; description: string; source: string }[];
  };
  /** Known limits a governance committee must decide on. */
  caveats?: { title: string; text: string; source: string }[];
}

export interface OrderCoding {
  system: string;
  code: string;
  display: string;
}

export interface ProcedureDefinition {
  key: string;
  name: string;
  shortName: string;
  target: 'breast' | 'axilla' | 'breast-and-axilla' | 'whole-body';
  order: { coding: OrderCoding[]; text: string; bodySite?: OrderCoding };
  /** An order for this procedure that also names one of these (by code, or in words) is another study: not rated. */
  notWhenOrderNames?: { valueSet: string; meanings: string[]; words: string; why: string };
  /** The text pattern that recognises this procedure in an order's words (generic or local codes). */
  words?: string;
}

export interface CardSuggestionTemplate {
  procedure: string;
  action: 'replace' | 'add';
  label: string;
  isRecommended?: boolean;
}

export interface CardTemplate {
  kind: string;
  version: string;
  description?: string;
  indicator: 'info' | 'warning' | 'critical';
  summary: string;
  detail: string[];
  notes?: Record<string, string>;
  suggestions?: CardSuggestionTemplate[];
  overrideReasons?: { code: string; display: string }[];
  axillaTarget?: { indicator: 'info' | 'warning'; bodySites: string[]; words: string[] };
  source: string;
}

export interface CardWording {
  version: string;
  overrideReasonSystem: string;
  ratings: Record<RatingCategory | 'disagreementSuffix', string>;
  facts: Record<string, { label: string; values: Record<string, string> }>;
  missing: Record<string, { short: string; long: string }>;
  actions: { delete: string; create: string; update: string };
  links: { guidance: string; narrative: string };
  /** One line a rating card carries while its rating has this review status. */
  reviewStatus?: Record<string, string>;
  source: string;
}

export interface SiteOrderCodesFile {
  site: string;
  version: string;
  description?: string;
  codes: { system: string; code: string; display: string; procedure: string; note?: string }[];
}

/** hooks/record-statuses.json: what FHIR status codes mean to the engine. */
export interface RecordStatuses {
  version: string;
  condition: { confirmed: string[]; withdrawn: string[]; recurrence: string[]; notCurrent: string[] };
  observation: { stagingUsable: string[]; withdrawn: string[] };
  procedure: {
    performed: string[];
    done: string[];
    inProgress: string[];
    ended: string[];
    stopped: string[];
    planned: string[];
    notPerformed: string[];
  };
  medicationAdministration: { given: string[] };
  medicationRequest: { ended: string[]; stopped: string[]; active: string[] };
  medicationDispense: { given: string[] };
  birthSex: Record<string, 'female' | 'male' | 'other' | 'unknown'>;
}

export interface Manifest {
  version: string;
  title: string;
  changes: { version: string; date: string; summary: string }[];
}

export interface TextPatternDefinition {
  description: string;
  appliesTo: string;
  match: string[];
  unless?: string[];
  examples: { match: string[]; noMatch: string[] };
  source: string;
}

export interface TextPatternsFile {
  version: string;
  description: string;
  patterns: Record<string, TextPatternDefinition>;
}

export interface PamaRules {
  version: string;
  description: string;
  source: string;
  extensions: { rating: string; consultId: string; qcdsmConsulted: string; aucApplied: string };
  codeSystem: string;
  ratingCodes: Record<string, 'appropriate' | 'not-appropriate'>;
  noCriteriaApply: 'no-criteria-apply';
  onlyWhenForTheAxilla: { procedures: string[]; why: string };
}
