import type { Request, Response } from 'express';
import type { Knowledge } from '../knowledge/knowledge';
import { prefetchTemplate } from '../knowledge/prefetch';

/**
 * GET /cds-services: the CDS Hooks 2.0 discovery document, built once at start from hooks/services/.
 * The knowledge version rides in each entry's `extension`, so an EHR analyst can see what is deployed.
 */
export function discoveryRoute(knowledge: Knowledge) {
  const document = {
    services: knowledge.services.map((service) => ({
      hook: service.hook,
      title: service.title,
      description: service.description,
      id: service.id,
      prefetch: Object.fromEntries(Object.entries(service.prefetch).map(([key, def]) => [key, prefetchTemplate(def, knowledge)])),
      ...(service.usageRequirements ? { usageRequirements: service.usageRequirements } : {}),
      extension: { 'axilla-cds.knowledge': { version: knowledge.version, digest: knowledge.digest, variant: service.variant } },
    })),
  };
  const body = JSON.stringify(document);
  return function discovery(_req: Request, res: Response): void {
    res.type('application/json').send(body);
  };
}
