import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A webhook URL or the address it resolves to is not a public internet address. */
export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError';
}

/**
 * Why an IP address may not receive webhooks (server-side request forgery), or undefined for a
 * public unicast address. Loopback, private, link-local (cloud metadata too), unique-local,
 * carrier-grade NAT, multicast, reserved and the IPv6 forms that embed IPv4 are refused;
 * an IPv4-mapped IPv6 address is judged by the IPv4 address it maps.
 */
export function addressProblem(ip: string): string | undefined {
  if (!ipaddr.isValid(ip)) return `${ip} is not an IP address`;
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  const range = address.range();
  return range === 'unicast' ? undefined : `${ip} is a ${range} address, not a public one`;
}

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Checks a URL's host: an IP literal directly, a name by resolving it and checking every address.
 * Throws TargetRefusedError saying why.
 */
export async function assertPublicTarget(url: URL): Promise<void> {
  const host = bare(url.hostname);
  if (isIP(host)) {
    const problem = addressProblem(host);
    if (problem) throw new TargetRefusedError(`refused: ${problem}`);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
  ).catch(() => {
    throw new TargetRefusedError(`refused: ${host} does not resolve`);
  });
  for (const { address } of addresses) {
    const problem = addressProblem(address);
    if (problem) throw new TargetRefusedError(`refused: ${host} resolves to ${problem}`);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for sockets that refuses non-public addresses after resolution, so the address
 * checked is the address dialled (no DNS rebinding between check and connect).
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    for (const { address } of addresses) {
      const problem = addressProblem(address);
      if (problem) return callback(new TargetRefusedError(`refused: ${hostname} resolves to ${problem}`), []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    return callback(null, first.address, first.family);
  });
}
