import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';

/**
 * The issuer's key set cannot be fetched and we hold no key for the token's `kid`: the token can be
 * neither accepted nor refused, so the call is not answered (503), never a 401 the EHR would not retry.
 */
export class KeysUnavailable extends Error {
  constructor(
    readonly issuer: string,
    /** The host of the JWKS URL (never the token). */
    readonly jwksHost: string,
  ) {
    super(`the JWK Set of ${issuer} (${jwksHost}) cannot be fetched`);
    this.name = 'KeysUnavailable';
  }
}

export interface RemoteJwksOptions {
  /** The `iss` whose keys these are, for the log and errors. */
  issuer: string;
  /** A fetch gives up after this long. */
  timeoutMs: number;
  /** Fetches start at most this often: an unknown `kid`, and a failing endpoint, wait this long between tries. */
  cooldownMs: number;
  /** The key set is fetched again once it is this old. */
  refreshMs: number;
  /** While refreshes fail, the last good key set is still used for this long past `refreshMs`; then it is dropped. */
  graceMs: number;
  logger?: Logger;
  /** Milliseconds since the epoch (tests inject a clock). */
  now?: () => number;
}

/**
 * A remote JWK Set (an issuer's `jwksUrl`, or an allowlisted `jku`) as a jose key getter that survives an
 * outage of the endpoint: the last good set keeps verifying the `kid`s it holds for `graceMs` past the
 * refresh age while refreshes fail, and each failure is logged (error, at most once per cooldown).
 * An unknown `kid` triggers a fetch at most once per cooldown; it is refused (JWKSNoMatchingKey, so 401)
 * when the endpoint answered without it, and `KeysUnavailable` (503) when the endpoint cannot be reached.
 *
 * @example
 * const keys = remoteJwks('https://ehr.example.org/jwks.json', { issuer: 'https://ehr.example.org', timeoutMs: 2000, cooldownMs: 30_000, refreshMs: 600_000, graceMs: 24 * 3_600_000, logger });
 * await jwtVerify(token, keys, { issuer: 'https://ehr.example.org' });
 */
export function remoteJwks(url: string, options: RemoteJwksOptions): JWTVerifyGetKey {
  const now = options.now ?? (() => Date.now());
  const host = new URL(url).host;
  let held: { keys: ReturnType<typeof createLocalJWKSet>; fetchedAt: number } | undefined;
  let lastTry: number | undefined;
  let lastLog: number | undefined;
  let reachable = false;
  let pending: Promise<void> | undefined;

  const mayTry = () => lastTry === undefined || now() - lastTry >= options.cooldownMs;

  async function fetchSet(): Promise<void> {
    lastTry = now();
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'error',
        headers: { accept: 'application/jwk-set+json, application/json' },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body: unknown = await response.json();
      if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray((body as { keys?: unknown }).keys))
        throw new Error('not a JWK Set');
      held = { keys: createLocalJWKSet(body as JSONWebKeySet), fetchedAt: now() };
      reachable = true;
    } catch (error) {
      reachable = false;
      if (held && now() - held.fetchedAt >= options.refreshMs + options.graceMs) held = undefined;
      if (lastLog === undefined || now() - lastLog >= options.cooldownMs) {
        lastLog = now();
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        options.logger?.error(
          {
            issuer: options.issuer,
            jwksHost: host,
            reason: (error as Error).name === 'TimeoutError' ? 'timed out' : (cause ?? (error as Error).message),
            cachedKeysAgeS: held ? Math.round((now() - held.fetchedAt) / 1000) : null,
          },
          held
            ? 'JWKS refresh failed: verifying with the last good key set'
            : 'JWKS fetch failed: no key set held, tokens of this issuer get 503',
        );
      }
    }
  }

  /** One fetch at a time: concurrent calls share it. */
  const refresh = () => (pending ??= fetchSet().finally(() => (pending = undefined)));

  return async (header, token) => {
    let fetched = false;
    if ((!held || now() - held.fetchedAt >= options.refreshMs) && (pending || mayTry())) {
      await refresh();
      fetched = true;
    }
    if (held && now() - held.fetchedAt >= options.refreshMs + options.graceMs) held = undefined;
    if (held) {
      try {
        return await held.keys(header, token);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
        if (!fetched && mayTry()) {
          await refresh();
          if (reachable && held) return held.keys(header, token);
        }
        if (reachable) throw error;
      }
    }
    throw new KeysUnavailable(options.issuer, host);
  };
}
