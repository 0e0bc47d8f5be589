/**
 * URL rules shared by every setting that names a server: `https://` always,
 * `http://` only for loopback hosts (test harnesses, local simulators), in production too.
 */
const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Returns why `value` is not an acceptable server URL, or undefined when it is. */
export function serverUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? undefined : 'uses http:// for a host that is not loopback (use https://)';
  }
  return `uses the unsupported scheme ${url.protocol}`;
}
