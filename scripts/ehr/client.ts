/**
 * The CDS client half of the EHR simulator: discovery, prefetch from the EHR's own FHIR server, hook calls
 * signed with a fresh development JWT each, system actions and suggestions applied to the draft orders as
 * the profile's EHR would, and feedback. `runEhr` plays one ordering session; the pieces are exported for tests.
 *
 * @example
 * const session = await runEhr({ patient: 'pos-mcode', orders: ['fdg-pet-ct'], profile: 'epic', service: 'http://localhost:3000' });
 * session.calls.map((c) => [c.hook, c.status, c.cards.length]);
 */
import crypto from 'node:crypto';
import type { Bundle, FhirResource } from 'fhir/r4';
import { draftOrder, patientBundle, patientOf } from '../../fhir-fixtures/build';
import { signDevelopmentToken } from '../token';
import { startFhirServer, type RunningFhirServer, type SeenFhirRequest } from './fhir-server';
import { EHR_BEHAVIOURS, type ActionType, type EhrBehaviour, type ProfileName, type SystemActionPlace } from './profiles';

export const PAMA_RATING_URL = 'http://fhir.org/argonaut/Extension/pama-rating';
export const PAMA_RATING_SYSTEM = 'http://fhir.org/argonaut/CodeSystem/pama-rating';
export const APPROPRIATENESS_EXTENSION = 'axilla-cds.appropriateness';
/** Sent on the EHR's own prefetch reads, so the FHIR server's log tells them from the service's reads. */
export const SIMULATOR_USER_AGENT = 'axilla-cds-ehr-simulator';
export type Hook = 'order-select' | 'order-sign';
const TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------- types

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface Action {
  type: string;
  description?: string;
  resource?: FhirResource;
  resourceId?: string;
}

export interface Suggestion {
  label: string;
  uuid?: string;
  isRecommended?: boolean;
  actions: Action[];
}

export interface Card {
  uuid?: string;
  summary: string;
  detail?: string;
  indicator: string;
  source: { label?: string; url?: string };
  suggestions: Suggestion[];
  selectionBehavior?: string;
  overrideReasons: Coding[];
  links: { label?: string; url?: string; type?: string }[];
  extension?: Record<string, unknown>;
}

export interface PlacedAction {
  place: SystemActionPlace;
  action: Action;
  /** Whether this EHR reads actions from that place (the sandbox reads only extension.systemActions). */
  read: boolean;
}

export interface DiscoveredService {
  id: string;
  hook: string;
  title?: string;
  prefetch: Record<string, string>;
}

export interface PrefetchRead {
  key: string;
  how: string;
  status: number;
  /** What was sent for the key: a resource, null (no data), or omitted (the read failed or a token had no value). */
  sent: 'resource' | 'null' | 'omitted';
}

export interface HookRequestBody {
  hook: Hook;
  hookInstance: string;
  fhirServer?: string;
  fhirAuthorization?: { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string; subject: string; patient: string };
  context: {
    userId: string;
    patientId: string;
    encounterId?: string;
    selections?: string[];
    draftOrders: { resourceType: 'Bundle'; type?: 'collection'; entry: { resource: FhirResource }[] };
  };
  prefetch?: Record<string, FhirResource | null>;
}

export interface HookCall {
  label: string;
  hook: Hook;
  serviceId: string;
  url: string;
  request: HookRequestBody;
  prefetchReads: PrefetchRead[];
  status: number;
  ms: number;
  response: unknown;
  cards: Card[];
  systemActions: PlacedAction[];
}

export interface FeedbackItem {
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions?: { id: string }[];
  overrideReason?: { reason: Coding };
  outcomeTimestamp: string;
}

export interface FeedbackPost {
  serviceId: string;
  url: string;
  items: FeedbackItem[];
  status: number;
  response: unknown;
}

export interface Acceptance {
  call: HookCall;
  card: Card;
  suggestion: Suggestion;
  /** 1-based, as given to --accept. */
  index: number;
}

export interface ApplyResult {
  drafts: FhirResource[];
  applied: string[];
  skipped: string[];
}

