/**
 * CIDR blocks of NetworkPolicy `ipBlock` peers, with ipaddr.js. The address part is parsed as strictly as
 * `parseIP` parses any address (ipaddr.js alone would read `010.0.0.0` as octal); the prefix is checked against
 * the family. A block with host bits set (`10.0.0.1/24`) stands for its network, as Go's `net.ParseCIDR` reads it.
 */
import * as ipaddr from 'ipaddr.js';
import { type IPFamily, type ParsedIP, parseIP } from '../ip';

export interface Cidr {
  readonly family: IPFamily;
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
  readonly text: string;
  /** The address has bits set beyond the prefix (`10.0.0.1/24`): the block is its network all the same. */
  readonly hostBits: boolean;
  /** An IPv4-mapped IPv6 address (`::ffff:10.0.0.0/104`), which API servers from Kubernetes 1.36 refuse. */
  readonly mapped: boolean;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  const address = toIpaddr(ip);
  const mapped = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress();
  return { family: ip.family, address, prefix, text, hostBits: hasHostBits(address.toByteArray(), prefix), mapped };
}

/**
 * The ipaddr.js form of an address `parseIP` accepted. IPv4 is built from its octets: ipaddr.js's general parser
 * tries every legacy IPv4 form first and costs ten times as much, which a large policy set would feel.
 */
function toIpaddr(ip: ParsedIP): ipaddr.IPv4 | ipaddr.IPv6 {
  return ip.family === 4 ? new ipaddr.IPv4(ip.text.split('.').map(Number)) : ipaddr.IPv6.parse(ip.text);
}

/** Whether any bit after the first `prefix` bits is set. */
function hasHostBits(bytes: number[], prefix: number): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const kept = Math.min(8, Math.max(0, prefix - i * 8));
    if ((bytes[i]! & (0xff >> kept)) !== 0) return true;
  }
  return false;
}

/** An address parsed once for many block tests. */
export interface ParsedAddress {
  readonly family: IPFamily;
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
}

export function parseAddress(text: string): ParsedAddress | undefined {
  const ip = parseIP(text);
  return ip && { family: ip.family, address: toIpaddr(ip) };
}

/** Whether `ip` lies in `cidr`. Addresses of the other family never do. */
export function cidrContains(cidr: Cidr, ip: ParsedAddress): boolean {
  if (cidr.family !== ip.family) return false;
  return (ip.address as ipaddr.IPv4).match(cidr.address as ipaddr.IPv4, cidr.prefix);
}

/**
 * Whether `inner` is a strict subset of `outer`, the API server's rule for each `except` entry
 * (ValidateIPBlock: the block contains the except's network address and has a shorter prefix).
 */
export function isStrictSubset(inner: Cidr, outer: Cidr): boolean {
  return inner.family === outer.family && outer.prefix < inner.prefix && cidrContains(outer, inner);
}
