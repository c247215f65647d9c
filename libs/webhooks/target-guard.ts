import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A webhook URL or the address it resolves to is not a public internet address. */
export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError';
}

/** Global unicast IPv6 (RFC 4291): the only IPv6 space that routes to the public internet. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Why an IP address may not receive webhooks (server-side request forgery), or undefined for a
 * public unicast address. An allowlist, so new special ranges are refused by default: IPv4 must be
 * unicast (not loopback, private, link-local — cloud metadata too —, carrier-grade NAT, multicast,
 * reserved, benchmarking); IPv6 must be global unicast (2000::/3) outside every special range, so
 * every form that embeds an IPv4 address and routes elsewhere is refused (IPv4-compatible ::a.b.c.d,
 * NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32, translated ::ffff:0:0:0/96).
 * An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 address itself to the socket: judged as that.
 */
export function addressProblem(ip: string): string | undefined {
  if (!ipaddr.isValid(ip)) return `${ip} is not an IP address`;
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  const range = address.range();
  if (range !== 'unicast') return `${ip} is a ${range} address, not a public one`;
  if (address.kind() === 'ipv6' && !address.match(GLOBAL_UNICAST_V6))
    return `${ip} is a non-global IPv6 address, not a public one`;
  return undefined;
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
