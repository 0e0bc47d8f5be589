/**
 * How each EHR the service has a client profile for (config/profiles/*.json) behaves as a CDS client: who it
 * signs as, how it fills prefetch, what its hook calls look like and which actions it applies. The service's
 * side of each profile lives in config/profiles/; this is the EHR's side, as documented or observed
 * (shared/reference/anchors.md §(d) for the sandbox).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEVELOPMENT_ISSUER } from '../token';

export type ProfileName = 'generic' | 'epic' | 'oracle-health' | 'cds-hooks-sandbox';
export const PROFILE_NAMES: readonly ProfileName[] = ['generic', 'epic', 'oracle-health', 'cds-hooks-sandbox'];

export type ActionType = 'create' | 'update' | 'delete';
/** Where a response carries system actions: CDS Hooks 2.0 `systemActions`, or the PAMA guide's `extension.systemActions`. */
export type SystemActionPlace = 'top-level' | 'extension';

export interface EhrBehaviour {
  profile: ProfileName;
  /** The JWT issuer: the development key pair, under the name the service maps to this profile. */
  issuer: string;
  /** How a search prefetch template is run against the EHR's FHIR server (reads are always GET). */
  prefetchSearch: 'GET' | 'POST _search';
  /** The sandbox's PAMA screen fires order-select once before a study is chosen (`code.coding: [{}]`). */
  emptyFirstCall: boolean;
  /** Whether draftOrders carries `Bundle.type` (the sandbox sends none). */
  bundleType: boolean;
  /** Whether the context names the encounter (the sandbox sends none). */
  sendsEncounter: boolean;
  userId: string;
  /** The only place this EHR reads system actions from (the sandbox reads extension.systemActions only). */
  readsSystemActionsFrom: SystemActionPlace;
  /** Suggestion and system action types this EHR applies (the sandbox applies updates only). */
  appliesActionTypes: ActionType[];
  /** Whether feedback's overrideReason.reason carries `display` (the sandbox sends code and system only). */
  overrideReasonDisplay: boolean;
  /** With prefetch: whether `fhirAuthorization` accompanies `fhirServer` (the sandbox's open server has no token). */
  tokenWithPrefetch: boolean;
}

const ALL_ACTIONS: ActionType[] = ['delete', 'create', 'update'];

export const EHR_BEHAVIOURS: Record<ProfileName, EhrBehaviour> = {
  generic: {
    profile: 'generic',
    issuer: DEVELOPMENT_ISSUER,
    prefetchSearch: 'GET',
    emptyFirstCall: false,
    bundleType: true,
    sendsEncounter: true,
    userId: 'Practitioner/dr-radiology-1',
    readsSystemActionsFrom: 'top-level',
    appliesActionTypes: ALL_ACTIONS,
    overrideReasonDisplay: true,
    tokenWithPrefetch: true,
  },
  epic: {
    profile: 'epic',
    issuer: `${DEVELOPMENT_ISSUER}:epic`,
    prefetchSearch: 'GET',
    emptyFirstCall: false,
    bundleType: true,
    sendsEncounter: true,
    userId: 'Practitioner/dr-radiology-1',
    readsSystemActionsFrom: 'top-level',
    appliesActionTypes: ALL_ACTIONS,
    overrideReasonDisplay: true,
    tokenWithPrefetch: true,
  },
  'oracle-health': {
    profile: 'oracle-health',
    issuer: `${DEVELOPMENT_ISSUER}:oracle-health`,
    prefetchSearch: 'GET',
    emptyFirstCall: false,
    bundleType: true,
    sendsEncounter: true,
    userId: 'Practitioner/dr-radiology-1',
    readsSystemActionsFrom: 'top-level',
    appliesActionTypes: ALL_ACTIONS,
    overrideReasonDisplay: true,
    tokenWithPrefetch: true,
  },
  'cds-hooks-sandbox': {
    profile: 'cds-hooks-sandbox',
    issuer: `${DEVELOPMENT_ISSUER}:cds-hooks-sandbox`,
    prefetchSearch: 'POST _search',
    emptyFirstCall: true,
    bundleType: false,
    sendsEncounter: false,
    userId: 'Practitioner/COREPRACTITIONER1',
    readsSystemActionsFrom: 'extension',
    appliesActionTypes: ['update'],
    overrideReasonDisplay: false,
    tokenWithPrefetch: false,
  },
};

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/** The service's client profiles (config/profiles/*.json), to warn when the simulator and the service disagree. */
export function serviceProfileNames(): string[] {
  const dir = path.resolve(__dirname, '..', '..', 'config', 'profiles');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort()
    : [];
}
