import type { Bundle, FhirResource } from 'fhir/r4';

/** The `fhirAuthorization` of a hook request. Transient: never logged, stored or echoed. */
export interface FhirAuthorization {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  subject?: string;
  patient?: string;
}

export interface OrderContext {
  userId: string;
  patientId: string;
  encounterId?: string;
  /** order-select: the orders just selected ({type}/{id}); order-sign: every draft order. */
  selections: string[];
  draftOrders: Bundle;
}

/** A validated CDS Hooks 2.0 request for an order hook. */
export interface HookRequest {
  hook: 'order-select' | 'order-sign';
  hookInstance: string;
  fhirServer?: string;
  fhirAuthorization?: FhirAuthorization;
  context: OrderContext;
  /** key -> resource, Bundle, or null ("no data"); an absent key was not prefetched. */
  prefetch: Record<string, FhirResource | null>;
}

export interface Coding {
  system: string;
  code: string;
  display?: string;
}

export interface CdsAction {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: FhirResource;
  resourceId?: string;
}

export interface CdsSuggestion {
  label: string;
  uuid: string;
  isRecommended?: boolean;
  actions: CdsAction[];
}

export interface CdsLink {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
}

export interface CdsCard {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; topic?: Coding };
  suggestions?: CdsSuggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Coding[];
  links?: CdsLink[];
  extension?: Record<string, unknown>;
}

export interface CdsResponse {
  cards: CdsCard[];
  systemActions?: CdsAction[];
  /** `extension.systemActions`: where the Argonaut PAMA guide (and the CDS Hooks sandbox) reads ratings. */
  extension?: { systemActions?: CdsAction[] };
}
