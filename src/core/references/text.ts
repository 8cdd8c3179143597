/**
 * Names and addresses in free text: URLs of any scheme (with several hosts, as MongoDB and Kafka write them),
 * `host:port`, names under the cluster zone, IP literals, `host=… port=…` pairs of connection strings, and, in a
 * host position, bare names. The text is what the pod reads (a decoded scalar, a word of a command, a value of an
 * embedded config file); positions are mapped back to the file.
 */
import { parseIP } from '../ip';
import { bareHost, HOST_NAME, MASK, maskPlaceholders, NO_HOST_SCHEMES } from './hosts';
import { type MappedText, sourceRange } from './scalar';
import type { ReferenceKind, Strength } from './types';

/** A reference found in text, with offsets in the file. */
export interface Found {
  readonly kind: ReferenceKind;
  readonly start: number;
  readonly end: number;
  readonly hostStart: number;
  readonly hostEnd: number;
  readonly host: string;
  readonly port?: number;
  readonly portStart?: number;
  readonly portEnd?: number;
  readonly scheme?: string;
  readonly strength: Strength;
  readonly template?: boolean;
  /** Found in an option that tells other pods how to reach this one (see Reference.advertised). */
  readonly advertised?: boolean;
}

export type Sink = (found: Found) => void;

export interface TextOptions {
  readonly zone: string;
  /**
   * The whole text is a host position (an env var named `*_HOST`, a `host:` key, a `--join` flag): a bare name,
   * or a list of names, counts as a reference of this strength.
   */
  readonly hostPosition?: Strength;
  /**
   * URLs and `host:port` found here are weak: links that a browser opens (`externalUrl`, UI link templates)
   * rather than addresses the pod connects to.
   */
  readonly linksWeak?: boolean;
  /** The text says how other pods reach this one (`--advertise-client-urls`): its names are not the pod's own. */
  readonly advertised?: boolean;
  /** A port written beside the host elsewhere (a sibling `port:` key), for a bare name in a host position. */
  readonly pairedPort?: { readonly port: number; readonly start: number; readonly end: number };
}

