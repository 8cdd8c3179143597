/**
 * IP address handling: strict parsing, canonical text (RFC 5952 for IPv6), reverse-zone names and the dashed
 * forms that Kubernetes DNS uses in pod and endpoint names.
 *
 * Every IP that enters an index goes through `canonicalIP`, so that `fd00:0::1` and `FD00::1` meet in one
 * hash slot and a lookup never needs a scan.
 */
import * as ipaddr from 'ipaddr.js';

export type IPFamily = 4 | 6;

export interface ParsedIP {
  readonly family: IPFamily;
  /** Canonical text: dotted decimal for IPv4, RFC 5952 for IPv6. */
  readonly text: string;
}

/**
 * Parses an IP literal the way Kubernetes validates one: four-part decimal IPv4 without leading zeros, or IPv6
 * without a zone. Returns undefined for anything else, including the classful and octal IPv4 forms that
 * `inet_aton` would accept, since no Kubernetes object can hold them.
 */
export function parseIP(text: string): ParsedIP | undefined {
  if (isPlainIPv4(text)) return { family: 4, text };
  if (text.indexOf(':') < 0 || text.indexOf('%') >= 0 || text.length > 45) return undefined;
  // ipaddr.js takes microseconds for an IPv6 literal, and one lookup reads the same address several times (its
  // reverse name, its owners, the nodes' addresses): the last ones read are remembered.
  const known = recentIPv6.get(text);
  if (known !== undefined) return known ?? undefined;
  const parsed = parseIPv6(text);
  if (recentIPv6.size >= RECENT_IPV6) recentIPv6.clear();
  recentIPv6.set(text, parsed ?? null);
  return parsed;
}

const RECENT_IPV6 = 4096;
const recentIPv6 = new Map<string, ParsedIP | null>();

function parseIPv6(text: string): ParsedIP | undefined {
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const addr = ipaddr.IPv6.parse(text);
  if (addr.isIPv4MappedAddress()) {
    // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad.
    return { family: 6, text: `::ffff:${addr.toIPv4Address().toString()}` };
  }
  return { family: 6, text: addr.toRFC5952String() };
}

/**
 * Whether `text` is an IPv4 address in the form `parseIP` reads at once (four decimal parts without leading zeros),
 * which is also its canonical text. The test allocates nothing.
 */
export function isPlainIPv4(text: string): boolean {
  // As /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/, by hand: every name
  // a person resolves is tested first, and most are not addresses.
  const n = text.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let i = 0;
  for (;;) {
    let value = 0;
    const start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      value = value * 10 + (c - 0x30);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || value > 255 || (digits > 1 && text.charCodeAt(start) === 0x30)) return false;
    parts++;
    if (i === n) return parts === 4;
    if (parts === 4 || text.charCodeAt(i) !== 0x2e) return false;
    i++;
  }
}

/** The canonical text of an IP literal, or undefined when it is not one. */
export function canonicalIP(text: string): string | undefined {
  // The common case, an IPv4 address already in canonical form, allocates nothing.
  if (isPlainIPv4(text)) return text;
  return parseIP(text)?.text;
}

export function ipFamily(text: string): IPFamily | undefined {
  return parseIP(text)?.family;
}

/** The PTR owner name of an IP: `3.2.1.10.in-addr.arpa.` or the 32 nibbles under `ip6.arpa.`. */
export function reverseName(ip: string): string | undefined {
  if (isPlainIPv4(ip)) {
    const a = ip.indexOf('.');
    const b = ip.indexOf('.', a + 1);
    const c = ip.indexOf('.', b + 1);
    return `${ip.slice(c + 1)}.${ip.slice(b + 1, c)}.${ip.slice(a + 1, b)}.${ip.slice(0, a)}.in-addr.arpa.`;
  }
  const parsed = parseIP(ip);
  if (!parsed) return undefined;
  if (parsed.family === 4) return `${parsed.text.split('.').reverse().join('.')}.in-addr.arpa.`;
  const bytes = ipaddr.IPv6.parse(parsed.text).toByteArray();
  const nibbles: string[] = [];
  for (let i = bytes.length - 1; i >= 0; i--) {
    const b = bytes[i]!;
    nibbles.push((b & 0xf).toString(16), (b >> 4).toString(16));
  }
  return `${nibbles.join('.')}.ip6.arpa.`;
}

/**
 * The IP named by a reverse-zone owner name (lower case, with or without the trailing dot), or undefined when
 * the name is not a complete address under `in-addr.arpa` or `ip6.arpa`.
 */
export function ipFromReverseName(name: string): string | undefined {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n.endsWith('.in-addr.arpa')) {
    const labels = n.slice(0, -'.in-addr.arpa'.length).split('.');
    if (labels.length !== 4) return undefined;
    return canonicalIP(labels.reverse().join('.'));
  }
  if (n.endsWith('.ip6.arpa')) {
    const labels = n.slice(0, -'.ip6.arpa'.length).split('.');
    if (labels.length !== 32 || !labels.every((l) => /^[0-9a-f]$/.test(l))) return undefined;
    const hex = labels.reverse().join('');
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4));
    return canonicalIP(groups.join(':'));
  }
  return undefined;
}

/**
 * The dashed form of an IP used as a DNS label, as CoreDNS writes it for endpoints without a hostname:
 * dots or colons replaced by dashes (`10-1-2-3`, `fd00--1`).
 */
export function dashedIP(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

/**
 * The IP text a dashed label stands for, as CoreDNS reads a pod name: three dashes and no `--` make an IPv4
 * address, anything else is read as IPv6. The result is not validated: callers decide what an invalid one means.
 */
export function undashIP(label: string): string {
  let dashes = 0;
  for (let i = 0; i < label.length; i++) if (label.charCodeAt(i) === 45) dashes++;
  if (dashes === 3 && label.indexOf('--') < 0) return label.replace(/-/g, '.');
  return label.replace(/-/g, ':');
}
