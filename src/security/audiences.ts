import { isLoopbackHost } from '../config/urls';

/**
 * The `aud` values a token may carry for the URL called: that URL, with or without a trailing slash; and, in
 * development, the same URL on any loopback name (`localhost`, `127.0.0.1`, `[::1]` are one host to a tester
 * who typed another in the CDS Hooks sandbox). In production only the configured public URL counts.
 *
 * @example acceptedAudiences('http://localhost:3000/cds-services', false) // [..., 'http://127.0.0.1:3000/cds-services', ...]
 */
export function acceptedAudiences(url: string, production: boolean): string[] {
  const bare = url.replace(/\/+$/, '');
  const forms = new Set([bare, `${bare}/`]);
  if (!production) {
    const parsed = new URL(bare);
    if (isLoopbackHost(parsed.hostname)) {
      for (const host of ['localhost', '127.0.0.1', '[::1]']) {
        const alias = new URL(bare);
        alias.hostname = host;
        const text = alias.toString().replace(/\/+$/, '');
        forms.add(text);
        forms.add(`${text}/`);
      }
    }
  }
  return [...forms];
}
