/**
 * Names and addresses in free text: URLs of any scheme (with several hosts, as MongoDB and Kafka write them),
 * `host:port`, names under the cluster zone, IP literals, `host=… port=…` pairs of connection strings, and, in a
 * host position, bare names. The text is what the pod reads (a decoded scalar, a word of a command, a value of an
 * embedded config file); positions are mapped back to the file.
 */
import { parseIP } from '../ip';
import { bareHost, HOST_NAME, MASK, maskPlaceholders, NO_HOST_SCHEMES } from './hosts';
import { sourceRange, type MappedText } from './scalar';
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
  /** A port written beside the host elsewhere (a sibling `port:` key), for a bare name in a host position. */
  readonly pairedPort?: { readonly port: number; readonly start: number; readonly end: number };
}

const HOST_PART = String.raw`\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?`;
const URL_RE = new RegExp(String.raw`(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,20}):\/\/(\/?)(?:[^@\s\/?#\u0001]*@)?(${HOST_PART})(?::(\d{1,5}))?((?:,(?:${HOST_PART})(?::\d{1,5})?)*)`, 'g');
const LIST_HOST_RE = new RegExp(String.raw`,(${HOST_PART})(?::(\d{1,5}))?`, 'g');
const HOST_PORT_RE = /(?<![\w.:/@\u0001-])(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})(?![\w.:\u0001])/g;
const DOTTED_RE = /(?<![\w.:/@\u0001-])([A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+)\.?(?![\w:\u0001-])/g;
const IPV6_RE = /(?<![\w:.])((?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4})(?![\w:.])/g;
/** `host=db port=5432` (libpq), `Server=tcp:db,1433;` (ADO.NET), `Data Source=db`: a host key in a connection string. */
const DSN_HOST_RE = /(?<![\w.-])(host|hostaddr|hostname|server|data source|address|addr)\s*=\s*(?:tcp:)?([A-Za-z0-9_.\[\]:-]+?)(?:,(\d{1,5}))?(?=$|[\s;&,])/gi;
const DSN_PORT_RE = /(?<![\w.-])port\s*=\s*(\d{1,5})(?=$|[\s;&,])/gi;

/** Scans a text for references, each passed to `sink` once. */
export function scanText(m: MappedText, options: TextOptions, sink: Sink): void {
  const text = m.text;
  if (text.length === 0) return;
  const masked = maskPlaceholders(text);
  const taken = new Uint8Array(text.length);
  const overlaps = (a: number, b: number) => {
    for (let k = a; k < b; k++) if (taken[k] === 1) return true;
    return false;
  };
  const zone = options.zone.toLowerCase();
  const linkStrength: Strength = options.linksWeak ? 'weak' : 'strong';
  // A placeholder glued to a host makes the host itself a template (`${SERVICE}-announce-0`): not a reference.
  const glued = (a: number, b: number) => (a > 0 && masked[a - 1] === MASK) || (b < masked.length && masked[b] === MASK);
  // A placeholder elsewhere in the same word (`http://links?ns=${namespace}`): the word is a template.
  const templated = (a: number, b: number) => {
    for (let k = a - 1; k >= 0 && !/[\s"'`]/.test(masked[k]!); k--) if (masked[k] === MASK) return true;
    for (let k = b; k < masked.length && !/[\s"'`]/.test(masked[k]!); k++) if (masked[k] === MASK) return true;
    return false;
  };
  const push = (
    kind: ReferenceKind,
    a: number,
    b: number,
    ha: number,
    hb: number,
    host: string,
    strength: Strength,
    port?: { value: number; a: number; b: number; inFile?: boolean },
    scheme?: string,
  ) => {
    taken.fill(1, a, b);
    const [start, end] = sourceRange(m, a, b);
    const [hostStart, hostEnd] = sourceRange(m, ha, hb);
    const p = port ? (port.inFile ? [port.a, port.b] : sourceRange(m, port.a, port.b)) : undefined;
    sink({
      kind,
      start,
      end,
      hostStart,
      hostEnd,
      host,
      strength,
      ...(port ? { port: port.value, portStart: p![0], portEnd: p![1] } : {}),
      ...(scheme ? { scheme } : {}),
      ...(templated(a, b) ? { template: true } : {}),
    });
  };
  const hostKind = (host: string, fallback: ReferenceKind): ReferenceKind => (parseIP(host) ? 'ip' : fallback);
  const validPort = (p: string | undefined) => p !== undefined && Number(p) >= 1 && Number(p) <= 65535;

  if (masked.includes('://')) {
    for (const u of masked.matchAll(URL_RE)) {
      const i = u.index!;
      const scheme = u[1]!.toLowerCase();
      const hostText = u[3]!;
      const hostAt = masked.indexOf(hostText, i + u[1]!.length + 3 + u[2]!.length);
      const after = hostAt + hostText.length;
      // `k8s://https://…`: the scheme is a prefix of another URL, which is matched on its own.
      if (masked.startsWith('://', after)) continue;
      if (NO_HOST_SCHEMES.has(scheme) || scheme.startsWith('git+') || glued(hostAt, after)) {
        taken.fill(1, i, i + u[0].length);
        continue;
      }
      const host = hostText.replace(/^\[|\]$/g, '');
      const portText = u[4];
      const firstEnd = after + (portText ? portText.length + 1 : 0);
      const port = portText && validPort(portText) ? { value: Number(portText), a: firstEnd - portText.length, b: firstEnd } : undefined;
      push(hostKind(host, 'url'), i, firstEnd, hostAt, after, host, linkStrength, port, scheme);
      // Several hosts in one URL: `mongodb://h1:27017,h2:27017/db`.
      if (u[5]) {
        for (const h of u[5].matchAll(LIST_HOST_RE)) {
          const a = firstEnd + h.index! + 1;
          const hb = a + h[1]!.length;
          const b = hb + (h[2] ? h[2].length + 1 : 0);
          const hh = h[1]!.replace(/^\[|\]$/g, '');
          push(hostKind(hh, 'host-port'), a, b, a, hb, hh, linkStrength, h[2] && validPort(h[2]) ? { value: Number(h[2]), a: hb + 1, b } : undefined);
        }
      }
    }
  }

  if (masked.includes('=')) {
    const ports = [...masked.matchAll(DSN_PORT_RE)];
    const hosts = [...masked.matchAll(DSN_HOST_RE)];
    for (const h of hosts) {
      const value = h[2]!;
      const a = h.index! + h[0].indexOf(value, h[1]!.length);
      const b = a + value.length;
      if (overlaps(a, b) || glued(a, b) || !plausibleHost(value)) continue;
      const own = h[3] ? { value: Number(h[3]), a: b + 1, b: b + 1 + h[3].length } : undefined;
      const paired = own ?? (hosts.length === 1 && ports.length === 1 ? portOf(ports[0]!) : undefined);
      const host = value.replace(/^\[|\]$/g, '');
      push(hostKind(host, 'name'), a, paired && paired.a === b + 1 ? paired.b : b, a, b, host, 'strong', paired);
    }
  }

  if (masked.includes(':')) {
    for (const hp of masked.matchAll(HOST_PORT_RE)) {
      const i = hp.index!;
      const len = hp[0].length;
      if (overlaps(i, i + len) || glued(i, i + len)) continue;
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
      push(ip ? 'ip' : 'host-port', i, i + len, i, i + hostText.length, host, linkStrength, { value: Number(hp[2]), a: i + hostText.length + 1, b: i + len });
    }
  }

  const wholeValue = masked.trim();
  const paired = options.pairedPort ? { value: options.pairedPort.port, a: options.pairedPort.start, b: options.pairedPort.end, inFile: true } : undefined;
  if (masked.includes('.')) {
    for (const d of masked.matchAll(DOTTED_RE)) {
      const i = d.index!;
      const name = d[1]!;
      const len = d[0].length;
      if (overlaps(i, i + len) || glued(i, i + len)) continue;
      if (parseIP(name)) {
        push('ip', i, i + name.length, i, i + name.length, name, 'strong');
        continue;
      }
      // Free text is full of dotted words (file names, versions, Java packages): only cluster-looking names count,
      // and any dotted name in a host position.
      const lower = name.toLowerCase();
      const clusterish = lower.endsWith(`.${zone}`) || /\.(svc|pod)(\.|$)/.test(lower) || /\.(svc|pod)s?\.cluster\.local$|\.services?\.cluster\.local$/.test(lower);
      const inHostPosition = options.hostPosition !== undefined && isListItem(wholeValue, d[0]);
      if (!clusterish && !inHostPosition) continue;
      if (!HOST_NAME.test(name)) continue;
      push('name', i, i + len, i, i + name.length, name, clusterish ? 'strong' : options.hostPosition!, d[0] === wholeValue ? paired : undefined);
    }
  }
  if (masked.includes(':')) {
    for (const v of masked.matchAll(IPV6_RE)) {
      const i = v.index!;
      if (overlaps(i, i + v[0].length) || !parseIP(v[1]!)) continue;
      push('ip', i, i + v[0].length, i, i + v[0].length, v[1]!, 'strong');
    }
  }
  if (options.hostPosition !== undefined) {
    // Bare names in a host position: the whole value, or each item of a list (`a,b,c`).
    for (const w of wholeValue.split(/\s*[,;]\s*|\s+/)) {
      if (w === '' || !bareHost(w)) continue;
      const i = indexOfWord(masked, w);
      if (i < 0 || overlaps(i, i + w.length) || glued(i, i + w.length)) continue;
      if (w !== wholeValue && !isListItem(wholeValue, w)) continue;
      push('name', i, i + w.length, i, i + w.length, w, options.hostPosition, w === wholeValue ? paired : undefined);
    }
  }

  function portOf(p: RegExpMatchArray): { value: number; a: number; b: number } | undefined {
    if (!validPort(p[1])) return undefined;
    const a = p.index! + p[0].lastIndexOf(p[1]!);
    return { value: Number(p[1]), a, b: a + p[1]!.length };
  }
}

/** Whether `word` is the whole value or one item of a comma, semicolon or space separated list of hosts. */
function isListItem(whole: string, word: string): boolean {
  if (whole === word) return true;
  const items = whole.split(/\s*[,;]\s*|\s+/);
  return items.length > 1 && items.includes(word) && items.every((it) => it === '' || /^[A-Za-z0-9_.\[\]:-]+$/.test(it));
}

function indexOfWord(text: string, word: string): number {
  const re = new RegExp(`(?<![A-Za-z0-9_.-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_.-])`);
  const m = re.exec(text);
  return m ? m.index : -1;
}

function plausibleHost(value: string): boolean {
  const host = value.replace(/^\[|\]$/g, '');
  if (parseIP(host)) return true;
  if (!HOST_NAME.test(host)) return false;
  return host.includes('.') || bareHost(host);
}