export interface EhrOptions {
  patient: string;
  orders: string[];
  profile?: ProfileName;
  /** The service's base URL (default http://localhost:3000). */
  service?: string;
  /** n-th suggestion of the first card with suggestions (1-based, default 1); 0: none accepted. */
  accept?: number;
  /** false: no prefetch, the service reads fhirServer with a made-up token. */
  prefetch?: boolean;
  now?: Date;
  /** A FHIR server already serving this patient; otherwise one is started and stopped. */
  fhirServer?: RunningFhirServer;
}

export interface EhrSession {
  profile: ProfileName;
  behaviour: EhrBehaviour;
  service: string;
  fhirBase: string;
  patientId: string;
  encounterId?: string;
  prefetch: boolean;
  discovery: DiscoveredService[];
  /** Hooks the service offers no service for (nothing was called). */
  missingHooks: Hook[];
  calls: HookCall[];
  draftsBefore: FhirResource[];
  /** After the system actions this EHR reads and the accepted suggestion. */
  draftsAfter: FhirResource[];
  /** System actions applied, then the suggestion's actions (words). */
  applied: string[];
  skipped: string[];
  acceptance?: Acceptance;
  feedback: FeedbackPost[];
  fhirRequests: SeenFhirRequest[];
  /** Everything that was not a 2xx answer, or could not be done as asked: non-empty means exit non-zero. */
  problems: string[];
}

/** The service could not be reached, or refused in a way that stops the session; `message` says what to do. */
export class EhrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EhrError';
  }
}

// ---------------------------------------------------------------------------------------------- HTTP

interface HttpAnswer {
  status: number;
  body: unknown;
  ms: number;
}

export type Signer = (audience: string) => Promise<string>;

/** A fresh JWT per call, signed with the development key pair as the profile's issuer; `aud` is the URL called. */
export function signerFor(behaviour: EhrBehaviour): Signer {
  return (audience) => signDevelopmentToken({ audience, issuer: behaviour.issuer });
}

async function send(
  method: 'GET' | 'POST',
  url: string,
  init: { token?: string; json?: unknown; form?: string; userAgent?: string },
): Promise<HttpAnswer> {
  // CDS Hooks calls carry a JWT and want JSON; FHIR reads (prefetch) want FHIR JSON.
  const headers: Record<string, string> = { Accept: init.token ? 'application/json' : 'application/fhir+json, application/json' };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.userAgent) headers['User-Agent'] = init.userAgent;
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = init.form;
  }
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new EhrError(unreachable(url, error));
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body: parsed, ms: Date.now() - started };
}

function unreachable(url: string, error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as Error)?.name;
  const origin = new URL(url).origin;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNRESET') {
    return `No CDS service answers at ${origin} (${code}). Start it in another terminal with \`npm start\` (port 3000; \`PORT=<n> npm start\` for another), or pass --service <base url>.`;
  }
  if (code === 'TimeoutError' || code === 'AbortError') return `${url} did not answer within ${TIMEOUT_MS / 1000} s.`;
  return `${url} could not be reached (${code ?? String(error)}).`;
}

/** Words for a refused call, with what to do about the usual causes. */
export function explainStatus(status: number, url: string, body: unknown, behaviour: EhrBehaviour): string {
  const base = `${url} answered ${status}`;
  const diagnostics = operationOutcomeText(body);
  if (status === 401) {
    return (
      `${base} Unauthorized: the service refused the JWT (issuer ${behaviour.issuer}, aud ${url}). It must run with the development trust ` +
      `(CDS_TRUSTED_ISSUERS unset, NODE_ENV not production), PUBLIC_BASE_URL equal to --service (${new URL(url).origin}), and trust the issuer ` +
      `(config/trusted-issuers.development.json).`
    );
  }
  return diagnostics ? `${base}: ${diagnostics}` : base;
}

export function operationOutcomeText(body: unknown): string | undefined {
  const issues = record(body)?.resourceType === 'OperationOutcome' ? array(record(body)?.issue) : [];
  const texts = issues.map((i) => {
    const issue = record(i);
    return [
      string(record(issue?.details)?.text),
      string(issue?.diagnostics),
      array(issue?.expression)
        .filter((e) => typeof e === 'string')
        .join(', '),
    ]
      .filter(Boolean)
      .join(' ');
  });
  return texts.filter(Boolean).join('; ') || undefined;
}