const HOST_PART = String.raw`\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?`;
const URL_RE = new RegExp(
  String.raw`(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,20}):\/\/(\/?)(?:[^@\s\/?#\u0001]*@)?(${HOST_PART}\.?)(?::(\d{1,5}))?((?:,(?:${HOST_PART})(?::\d{1,5})?)*)`,
  'g',
);
const LIST_HOST_RE = new RegExp(String.raw`,(${HOST_PART})(?::(\d{1,5}))?`, 'g');
const HOST_PORT_RE = /(?<![\w.:/@\u0001-])(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})(?![\w.:\u0001])/g;
const DOTTED_RE = /(?<![\w.:/@\u0001-])([A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+)\.?(?![\w:\u0001-])/g;
const IPV6_RE = /(?<![\w:.])((?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4})(?![\w:.])/g;
/**
 * `host=db port=5432` (libpq), `Server=tcp:db,1433;` (ADO.NET), `Data Source=db`: a host key in a connection string.
 * The value ends the text, or a quote, separator or comment follows, or the next `key=`: not the first word of a
 * statement (`const server = new Http.Server(…)` in a script is no connection string).
 */
const DSN_HOST_RE =
  /(?<![\w.-])((?:[a-z][\w-]*_)?(?:host|hostaddr|hostname|server|data source|address|addr))\s*=\s*['"]?(?:tcp:)?([A-Za-z0-9_.[\]:-]+?)(?:,(\d{1,5}))?(?=$|['";&,]|\s+(?:$|[#;]|[A-Za-z_][\w.-]*\s*=))/gi;
const DSN_PORT_RE = /(?<![\w.-])port\s*=\s*(\d{1,5})(?=$|[\s;&,])/gi;

/** Scans a text for references, each passed to `sink` once. */
export function scanText(m: MappedText, options: TextOptions, sink: Sink): void {
  if (m.text.length === 0) return;
  const scan = new TextScan(m, options, sink);
  // The most specific patterns first: a URL holds a `host:port`, which holds a dotted name.
  if (scan.masked.includes('://')) scan.urls();
  if (scan.masked.includes('=')) scan.connectionStrings();
  if (scan.masked.includes(':')) scan.hostPorts();
  if (scan.masked.includes('.')) scan.dottedNames();
  if (scan.masked.includes(':')) scan.ipv6();
  if (options.hostPosition !== undefined) scan.bareNames(options.hostPosition);
}

/** A port found in the text (offsets in the text), or written elsewhere in the file (`inFile`: offsets in the file). */
interface FoundPort {
  readonly value: number;
  readonly a: number;
  readonly b: number;
  readonly inFile?: boolean;
}

const validPort = (p: string | undefined): p is string => p !== undefined && Number(p) >= 1 && Number(p) <= 65535;
const hostKind = (host: string, fallback: ReferenceKind): ReferenceKind => (parseIP(host) ? 'ip' : fallback);

/** One text's scan: the placeholders masked, the characters already claimed by a reference, and the patterns. */
class TextScan {
  /** The text with placeholders replaced by MASK (offsets unchanged). */
  readonly masked: string;
  /**
   * The characters already claimed by a reference, as a mask: a list of ranges searched for every match made the
   * scan quadratic, and one embedded file with tens of thousands of names held the event loop for seconds.
   */
  private readonly taken: Uint8Array;
  private readonly linkStrength: Strength;
  private readonly whole: string;
  private readonly paired: FoundPort | undefined;

  constructor(
    private readonly m: MappedText,
    private readonly options: TextOptions,
    private readonly sink: Sink,
  ) {
    this.masked = maskPlaceholders(m.text);
    this.taken = new Uint8Array(m.text.length);
    this.linkStrength = options.linksWeak || options.advertised ? 'weak' : 'strong';
    this.whole = this.masked.trim();
    const p = options.pairedPort;
    this.paired = p ? { value: p.port, a: p.start, b: p.end, inFile: true } : undefined;
  }

  private overlaps(a: number, b: number): boolean {
    for (let k = a; k < b; k++) if (this.taken[k] === 1) return true;
    return false;
  }

  /** A placeholder glued to a host makes the host itself a template (`${SERVICE}-announce-0`): not a reference. */
  private glued(a: number, b: number): boolean {
    const masked = this.masked;
    return (a > 0 && masked[a - 1] === MASK) || (b < masked.length && masked[b] === MASK);
  }

  /** A placeholder elsewhere in the same word (`http://links?ns=${namespace}`): the word is a template. */
  private templated(a: number, b: number): boolean {
    const masked = this.masked;
    for (let k = a - 1; k >= 0 && !/[\s"'`]/.test(masked[k]!); k--) if (masked[k] === MASK) return true;
    for (let k = b; k < masked.length && !/[\s"'`]/.test(masked[k]!); k++) if (masked[k] === MASK) return true;
    return false;
  }

  /** Reports a reference: the whole of it `a..b`, its host `ha..hb` (offsets in the text). */
  private push(kind: ReferenceKind, a: number, b: number, ha: number, hb: number, host: string, strength: Strength, port?: FoundPort, scheme?: string): void {
    this.taken.fill(1, a, b);
    const m = this.m;
    const [start, end] = sourceRange(m, a, b);
    const [hostStart, hostEnd] = sourceRange(m, ha, hb);
    const p = port ? (port.inFile ? [port.a, port.b] : sourceRange(m, port.a, port.b)) : undefined;
    this.sink({
      kind,
      start,
      end,
      hostStart,
      hostEnd,
      host,
      strength,
      ...(port ? { port: port.value, portStart: p![0]!, portEnd: p![1]! } : {}),
      ...(scheme ? { scheme } : {}),
      ...(this.templated(a, b) ? { template: true } : {}),
      ...(this.options.advertised ? { advertised: true } : {}),
    });
  }

  /** `scheme://[user@]host[:port][,host[:port]]…`. */
  urls(): void {
    const masked = this.masked;
    for (const u of masked.matchAll(URL_RE)) {
      const i = u.index!;
      const scheme = u[1]!.toLowerCase();
      const hostText = u[3]!;
      const hostAt = masked.indexOf(hostText, i + u[1]!.length + 3 + u[2]!.length);
      const after = hostAt + hostText.length;
      // `k8s://https://…`: the scheme is a prefix of another URL, which is matched on its own.
      if (masked.startsWith('://', after)) continue;
      if (NO_HOST_SCHEMES.has(scheme) || scheme.startsWith('git+') || this.glued(hostAt, after)) {
        this.taken.fill(1, i, i + u[0].length);
        continue;
      }
      const host = hostText.replace(/^\[|\]$/g, '');
      const portText = u[4];
      const firstEnd = after + (portText ? portText.length + 1 : 0);
      const port = validPort(portText) ? { value: Number(portText), a: firstEnd - portText.length, b: firstEnd } : undefined;
      this.push(hostKind(host, 'url'), i, firstEnd, hostAt, after, host, this.linkStrength, port, scheme);
      // Several hosts in one URL: `mongodb://h1:27017,h2:27017/db`.
      if (!u[5]) continue;
      for (const h of u[5].matchAll(LIST_HOST_RE)) {
        const a = firstEnd + h.index! + 1;
        const hb = a + h[1]!.length;
        const b = hb + (h[2] ? h[2].length + 1 : 0);
        const hh = h[1]!.replace(/^\[|\]$/g, '');
        this.push(hostKind(hh, 'host-port'), a, b, a, hb, hh, this.linkStrength, validPort(h[2]) ? { value: Number(h[2]), a: hb + 1, b } : undefined);
      }
    }
  }

  /** `host=db port=5432` (libpq), `Server=tcp:db,1433;` (ADO.NET). */
  connectionStrings(): void {
    const masked = this.masked;
    const ports = [...masked.matchAll(DSN_PORT_RE)];
    const hosts = [...masked.matchAll(DSN_HOST_RE)];
    for (const h of hosts) {
      const value = h[2]!;
      const a = h.index! + h[0].indexOf(value, h[1]!.length);
      const b = a + value.length;
      if (this.overlaps(a, b) || this.glued(a, b) || !plausibleHost(value)) continue;
      const own = h[3] ? { value: Number(h[3]), a: b + 1, b: b + 1 + h[3].length } : undefined;
      const paired = own ?? (hosts.length === 1 && ports.length === 1 ? portOf(ports[0]!) : undefined);
      const host = value.replace(/^\[|\]$/g, '');
      this.push(hostKind(host, 'name'), a, paired && paired.a === b + 1 ? paired.b : b, a, b, host, 'strong', paired);
    }
  }

  /** `host:port`, where the host is an IP or looks like a Service's name. */
  hostPorts(): void {
    for (const hp of this.masked.matchAll(HOST_PORT_RE)) {
      const i = hp.index!;
      const len = hp[0].length;
      if (this.overlaps(i, i + len) || this.glued(i, i + len)) continue;
      const hostText = hp[1]!;
      const host = hostText.replace(/^\[|\]$/g, '');
      const ip = parseIP(host);
      if (!ip) {
        // A time (`12:30`) or ratio has no letter; a single word must look like a Service name (`redis:6379`, not
        // `Retries:3` or `http:80`).
        if (!/[A-Za-z]/.test(host) || !HOST_NAME.test(host)) continue;
        if (!host.includes('.') && !bareHost(host)) continue;
      }
      if (!validPort(hp[2])) continue;
      this.push(ip ? 'ip' : 'host-port', i, i + len, i, i + hostText.length, host, this.linkStrength, {
        value: Number(hp[2]),
        a: i + hostText.length + 1,
        b: i + len,
      });
    }
  }

  /**
   * Dotted names: IPv4 literals, and names under the cluster zone. Free text is full of dotted words (file names,
   * versions, Java packages): only cluster-looking names count, and any dotted name in a host position.
   */
  dottedNames(): void {
    const zone = this.options.zone.toLowerCase();
    for (const d of this.masked.matchAll(DOTTED_RE)) {
      const i = d.index!;
      const name = d[1]!;
      const len = d[0].length;
      if (this.overlaps(i, i + len) || this.glued(i, i + len)) continue;
      if (parseIP(name)) {
        this.push('ip', i, i + name.length, i, i + name.length, name, 'strong');
        continue;
      }
      const lower = name.toLowerCase();
      const clusterish =
        lower.endsWith(`.${zone}`) || /\.(svc|pod)(\.|$)/.test(lower) || /\.(svc|pod)s?\.cluster\.local$|\.services?\.cluster\.local$/.test(lower);
      const inHostPosition = this.options.hostPosition !== undefined && isListItem(this.whole, d[0]);
      if ((!clusterish && !inHostPosition) || !HOST_NAME.test(name)) continue;
      this.push(
        'name',
        i,
        i + len,
        i,
        i + name.length,
        name,
        clusterish ? 'strong' : this.options.hostPosition!,
        d[0] === this.whole ? this.paired : undefined,
      );
    }
  }

  ipv6(): void {
    for (const v of this.masked.matchAll(IPV6_RE)) {
      const i = v.index!;
      if (this.overlaps(i, i + v[0].length) || !parseIP(v[1]!)) continue;
      this.push('ip', i, i + v[0].length, i, i + v[0].length, v[1]!, 'strong');
    }
  }

  /** Bare names in a host position: the whole value, or each item of a list (`a,b,c`). */
  bareNames(strength: Strength): void {
    const whole = this.whole;
    for (const w of whole.split(/\s*[,;]\s*|\s+/)) {
      if (w === '' || !bareHost(w)) continue;
      const i = indexOfWord(this.masked, w);
      if (i < 0 || this.overlaps(i, i + w.length) || this.glued(i, i + w.length)) continue;
      if (w !== whole && !isListItem(whole, w)) continue;
      this.push('name', i, i + w.length, i, i + w.length, w, strength, w === whole ? this.paired : undefined);
    }
  }
}

function portOf(p: RegExpMatchArray): FoundPort | undefined {
  if (!validPort(p[1])) return undefined;
  const a = p.index! + p[0].lastIndexOf(p[1]);
  return { value: Number(p[1]), a, b: a + p[1].length };
}

/** Whether `word` is the whole value or one item of a comma, semicolon or space separated list of hosts. */
function isListItem(whole: string, word: string): boolean {
  if (whole === word) return true;
  const items = whole.split(/\s*[,;]\s*|\s+/);
  return items.length > 1 && items.includes(word) && items.every((it) => it === '' || /^[A-Za-z0-9_.[\]:-]+$/.test(it));
}

/** Where `word` first stands alone in `text`: not preceded or followed by a name character (`[A-Za-z0-9_.-]`). */
function indexOfWord(text: string, word: string): number {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if (i > 0 && NAME_CHAR.test(text[i - 1]!)) continue;
    const after = text[i + word.length];
    if (after !== undefined && NAME_CHAR.test(after)) continue;
    return i;
  }
  return -1;
}

const NAME_CHAR = /[A-Za-z0-9_.-]/;

function plausibleHost(value: string): boolean {
  const host = value.replace(/^\[|\]$/g, '');
  if (parseIP(host)) return true;
  if (!HOST_NAME.test(host)) return false;
  return host.includes('.') || bareHost(host);
}
