import type { Bundle } from 'fhir/r4';
import type { Config } from '../config/load';
import { serverUrlProblem } from '../config/urls';
import type { HookRequest } from '../cds/types';
import type { ServiceDefinition } from '../knowledge/types';
import { validator } from '../schemas';
import { schemaRefusal } from './schema-refusal';
import { HttpError } from '../errors';

const requestSchema = validator('cds-hooks/request.schema.json');
const contextSchemas = {
  'order-select': validator('cds-hooks/order-select-context.schema.json'),
  'order-sign': validator('cds-hooks/order-sign-context.schema.json'),
};

/**
 * Checks a request body against the CDS Hooks 2.0 contract of one service and returns it typed.
 * Unknown fields are ignored, as the spec requires.
 *
 * @throws HttpError 400 naming the first field that is wrong.
 */
export function parseHookRequest(body: unknown, service: ServiceDefinition, config: Pick<Config, 'nodeEnv'>): HookRequest {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'structure', 'request body must be a JSON object');
  }
  if (!requestSchema(body)) throw schemaRefusal(requestSchema.errors![0]);
  const request = body as HookRequest;
  if (request.hook !== service.hook) {
    throw new HttpError(400, 'invalid', `hook must be "${service.hook}" for service ${service.id} (got "${request.hook}")`, 'hook');
  }
  const validateContext = contextSchemas[service.hook];
  if (!validateContext(request.context)) throw schemaRefusal(validateContext.errors![0], 'context');

  if (request.fhirServer !== undefined) {
    // https:// always; http:// for loopback hosts (local simulators), and for any host outside production (sandboxes).
    const problem = serverUrlProblem(request.fhirServer);
    const httpOffLoopback = problem !== undefined && /^http:/i.test(request.fhirServer) && canParse(request.fhirServer);
    if (problem && (config.nodeEnv === 'production' || !httpOffLoopback))
      throw new HttpError(400, 'invalid', `fhirServer ${problem}`, 'fhirServer');
  }

  const selections = service.hook === 'order-select' ? request.context.selections : allDraftOrderRefs(request.context.draftOrders);
  const drafts = new Set(allDraftOrderRefs(request.context.draftOrders));
  selections.forEach((ref, i) => {
    if (!drafts.has(ref))
      throw new HttpError(
        400,
        'invalid',
        `context.selections[${i}] (${ref}) is not an order in context.draftOrders`,
        `context.selections[${i}]`,
      );
  });

  return { ...request, context: { ...request.context, selections }, prefetch: request.prefetch ?? {} };
}

function canParse(url: string): boolean {
  try {
    return new URL(url).host !== '';
  } catch {
    return false;
  }
}

function allDraftOrderRefs(bundle: Bundle): string[] {
  return (bundle.entry ?? []).flatMap((e) => (e.resource?.id ? [`${e.resource.resourceType}/${e.resource.id}`] : []));
}