// ---------------------------------------------------------------------------------------------- parsing

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function string(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function resource(value: unknown): FhirResource | undefined {
  return typeof record(value)?.resourceType === 'string' ? (value as FhirResource) : undefined;
}

function parseCoding(value: unknown): Coding {
  const c = record(value);
  return {
    ...(string(c?.system) ? { system: string(c?.system) } : {}),
    ...(string(c?.code) ? { code: string(c?.code) } : {}),
    ...(string(c?.display) ? { display: string(c?.display) } : {}),
  };
}

export function parseAction(value: unknown): Action {
  const a = record(value);
  const res = resource(a?.resource);
  return {
    type: string(a?.type) ?? '(no type)',
    ...(string(a?.description) ? { description: string(a?.description) } : {}),
    ...(res ? { resource: res } : {}),
    ...(string(a?.resourceId) ? { resourceId: string(a?.resourceId) } : {}),
  };
}

export function parseCard(value: unknown): Card {
  const c = record(value) ?? {};
  const source = record(c.source);
  return {
    ...(string(c.uuid) ? { uuid: string(c.uuid) } : {}),
    summary: string(c.summary) ?? '(no summary)',
    ...(string(c.detail) ? { detail: string(c.detail) } : {}),
    indicator: string(c.indicator) ?? '(no indicator)',
    source: {
      ...(string(source?.label) ? { label: string(source?.label) } : {}),
      ...(string(source?.url) ? { url: string(source?.url) } : {}),
    },
    suggestions: array(c.suggestions).map((s) => {
      const sug = record(s);
      return {
        label: string(sug?.label) ?? '(no label)',
        ...(string(sug?.uuid) ? { uuid: string(sug?.uuid) } : {}),
        ...(sug?.isRecommended === true ? { isRecommended: true } : {}),
        actions: array(sug?.actions).map(parseAction),
      };
    }),
    ...(string(c.selectionBehavior) ? { selectionBehavior: string(c.selectionBehavior) } : {}),
    overrideReasons: array(c.overrideReasons).map(parseCoding),
    links: array(c.links).map((l) => {
      const link = record(l);
      return { label: string(link?.label), url: string(link?.url), type: string(link?.type) };
    }),
    ...(record(c.extension) ? { extension: record(c.extension) } : {}),
  };
}

/** System actions wherever the response has them: top-level `systemActions` and `extension.systemActions`. */
export function systemActionsOf(response: unknown, readFrom: SystemActionPlace): PlacedAction[] {
  const body = record(response);
  const topLevel = array(body?.systemActions).map((a) => ({
    place: 'top-level' as const,
    action: parseAction(a),
    read: readFrom === 'top-level',
  }));
  const extension = array(record(body?.extension)?.systemActions).map((a) => ({
    place: 'extension' as const,
    action: parseAction(a),
    read: readFrom === 'extension',
  }));
  return [...topLevel, ...extension];
}

export function parseDiscovery(body: unknown): DiscoveredService[] {
  return array(record(body)?.services).flatMap((s) => {
    const service = record(s);
    const id = string(service?.id);
    const hook = string(service?.hook);
    if (!id || !hook) return [];
    const prefetch = Object.fromEntries(
      Object.entries(record(service?.prefetch) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    return [{ id, hook, ...(string(service?.title) ? { title: string(service?.title) } : {}), prefetch }];
  });
}

/** The pama-rating code written on an order (Argonaut CDS Hooks for PAMA), if any. */
export function pamaRatingOf(order: FhirResource | undefined): string | undefined {
  for (const e of array(record(order)?.extension)) {
    const ext = record(e);
    if (ext?.url !== PAMA_RATING_URL) continue;
    const coding = array(record(ext.valueCodeableConcept)?.coding).map(parseCoding);
    return (coding.find((c) => c.system === PAMA_RATING_SYSTEM) ?? coding[0])?.code;
  }
  return undefined;
}

/** Order reference -> rating of the service's appropriateness extension, per card (no card: not in the map). */
export function cardRatings(call: HookCall): Map<string, string> {
  const ratings = new Map<string, string>();
  for (const card of call.cards) {
    const entry = record(card.extension?.[APPROPRIATENESS_EXTENSION]);
    const order = string(entry?.order);
    const rating = string(entry?.rating);
    if (order && rating) ratings.set(order, rating);
  }
  return ratings;
}

/** Order reference -> pama-rating code written by the call's system actions (in one place, or anywhere). */
export function systemActionRatings(call: HookCall, place?: SystemActionPlace): Map<string, string> {
  const ratings = new Map<string, string>();
  for (const { place: where, action } of call.systemActions) {
    if (place && where !== place) continue;
    const code = pamaRatingOf(action.resource);
    if (code && action.resource) ratings.set(`${action.resource.resourceType}/${action.resource.id}`, code);
  }
  return ratings;
}

// ---------------------------------------------------------------------------------------------- discovery and prefetch

export async function discover(service: string, sign: Signer): Promise<{ status: number; services: DiscoveredService[]; body: unknown }> {
  const url = `${service}/cds-services`;
  const answer = await send('GET', url, { token: await sign(url) });
  return { status: answer.status, services: parseDiscovery(answer.body), body: answer.body };
}

export interface PrefetchContext {
  patientId: string;
  userId: string;
  encounterId?: string;
}

/** A prefetch template with its tokens replaced, or undefined when a token has no value (the key is then not sent). */
export function fillTemplate(template: string, context: PrefetchContext): string | undefined {
  const [userType, userId] = context.userId.split('/');
  const values: Record<string, string | undefined> = {
    'context.patientId': context.patientId,
    'context.userId': context.userId,
    'context.encounterId': context.encounterId,
    userPractitionerId: userType === 'Practitioner' ? userId : undefined,
    userPractitionerRoleId: userType === 'PractitionerRole' ? userId : undefined,
  };
  let missing = false;
  const filled = template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, token: string) => {
    const value = values[token];
    if (value === undefined) missing = true;
    return encodeURIComponent(value ?? '');
  });
  return missing ? undefined : filled;
}

/**
 * Fills each prefetch template from the EHR's FHIR server as the profile's EHR does: reads by GET; searches by
 * GET, or (the sandbox) `POST [type]/_search` with the parameters as a form body. A read that finds nothing is
 * `null`; a failed read is left out (CDS Hooks: the client MUST omit keys it cannot provide).
 */
export async function fillPrefetch(
  templates: Record<string, string>,
  context: PrefetchContext,
  fhirBase: string,
  behaviour: EhrBehaviour,
): Promise<{ prefetch: Record<string, FhirResource | null>; reads: PrefetchRead[] }> {
  const entries = await Promise.all(
    Object.entries(templates).map(async ([key, template]): Promise<{ key: string; value?: FhirResource | null; read: PrefetchRead }> => {
      const query = fillTemplate(template, context);
      if (query === undefined) return { key, read: { key, how: `${template} (a token has no value)`, status: 0, sent: 'omitted' } };
      const [pathPart, search] = splitQuery(query);
      const isSearch = search !== undefined || !pathPart.includes('/');
      let answer: HttpAnswer;
      let how: string;
      if (isSearch && behaviour.prefetchSearch === 'POST _search') {
        how = `POST ${pathPart}/_search ${search ?? ''}`.trim();
        answer = await send('POST', `${fhirBase}/${pathPart}/_search`, { form: search ?? '', userAgent: SIMULATOR_USER_AGENT });
      } else {
        how = `GET ${query}`;
        answer = await send('GET', `${fhirBase}/${query}`, { userAgent: SIMULATOR_USER_AGENT });
      }
      const value = resource(answer.body);
      if (answer.status >= 200 && answer.status < 300 && value)
        return { key, value, read: { key, how, status: answer.status, sent: 'resource' } };
      if (answer.status === 404 && !isSearch) return { key, value: null, read: { key, how, status: answer.status, sent: 'null' } };
      return { key, read: { key, how, status: answer.status, sent: 'omitted' } };
    }),
  );
  const prefetch: Record<string, FhirResource | null> = {};
  for (const e of entries) if (e.value !== undefined) prefetch[e.key] = e.value;
  return { prefetch, reads: entries.map((e) => e.read) };
}

function splitQuery(query: string): [string, string | undefined] {
  const at = query.indexOf('?');
  return at < 0 ? [query, undefined] : [query.slice(0, at), query.slice(at + 1)];
}

// ---------------------------------------------------------------------------------------------- hook calls

/** The order the sandbox's PAMA screen drafts before a study is chosen: no code yet. */
export function sandboxEmptyOrder(patientId: string): FhirResource {
  return {
    resourceType: 'ServiceRequest',
    id: 'example-request-id',
    status: 'draft',
    intent: 'plan',
    code: { coding: [{}] },
    subject: { reference: `Patient/${patientId}` },
  };
}

export interface CallPlan {
  label: string;
  hook: Hook;
  drafts: FhirResource[];
  /** order-select only. */
  selections?: string[];
}

export interface CallSetting {
  service: string;
  serviceEntry: DiscoveredService;
  behaviour: EhrBehaviour;
  fhirBase: string;
  context: PrefetchContext;
  prefetch: boolean;
  sign: Signer;
}

/** One hook call as the profile's EHR sends it: prefetch filled fresh, a fresh hookInstance and JWT. */
export async function callHook(plan: CallPlan, setting: CallSetting): Promise<HookCall> {
  const { behaviour, context } = setting;
  let prefetch: Record<string, FhirResource | null> | undefined;
  let reads: PrefetchRead[] = [];
  if (setting.prefetch) ({ prefetch, reads } = await fillPrefetch(setting.serviceEntry.prefetch, context, setting.fhirBase, behaviour));
  const withToken = !setting.prefetch || behaviour.tokenWithPrefetch;
  const request: HookRequestBody = {
    hook: plan.hook,
    hookInstance: crypto.randomUUID(),
    fhirServer: setting.fhirBase,
    ...(withToken
      ? {
          fhirAuthorization: {
            access_token: `ehr-simulator-${crypto.randomBytes(12).toString('hex')}`,
            token_type: 'Bearer' as const,
            expires_in: 300,
            scope:
              'patient/Patient.read patient/Condition.read patient/Observation.read patient/Procedure.read patient/MedicationAdministration.read patient/MedicationRequest.read patient/MedicationDispense.read patient/Medication.read patient/DiagnosticReport.read',
            subject: 'axilla-cds',
            patient: context.patientId,
          },
        }
      : {}),
    context: {
      userId: context.userId,
      patientId: context.patientId,
      ...(context.encounterId ? { encounterId: context.encounterId } : {}),
      ...(plan.hook === 'order-select' ? { selections: plan.selections ?? [] } : {}),
      draftOrders: {
        resourceType: 'Bundle',
        ...(behaviour.bundleType ? { type: 'collection' as const } : {}),
        entry: plan.drafts.map((r) => ({ resource: r })),
      },
    },
    ...(prefetch ? { prefetch } : {}),
  };
  const url = `${setting.service}/cds-services/${setting.serviceEntry.id}`;
  const answer = await send('POST', url, { token: await setting.sign(url), json: request });
  const ok = answer.status >= 200 && answer.status < 300;
  return {
    label: plan.label,
    hook: plan.hook,
    serviceId: setting.serviceEntry.id,
    url,
    request,
    prefetchReads: reads,
    status: answer.status,
    ms: answer.ms,
    response: answer.body,
    cards: ok ? array(record(answer.body)?.cards).map(parseCard) : [],
    systemActions: ok ? systemActionsOf(answer.body, behaviour.readsSystemActionsFrom) : [],
  };
}

// ---------------------------------------------------------------------------------------------- applying actions

function refOf(r: FhirResource): string {
  return `${r.resourceType}/${r.id}`;
}

function describeOrder(r: FhirResource | undefined): string {
  const text =
    string(record(record(r)?.code)?.text) ??
    array(record(record(r)?.code)?.coding)
      .map(parseCoding)
      .find((c) => c.display)?.display;
  return text ? `${text}` : '(no code)';
}

/**
 * Applies actions to the draft orders as an EHR does (CDS Hooks 2.0: deletes first, then creates, then
 * updates; an update holds the whole resource), applying only the types this EHR applies.
 */
export function applyActions(drafts: FhirResource[], actions: Action[], types: ActionType[]): ApplyResult {
  let result = [...drafts];
  const applied: string[] = [];
  const skipped: string[] = [];
  const rank: Record<string, number> = { delete: 0, create: 1, update: 2 };
  const ordered = [...actions].sort((a, b) => (rank[a.type] ?? 3) - (rank[b.type] ?? 3));
  for (const action of ordered) {
    if (!(types as string[]).includes(action.type)) {
      skipped.push(
        `${action.type} ${action.resourceId ?? (action.resource ? describeOrder(action.resource) : '')} (this EHR applies only ${types.join(', ')} actions)`,
      );
      continue;
    }
    if (action.type === 'delete') {
      const target = action.resourceId ?? (action.resource ? refOf(action.resource) : undefined);
      const before = result.length;
      result = result.filter((r) => refOf(r) !== target);
      if (result.length < before) applied.push(`delete ${target}`);
      else skipped.push(`delete ${target ?? '(no resourceId)'}: no such draft order`);
    } else if (action.type === 'create') {
      if (!action.resource) {
        skipped.push('create without a resource');
        continue;
      }
      const created = action.resource.id ? action.resource : ({ ...action.resource, id: crypto.randomUUID() } as FhirResource);
      result.push(created);
      const rating = pamaRatingOf(created);
      applied.push(`create ${refOf(created)} (${describeOrder(created)}${rating ? `, pama-rating ${rating}` : ''})`);
    } else if (action.type === 'update') {
      const updated = action.resource;
      const at = updated ? result.findIndex((r) => refOf(r) === refOf(updated)) : -1;
      if (!updated || at < 0) {
        skipped.push(`update ${updated ? refOf(updated) : '(no resource)'}: no such draft order`);
        continue;
      }
      result[at] = updated;
      const rating = pamaRatingOf(updated);
      applied.push(`update ${refOf(updated)} (${describeOrder(updated)}${rating ? `, pama-rating ${rating}` : ''})`);
    } else {
      skipped.push(`${action.type}: not a CDS Hooks action type`);
    }
  }
  return { drafts: result, applied, skipped };
}

/** The n-th (1-based) suggestion of the first card, in call order, that has suggestions. */
export function chooseSuggestion(calls: HookCall[], n: number): { acceptance?: Acceptance; problem?: string } {
  if (n <= 0) return {};
  for (const call of calls) {
    for (const card of call.cards) {
      if (card.suggestions.length === 0) continue;
      const suggestion = card.suggestions[n - 1];
      if (!suggestion)
        return { problem: `--accept ${n}: the first card with suggestions ("${card.summary}") has only ${card.suggestions.length}` };
      return { acceptance: { call, card, suggestion, index: n } };
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------- feedback

/** One feedback item per card with a uuid: `accepted` for the accepted one, `overridden` (first reason, if any) for the others. */
export function feedbackItems(
  calls: HookCall[],
  acceptance: Acceptance | undefined,
  behaviour: EhrBehaviour,
  now = new Date(),
): Map<string, FeedbackItem[]> {
  const byService = new Map<string, FeedbackItem[]>();
  const outcomeTimestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const call of calls) {
    for (const card of call.cards) {
      if (!card.uuid) continue;
      let item: FeedbackItem;
      if (acceptance && acceptance.card === card) {
        if (!acceptance.suggestion.uuid) continue; // CDS Hooks: no uuid, no notification
        item = { card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: acceptance.suggestion.uuid }], outcomeTimestamp };
      } else {
        const reason = card.overrideReasons[0];
        item = {
          card: card.uuid,
          outcome: 'overridden',
          ...(reason?.code && reason.system
            ? {
                overrideReason: {
                  reason: {
                    system: reason.system,
                    code: reason.code,
                    ...(behaviour.overrideReasonDisplay && reason.display ? { display: reason.display } : {}),
                  },
                },
              }
            : {}),
          outcomeTimestamp,
        };
      }
      byService.set(call.serviceId, [...(byService.get(call.serviceId) ?? []), item]);
    }
  }
  return byService;
}

export async function postFeedback(service: string, serviceId: string, items: FeedbackItem[], sign: Signer): Promise<FeedbackPost> {
  const url = `${service}/cds-services/${serviceId}/feedback`;
  const answer = await send('POST', url, { token: await sign(url), json: { feedback: items } });
  return { serviceId, url, items, status: answer.status, response: answer.body };
}

// ---------------------------------------------------------------------------------------------- the session

/**
 * One ordering session: discovery; order-select with every order selected (the sandbox first fires it with an
 * uncoded order); order-sign with the same draft orders and encounter; the system actions this EHR reads and
 * the chosen suggestion applied to the drafts; feedback for every card. Non-2xx answers are recorded in
 * `problems`; an unreachable service or a refused discovery throws EhrError.
 */
export async function runEhr(options: EhrOptions): Promise<EhrSession> {
  const profile = options.profile ?? 'generic';
  const behaviour = EHR_BEHAVIOURS[profile];
  const service = (options.service ?? 'http://localhost:3000').replace(/\/+$/, '');
  const now = options.now ?? new Date();
  const bundle: Bundle = patientBundle(options.patient, now);
  const patientId = patientOf(bundle).id as string;
  const fhir = options.fhirServer ?? (await startFhirServer(bundle));
  const sign = signerFor(behaviour);
  const problems: string[] = [];
  try {
    const discovery = await discover(service, sign);
    if (discovery.status < 200 || discovery.status >= 300)
      throw new EhrError(`Discovery failed: ${explainStatus(discovery.status, `${service}/cds-services`, discovery.body, behaviour)}`);

    const encounterId = behaviour.sendsEncounter ? `enc-${crypto.randomBytes(4).toString('hex')}` : undefined;
    const context: PrefetchContext = { patientId, userId: behaviour.userId, ...(encounterId ? { encounterId } : {}) };
    const draftsBefore = options.orders.map((name) => draftOrder(name, patientId, now));
    const selections = draftsBefore.map(refOf);
    const plans: CallPlan[] = [];
    if (behaviour.emptyFirstCall)
      plans.push({
        label: 'order-select, before a study is chosen (uncoded order)',
        hook: 'order-select',
        drafts: [sandboxEmptyOrder(patientId)],
        selections: ['ServiceRequest/example-request-id'],
      });
    plans.push({ label: 'order-select, every order selected', hook: 'order-select', drafts: draftsBefore, selections });
    plans.push({ label: 'order-sign, the same draft orders', hook: 'order-sign', drafts: draftsBefore });

    const missingHooks: Hook[] = [];
    const calls: HookCall[] = [];
    for (const plan of plans) {
      const entry = discovery.services.find((s) => s.hook === plan.hook);
      if (!entry) {
        if (!missingHooks.includes(plan.hook)) missingHooks.push(plan.hook);
        continue;
      }
      const call = await callHook(plan, {
        service,
        serviceEntry: entry,
        behaviour,
        fhirBase: fhir.base,
        context,
        prefetch: options.prefetch !== false,
        sign,
      });
      if (call.status < 200 || call.status >= 300)
        problems.push(`${plan.hook}: ${explainStatus(call.status, call.url, call.response, behaviour)}`);
      calls.push(call);
    }

    // The EHR auto-applies the system actions it reads (ratings), in call order, then the accepted suggestion.
    let drafts = draftsBefore;
    const applied: string[] = [];
    const skipped: string[] = [];
    for (const call of calls) {
      const result = applyActions(
        drafts,
        call.systemActions.filter((a) => a.read).map((a) => a.action),
        behaviour.appliesActionTypes,
      );
      drafts = result.drafts;
      applied.push(...result.applied.map((a) => `system action (${call.hook}): ${a}`));
      skipped.push(...result.skipped.map((a) => `system action (${call.hook}): ${a}`));
    }
    const chosen = chooseSuggestion(calls, options.accept ?? 1);
    if (chosen.problem) problems.push(chosen.problem);
    if (chosen.acceptance) {
      const result = applyActions(drafts, chosen.acceptance.suggestion.actions, behaviour.appliesActionTypes);
      drafts = result.drafts;
      applied.push(...result.applied.map((a) => `suggestion: ${a}`));
      skipped.push(...result.skipped.map((a) => `suggestion: ${a}`));
    }

    const feedback: FeedbackPost[] = [];
    for (const [serviceId, items] of feedbackItems(calls, chosen.acceptance, behaviour)) {
      const post = await postFeedback(service, serviceId, items, sign);
      if (post.status < 200 || post.status >= 300)
        problems.push(`feedback: ${explainStatus(post.status, post.url, post.response, behaviour)}`);
      feedback.push(post);
    }

    return {
      profile,
      behaviour,
      service,
      fhirBase: fhir.base,
      patientId,
      ...(encounterId ? { encounterId } : {}),
      prefetch: options.prefetch !== false,
      discovery: discovery.services,
      missingHooks,
      calls,
      draftsBefore,
      draftsAfter: drafts,
      applied,
      skipped,
      ...(chosen.acceptance ? { acceptance: chosen.acceptance } : {}),
      feedback,
      fhirRequests: [...fhir.requests],
      problems,
    };
  } finally {
    if (!options.fhirServer) await fhir.close();
  }
}
