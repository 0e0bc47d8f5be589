import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus metrics, in a registry of its own (never the global one): hook calls by service,
 * outcome and status, their latency, FHIR reads and failures by prefetch key, JWT refusals by reason, audit
 * rows dropped, and Node's process metrics. Labels carry no patient data: only ids of services, keys, reasons.
 *
 * @example
 * const metrics = new Metrics(() => auditor.queue.dropped);
 * metrics.hookCall('axilla-imaging-order-select', 'applies', 200, 0.004);
 * res.type(metrics.contentType).send(await metrics.text());
 */
export class Metrics {
  private readonly registry = new Registry();
  private readonly calls = new Counter({
    name: 'axilla_hook_calls_total',
    help: 'Hook calls answered, by service, outcome and HTTP status',
    labelNames: ['service', 'outcome', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'axilla_hook_duration_seconds',
    help: 'Time to answer a hook call',
    labelNames: ['service'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly reads = new Counter({
    name: 'axilla_fhir_reads_total',
    help: 'Prefetch keys read from the EHR FHIR server, by key and result',
    labelNames: ['key', 'result'] as const,
    registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: 'axilla_jwt_refusals_total',
    help: 'Requests refused for their JWT, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly contentType = this.registry.contentType;

  constructor(droppedAuditRows: () => number) {
    collectDefaultMetrics({ register: this.registry, prefix: 'axilla_' });
    new Gauge({
      name: 'axilla_audit_rows_dropped',
      help: 'Audit rows this instance could not write since it started',
      registers: [this.registry],
      collect() {
        this.set(droppedAuditRows());
      },
    });
  }

  hookCall(service: string, outcome: string, status: number, seconds: number): void {
    this.calls.inc({ service, outcome, status: String(status) });
    this.latency.observe({ service }, seconds);
  }

  fhirReads(readFromServer: string[], failed: string[]): void {
    for (const key of readFromServer) this.reads.inc({ key, result: failed.includes(key) ? 'failed' : 'ok' });
  }

  jwtRefused(reason: string): void {
    this.refusals.inc({ reason });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
