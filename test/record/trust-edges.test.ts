import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FhirReader, type FhirReadLimits } from '../../src/record/fhir-reader';
import { loadConfig } from '../../src/config/load';
import { isForbiddenAddress } from '../../src/record/network-guard';
import { writeTrustFile } from '../support/keys';

/** Issue 11: the EHR's token never leaves its FHIR server, fhirServer is no door into our network, responses are bounded. */
const LIMITS: FhirReadLimits = {
  readTimeoutMs: 2000,
  maxPages: 5,
  maxMedicationReads: 5,
  maxResponseBytes: 64 * 1024,
  maxCallBytes: 100 * 1024,
};
const deadline = () => AbortSignal.timeout(5000);

interface Seen {
  url: string;
  authorization?: string;
}

/** A FHIR server on loopback whose answers the test writes; every request is recorded. */
async function server(
  answer: (req: http.IncomingMessage, res: http.ServerResponse, port: number) => void,
): Promise<{ base: string; port: number; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    answer(req, res, (s.address() as AddressInfo).port);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}/fhir/R4`, port, seen, close: () => new Promise((resolve) => s.close(() => resolve())) };
}

const bundle = (size = 0) =>
  JSON.stringify({
    resourceType: 'Bundle',
    type: 'searchset',
    entry: [{ resource: { resourceType: 'Condition', id: 'c1', note: [{ text: 'x'.repeat(size) }] } }],
  });

describe('a redirect is a failed read: the token never follows it', () => {
  const targets: [string, (port: number) => string][] = [
    ['the same origin, another path', (port) => `http://127.0.0.1:${port}/other/Condition?patient=p1`],
    ['another origin', () => 'https://attacker.example.net/fhir/R4/Condition?patient=p1'],
    ['a plain-http IP address', () => 'http://10.0.0.7/fhir/R4/Condition?patient=p1'],
    ['the link-local metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ];
  it.each(targets)('%s', async (_name, target) => {
    const fhir = await server((req, res, port) => {
      if (req.url?.startsWith('/fhir/R4/Condition')) {
        res.writeHead(302, { Location: target(port) });
        res.end();
      } else res.end(bundle());
    });
    try {
      const [result] = await new FhirReader(fhir.base, 'ehr-token', LIMITS).readAll(
        [{ key: 'conditions', url: 'Condition?patient=p1' }],
        deadline(),
      );
      expect(result.failure).toMatch(/answered 302 \(a redirect is not followed\)/);
      expect(result.resources).toEqual([]);
      expect(fhir.seen.map((s) => s.url)).toEqual(['/fhir/R4/Condition?patient=p1']);
    } finally {
      await fhir.close();
    }
  });
});

describe('fhirServer is not a door into our network', () => {
  it('an EHR that declared no FHIR servers, in production: loopback and private addresses are refused before any connection', async () => {
    const fhir = await server((_req, res) => res.end(bundle()));
    try {
      for (const base of [
        fhir.base,
        `http://localhost:${fhir.port}/fhir/R4`,
        'https://10.1.2.3/fhir/R4',
        'https://[fe80::1]/fhir/R4',
        'https://169.254.169.254/fhir',
      ]) {
        const [result] = await new FhirReader(base, 'ehr-token', { ...LIMITS, guardAddresses: true }).readAll(
          [{ key: 'conditions', url: 'Condition?patient=p1' }],
          deadline(),
        );
        expect(result.failure).toBe('the FHIR server address is not allowed');
      }
      expect(fhir.seen).toEqual([]);
      // Without the guard (development, tests, or a declared server) the same loopback server is read.
      const [ok] = await new FhirReader(fhir.base, 'ehr-token', LIMITS).readAll(
        [{ key: 'conditions', url: 'Condition?patient=p1' }],
        deadline(),
      );
      expect(ok.failure).toBeUndefined();
      expect(fhir.seen).toHaveLength(1);
    } finally {
      await fhir.close();
    }
  });

  it('the guard knows the forbidden ranges, IPv4 and IPv6', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect(isForbiddenAddress(address)).toBe(true);
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) expect(isForbiddenAddress(address)).toBe(false);
  });

  it('in production, a trust file whose issuer declares no fhirServers (and does not opt out) stops the start', () => {
    const env = { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://cds.example.org', DATABASE_URL: 'sqlite::memory:' };
    expect(() => loadConfig({ ...env, CDS_TRUSTED_ISSUERS: writeTrustFile() })).toThrow(/must list its fhirServers in production/);
    const declared = writeTrustFile().replace(/$/, '');
    const file = require('node:fs');
    const entries = JSON.parse(file.readFileSync(declared, 'utf8')).map((e: object, i: number) =>
      i === 0 ? { ...e, fhirServers: ['https://ehr.example.org/fhir/R4'] } : { ...e, anyFhirServer: true },
    );
    file.writeFileSync(declared, JSON.stringify(entries));
    expect(() => loadConfig({ ...env, CDS_TRUSTED_ISSUERS: declared })).not.toThrow();
  });
});

describe('bounded FHIR responses', () => {
  it('a response whose Content-Length is over the limit is a failed read', async () => {
    const fhir = await server((_req, res) => res.end(bundle(200 * 1024)));
    try {
      const [result] = await new FhirReader(fhir.base, undefined, LIMITS).readAll(
        [{ key: 'conditions', url: 'Condition?patient=p1' }],
        deadline(),
      );
      expect(result.failure).toMatch(new RegExp(`larger than ${64 * 1024} bytes`));
    } finally {
      await fhir.close();
    }
  });

  it('a response sent without Content-Length is cut off past the limit', async () => {
    const fhir = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/fhir+json' });
      const body = bundle(200 * 1024);
      for (let i = 0; i < body.length; i += 8192) res.write(body.slice(i, i + 8192));
      res.end();
    });
    try {
      const [result] = await new FhirReader(fhir.base, undefined, LIMITS).readAll(
        [{ key: 'conditions', url: 'Condition?patient=p1' }],
        deadline(),
      );
      expect(result.failure).toMatch(new RegExp(`larger than ${64 * 1024} bytes`));
    } finally {
      await fhir.close();
    }
  });

  it('bundle pages count toward a total for the whole call', async () => {
    const fhir = await server((req, res, port) => {
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('_page') ?? '1');
      const body = JSON.parse(bundle(40 * 1024));
      body.link = [{ relation: 'next', url: `http://127.0.0.1:${port}/fhir/R4/Condition?patient=p1&_page=${page + 1}` }];
      res.end(JSON.stringify(body));
    });
    try {
      const [result] = await new FhirReader(fhir.base, undefined, LIMITS).readAll(
        [{ key: 'conditions', url: 'Condition?patient=p1' }],
        deadline(),
      );
      expect(result.failure).toBe(`the FHIR responses of this call exceed ${100 * 1024} bytes`);
      expect(fhir.seen).toHaveLength(3);
    } finally {
      await fhir.close();
    }
  });
});
