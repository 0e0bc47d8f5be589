import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { TrustedIssuer } from '../config/load';

/** Asymmetric algorithms accepted when an issuer names none: never `none`, never HS*. */
export const DEFAULT_ALGORITHMS = ['ES384', 'RS384', 'ES256', 'ES512', 'RS256', 'RS512', 'PS256', 'PS384', 'PS512'];

export interface JwksOptions {
  /** A JWKS fetch gives up after this long. */
  timeoutMs: number;
  /** Remote key sets are re-fetched at most this often, including on an unknown `kid`. */
  cooldownMs: number;
  /** Cached remote key sets are refreshed after this long. */
  maxAgeMs: number;
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
 * JWKS cached and refreshed on an unknown `kid`), algorithms, audiences and allowlisted `jku` URLs.
 */
export class TrustStore {
  private readonly byIssuer = new Map<string, IssuerTrust>();

  constructor(issuers: TrustedIssuer[], options: JwksOptions) {
    const remote = (url: string) => createRemoteJWKSet(new URL(url), { timeoutDuration: options.timeoutMs, cooldownDuration: options.cooldownMs, cacheMaxAge: options.maxAgeMs });
    for (const issuer of issuers) {
      const keys = issuer.jwks ? createLocalJWKSet(issuer.jwks as Parameters<typeof createLocalJWKSet>[0]) : remote(issuer.jwksUrl as string);
      this.byIssuer.set(issuer.iss, {
        issuer,
        algorithms: issuer.algorithms ?? DEFAULT_ALGORITHMS,
        audiences: issuer.audiences ?? [],
        keys,
        jku: new Map((issuer.jkuAllowlist ?? []).map((url) => [url, remote(url)])),
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
