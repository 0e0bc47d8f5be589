import dns from 'node:dns';
import net from 'node:net';
import { Agent, type Dispatcher } from 'undici';

/**
 * Addresses a FHIR read must never reach when the EHR did not declare its FHIR servers: loopback, private,
 * carrier-grade NAT, link-local (cloud metadata at 169.254.169.254 among them) and unspecified, IPv4 and IPv6
 * (an IPv4-mapped IPv6 address is judged as its IPv4 address).
 */
const IPV4_RANGES: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
];
const IPV6_RANGES: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
];

export const ADDRESS_NOT_ALLOWED = 'EADDRNOTALLOWED';

export function isForbiddenAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return IPV4_RANGES.some(([network, prefix]) => inRange(ipv4(address), ipv4(network), 32, prefix));
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isForbiddenAddress(mapped[1]);
  return IPV6_RANGES.some(([network, prefix]) => inRange(ipv6(address), ipv6(network), 128, prefix));
}

function inRange(address: bigint, network: bigint, bits: number, prefix: number): boolean {
  const shift = BigInt(bits - prefix);
  return address >> shift === network >> shift;
}

function ipv4(address: string): bigint {
  return address.split('.').reduce((n, octet) => (n << 8n) + BigInt(Number(octet)), 0n);
}

function ipv6(address: string): bigint {
  const [head, tail = ''] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = address.includes('::') ? [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)] : groups(head);
  return all.reduce((n, group) => (n << 16n) + BigInt(parseInt(group || '0', 16)), 0n);
}

/** dns.lookup, refusing any answer that is a forbidden address: checked when connecting, so DNS cannot swap it afterwards. */
function guardedLookup(
  hostname: string,
  options: dns.LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses;
    if (list.length === 0 || list.some((a) => isForbiddenAddress(a.address))) {
      return callback(
        Object.assign(new Error(`${hostname} resolves to an address a FHIR read may not reach`), { code: ADDRESS_NOT_ALLOWED }),
        [],
      );
    }
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}

const dispatchers = new Map<string, Dispatcher>();

/**
 * The connection pool FHIR reads go through, made once per setting: responses larger than `maxResponseBytes` are
 * cut off (a failed read), and, with `guard`, names are resolved through `guardedLookup`.
 *
 * @example fhirDispatcher({ guard: true, maxResponseBytes: 20 * 1024 * 1024 })
 */
export function fhirDispatcher(options: { guard: boolean; maxResponseBytes: number }): Dispatcher {
  const key = `${options.guard}|${options.maxResponseBytes}`;
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    dispatcher = new Agent({ maxResponseSize: options.maxResponseBytes, ...(options.guard ? { connect: { lookup: guardedLookup } } : {}) });
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}
