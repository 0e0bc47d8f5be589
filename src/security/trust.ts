import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { TrustedIssuer } from '../config/load';
import { remoteJwks } from './remote-jwks';

/** Asymmetric algorithms accepted when an issuer names none: never `none`, never HS*. */
export const DEFAULT_ALGORITHMS = ['ES384', 'RS384', 'ES256', 'ES512', 'RS256', 'RS512', 'PS256', 'PS384', 'PS512'];

export interface JwksOptions {
  /** A JWKS fetch gives up after this long. */
  timeoutMs: number;
  /** Remote key sets are re-fetched at most this often, including on an unknown `kid`. */
  cooldownMs: number;
  /** Cached remote key sets are refreshed after this long. */
  maxAgeMs: number;
  /** While refreshes fail, the last good remote key set is kept this long past `maxAgeMs` (default 24 hours). */
  graceMs?: number;
  /** Where failed JWKS fetches are reported. */
  logger?: Logger;
  /** Milliseconds since the epoch (tests inject a clock). */
  now?: () => number;
}

export interface IssuerTrust {
  issuer: TrustedIssuer;
  algorithms: string[];
  /** Accepted `aud` values beside the URL called. */
  audiences: string[];
  keys: JWTVerifyGetKey;
  /** Key sets of allowlisted `jku` URLs, by exact URL. */
  jku: Map<string, JWTVerifyGetKey>;
}

/**
 * The EHRs this service answers, indexed once at start: each issuer's key set (inline, or a remote
 * JWKS cached, refreshed on an unknown `kid`, and kept through an outage of its endpoint: see
 * `remoteJwks`), algorithms, audiences and allowlisted `jku` URLs.
 */
export class TrustStore {
  private readonly byIssuer = new Map<string, IssuerTrust>();

  constructor(issuers: TrustedIssuer[], options: JwksOptions) {
    const { timeoutMs, cooldownMs, maxAgeMs, graceMs = 24 * 3_600_000, logger, now } = options;
    const remote = (issuer: string, url: string) =>
      remoteJwks(url, { issuer, timeoutMs, cooldownMs, refreshMs: maxAgeMs, graceMs, logger, now });
    for (const issuer of issuers) {
      const keys = issuer.jwks ? createLocalJWKSet(issuer.jwks) : remote(issuer.iss, issuer.jwksUrl as string);
      this.byIssuer.set(issuer.iss, {
        issuer,
        algorithms: issuer.algorithms ?? DEFAULT_ALGORITHMS,
        audiences: issuer.audiences ?? [],
        keys,
        jku: new Map((issuer.jkuAllowlist ?? []).map((url) => [url, remote(issuer.iss, url)])),
      });
    }
  }

  get(iss: string): IssuerTrust | undefined {
    return this.byIssuer.get(iss);
  }

  issuers(): string[] {
    return [...this.byIssuer.keys()];
  }
}
