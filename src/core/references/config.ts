/**
 * Config files embedded in ConfigMaps and Secrets, read by format: YAML, JSON, TOML, INI, `.properties`, env files,
 * fluent-bit and other `key value` formats, nginx, haproxy, redis and sentinel configuration, and shell scripts.
 * A value under a host key (`host`, `hostname`, `address`, `*_host`, `*Host`, …) is a host position, and a
 * sibling `port` key is paired with it. Everything else is read as free text.
 */
import { visit as visitJson } from 'jsonc-parser';
import { type Document, isMap, isScalar, isSeq, type Pair, parseDocument, type Node as YamlNode } from 'yaml';
import { readBlockYaml } from '../block-yaml';
import { scanScript } from './commands';
import { type MappedText, scalarText } from './scalar';
import { type Sink, scanText, type TextOptions } from './text';
import type { Strength } from './types';

/** Embedded files inside embedded files: a YAML value that is itself a config file, and so on, this deep. */
const MAX_DEPTH = 4;

/** The words of a key, lower case: `redisHost` → redis host, `DB_HOST` → db host, `spring.redis.host` → spring redis host. */
function keyWords(key: string): string[] {
  const cached = WORDS.get(key);
  if (cached) return cached;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (WORDS.size > 10_000) WORDS.clear();
  WORDS.set(key, words);
  return words;
}
const WORDS = new Map<string, string[]>();

const STRONG_LAST = new Set([
  'host',
  'hostname',
  'hosts',
  'hostnames',
  'addr',
  'address',
  'addresses',
  'endpoint',
  'endpoints',
  'dsn',
  'broker',
  'brokers',
  'peer',
  'peers',
  'seed',
  'seeds',
  'upstream',
  'upstreams',
  'targets',
  'nameserver',
  'nameservers',
]);
const STRONG_PAIRS = new Set([
  'bootstrap servers',
  'bootstrap server',
  'broker list',
  'data source',
  'sentinel hosts',
  'sentinel addrs',
  'server address',
  'server addr',
  'endpoint address',
  'contact points',
  'zookeeper connect',
  'cluster nodes',
]);
// `service:` is left out: in config files it is far more often a label (an alert's, a log's) than a host.
const WEAK_LAST = new Set([
  'url',
  'uri',
  'urls',
  'uris',
  'server',
  'servers',
  'target',
  'backend',
  'master',
  'proxy',
  'connection',
  'nodes',
  'location',
  'remote',
  'destination',
  'sink',
  'collector',
  'agent',
  'registry',
  'origin',
]);
/** Words that make a key about this process's own address, or a name that is no host (`hostPath`, `hostNetwork`). */
const OWN_WORDS = new Set([
  'listen',
  'bind',
  'advertise',
  'advertised',
  'self',
  'own',
  'my',
  'pod',
  'local',
  'path',
  'network',
  'port',
  'ports',
  'pid',
  'ipc',
  'key',
  'header',
  'headers',
  'alias',
  'aliases',
  'name',
  'names',
  'type',
  'mode',
  'enabled',
  'enable',
  'interval',
  'timeout',
]);
/** Keys of links that a person's browser opens, not the pod: the URLs under them are weak references. */
const LINK_WORDS = new Set([
  'link',
  'links',
  'href',
  'homepage',
  'external',
  'public',
  'root',
  'redirect',
  'callback',
  'dashboard',
  'docs',
  'documentation',
  'runbook',
  'ui',
  'console',
  'website',
  'help',
  'support',
]);

/** Whether a key makes its value a host position, and how strongly. */
export function keyHostStrength(key: string): Strength | undefined {
  const words = keyWords(key);
  const last = words[words.length - 1];
  if (last === undefined) return undefined;
  if (words.some((w) => OWN_WORDS.has(w) && w !== last) || OWN_WORDS.has(last)) return undefined;
  if (STRONG_LAST.has(last) || (words.length > 1 && STRONG_PAIRS.has(`${words[words.length - 2]} ${last}`))) return 'strong';
  if (WEAK_LAST.has(last)) return 'weak';
  return undefined;
}

/** Whether a key (or a key of its path) holds links for a browser. */
function linkKey(key: string): boolean {
  return keyWords(key).some((w) => LINK_WORDS.has(w));
}

/**
 * Among a map's keys, the port key that goes with a host key: `port`, `port_value`, or the host key's own prefix
 * with `port` (`redisHost` + `redisPort`, `DB_HOST` + `DB_PORT`, `spring.redis.host` + `spring.redis.port`).
 */
export function portKeyFor(hostKey: string, siblings: readonly string[]): string | undefined {
  return portPairing(siblings)(hostKey);
}

/** `portKeyFor` for many host keys of one map: the siblings are read once (a config file may have thousands). */
function portPairing(siblings: readonly string[]): (hostKey: string) => string | undefined {
  const byWords = new Map<string, string>();
  let hostKeys = 0;
  for (const k of siblings) {
    const w = keyWords(k).join(' ');
    if (!byWords.has(w)) byWords.set(w, k);
    if (keyHostStrength(k) !== undefined) hostKeys++;
  }
  return (hostKey) => {
    const prefix = keyWords(hostKey).slice(0, -1).join(' ');
    if (prefix) {
      const own = byWords.get(`${prefix} port`) ?? byWords.get(`${prefix} port number`);
      if (own !== undefined) return own;
    }
    // A plain `port` pairs only with the one host key of its map.
    if (hostKeys !== 1) return undefined;
    return byWords.get('port') ?? byWords.get('port value') ?? byWords.get('port number');
  };
}

/** A text whose offsets index `outer.text`, mapped to the file through `outer`. */
export function within(outer: MappedText, inner: MappedText): MappedText {
  const offsets = new Int32Array(inner.offsets.length);
  for (let i = 0; i < offsets.length; i++) offsets[i] = outer.offsets[Math.min(inner.offsets[i]!, outer.text.length)]!;
  return { text: inner.text, offsets, exact: outer.exact && inner.exact };
}

export type ConfigFormat = 'yaml' | 'json' | 'lines' | 'nginx' | 'haproxy' | 'shell' | 'text';

/** Embedded files that are programs (scripts of an interpreter, sources of a language): read as text. */
const CODE_EXTENSIONS = new Set([
  'js',
  'mjs',
  'cjs',
  'ts',
  'py',
  'rb',
  'lua',
  'pl',
  'php',
  'go',
  'java',
  'kt',
  'groovy',
  'scala',
  'cs',
  'rs',
  'c',
  'cc',
  'cpp',
  'h',
  'swift',
  'r',
  'tcl',
  'ps1',
]);

/** The format of an embedded file, from its name (a data key) and, failing that, its content. */
function configFormat(name: string | undefined, text: string): ConfigFormat {
  const lower = (name ?? '').toLowerCase();
  const ext = /\.([a-z0-9]+)$/.exec(lower)?.[1];
  if (ext === 'json' || ext === 'jsonc' || ext === 'json5') return 'json';
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'sh' || ext === 'bash' || /^#!\s*\S*\b(sh|bash|ash|dash|zsh)\b/.test(text)) return 'shell';
  // A program's source: its names and addresses are in its literals (URLs, `host:port`), never in `x = y` lines.
  if (ext !== undefined && CODE_EXTENSIONS.has(ext)) return 'text';
  if (
    lower.includes('nginx') ||
    /^\s*(upstream\s+\S+\s*\{|location\s+\S.*\{|server\s*\{)/m.test(text) ||
    /\b(proxy_pass|fastcgi_pass|grpc_pass)\s/.test(text) ||
    /^[ \t]*server[ \t]+[^\s;]+[^;\n]*;[ \t]*$/m.test(text)
  )
    return 'nginx';
  if (lower.includes('haproxy') || /^\s*(frontend|backend|listen)\s+\S+\s*$/m.test(text)) return 'haproxy';
  if (ext === 'toml' || ext === 'ini' || ext === 'properties' || ext === 'conf' || ext === 'cfg' || ext === 'env' || ext === 'cnf') return 'lines';
  const trimmed = text.trimStart();
  if ((trimmed.startsWith('{') && text.trimEnd().endsWith('}')) || (trimmed.startsWith('[') && text.trimEnd().endsWith(']') && /^\s*\[\s*["{[\d-]/.test(text)))
    return 'json';
  if (/^[ \t]*(?:- |[A-Za-z0-9_."'-]+:(?:[ \t]|$))/m.test(text) && !/^\s*\[[^\]\n]+\]\s*$/m.test(text)) return 'yaml';
  if (/^\s*[A-Za-z0-9_.\-[\]]+\s*(?:[=:]|\s)\s*\S/m.test(text)) return 'lines';
  return 'text';
}

export interface ConfigOptions extends TextOptions {
  /** The keys above this value (`links`, `[]`, `url`), for link detection. */
  readonly path?: readonly string[];
}

/** Reads the value of a data key, an embedded file or a single value, for references. */
export function scanConfigValue(key: string | undefined, m: MappedText, options: ConfigOptions, sink: Sink, depth = 0): void {
  const text = m.text;
  if (text.trim() === '') return;
  const links = options.linksWeak || (key !== undefined && linkKey(key)) || (options.path ?? []).some(linkKey);
  const base: ConfigOptions = { ...options, ...(links ? { linksWeak: true } : {}) };
  if (!text.includes('\n') || depth >= MAX_DEPTH) {
    const strength = key !== undefined ? keyHostStrength(key) : undefined;
    const { hostPosition: _drop, ...rest } = base;
    void _drop;
    scanText(m, { ...rest, ...(strength ? { hostPosition: links ? 'weak' : strength } : {}) }, sink);
    return;
  }
  switch (configFormat(key, text)) {
    case 'json':
      return scanJson(m, base, sink, depth);
    case 'yaml':
      if (scanYaml(m, base, sink, depth)) return;
      return scanLines(m, base, sink);
    case 'shell':
      return scanScript(m, base, sink);
    case 'nginx':
      return scanNginx(m, base, sink);
    case 'haproxy':
    case 'lines':
      return scanLines(m, base, sink);
    default:
      return scanText(m, base, sink);
  }
}

// ---- YAML and JSON ----

const EMBEDDED_YAML = { uniqueKeys: false, prettyErrors: false, strict: false } as const;

function scanYaml(m: MappedText, options: ConfigOptions, sink: Sink, depth: number): boolean {
  let doc: Document.Parsed;
  try {
    // Embedded YAML is mostly plain block YAML, which the block reader reads several times faster.
    doc = readBlockYaml(m.text, EMBEDDED_YAML) ?? parseDocument(m.text, EMBEDDED_YAML);
  } catch {
    return false;
  }
  if (doc.errors.length > 0 || !(isMap(doc.contents) || isSeq(doc.contents))) return false;
  const walk = (node: YamlNode | null | undefined, path: readonly string[], key: string | undefined, siblings: Pair[] | undefined) => {
    if (!node) return;
    if (isScalar(node)) {
      const inner = scalarText(node, m.text);
      if (!inner) return;
      const paired = key !== undefined && siblings ? siblingPort(key, siblings, m) : undefined;
      scanConfigValue(key, within(m, inner), { ...options, path, ...(paired ? { pairedPort: paired } : {}) }, sink, depth + 1);
      return;
    }
    if (isMap(node)) {
      const pairs = node.items as Pair[];
      for (const p of pairs) {
        const k = isScalar(p.key) ? String(p.key.value) : undefined;
        if (k === undefined) continue;
        walk(p.value as YamlNode, [...path, k], k, pairs);
      }
      return;
    }
    if (isSeq(node)) {
      // The items of a list under a host key (`targets: [a:9100]`, `hosts: [a, b]`) are host positions too.
      for (const item of node.items) walk(item as YamlNode, [...path, '[]'], key, undefined);
    }
  };
  walk(doc.contents as YamlNode, options.path ?? [], undefined, undefined);
  return true;
}

function siblingPort(hostKey: string, pairs: readonly Pair[], m: MappedText): { port: number; start: number; end: number } | undefined {
  if (keyHostStrength(hostKey) === undefined) return undefined;
  const keys = pairs.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
  const portKey = portKeyFor(hostKey, keys);
  if (portKey === undefined) return undefined;
  const node = pairs[keys.indexOf(portKey)]!.value;
  if (!isScalar(node)) return undefined;
  const v = node.value;
  const port = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : undefined;
  if (port === undefined || port < 1 || port > 65535) return undefined;
  const inner = scalarText(node, m.text);
  if (!inner) return undefined;
  const mapped = within(m, inner);
  return { port, start: mapped.offsets[0]!, end: mapped.offsets[mapped.text.length - 1]! + 1 };
}

/** JSON that might hold a reference: a URL, or a host-like key with a string value that is no path. */
const JSON_CANDIDATE =
  /:\/\/|"[A-Za-z_.-]*(?:[Hh]ost|HOST|[Aa]ddr|ADDR|[Ee]ndpoint|ENDPOINT|[Ss]erver|SERVER|[Bb]roker|BROKER|[Pp]eers?|[Ss]eeds?|[Tt]argets|[Uu]pstream)[A-Za-z_.-]*"\s*:\s*[["][^"/\s]|"[a-z0-9.-]+:\d{2,5}"/;

function scanJson(m: MappedText, options: ConfigOptions, sink: Sink, depth: number): void {
  // Dashboards and schemas are the largest JSON in real repositories, and they rarely name a host: look before
  // walking them.
  if (!JSON_CANDIDATE.test(m.text)) return;
  const path: string[] = [];
  const objects: { keys: string[]; values: Map<string, { value: unknown; offset: number; length: number }> }[] = [];
  const pending: { key: string; value: string; offset: number; length: number; object: number }[] = [];
  let key: string | undefined;
  visitJson(
    m.text,
    {
      onObjectBegin: () => {
        objects.push({ keys: [], values: new Map() });
        if (key !== undefined) path.push(key);
        key = undefined;
      },
      onObjectEnd: () => {
        const o = objects.pop()!;
        for (const p of pending.filter((x) => x.object === objects.length)) {
          let paired: { port: number; start: number; end: number } | undefined;
          if (keyHostStrength(p.key) !== undefined) {
            const pk = portKeyFor(p.key, o.keys);
            const v = pk !== undefined ? o.values.get(pk) : undefined;
            const n = v && (typeof v.value === 'number' ? v.value : typeof v.value === 'string' && /^\d{1,5}$/.test(v.value) ? Number(v.value) : undefined);
            if (v && n !== undefined && n >= 1 && n <= 65535) {
              const inner = typeof v.value === 'string' ? 1 : 0;
              paired = { port: n, start: m.offsets[v.offset + inner]!, end: m.offsets[v.offset + v.length - inner - 1]! + 1 };
            }
          }
          const inner = jsonString(m, p.offset, p.length);
          if (inner) scanConfigValue(p.key, inner, { ...options, path: [...path, p.key], ...(paired ? { pairedPort: paired } : {}) }, sink, depth + 1);
        }
        for (let i = pending.length - 1; i >= 0; i--) if (pending[i]!.object === objects.length) pending.splice(i, 1);
        path.pop();
      },
      onArrayBegin: () => {
        if (key !== undefined) path.push(key);
      },
      onArrayEnd: () => {
        path.pop();
      },
      onObjectProperty: (name) => {
        key = name;
        objects[objects.length - 1]?.keys.push(name);
      },
      onLiteralValue: (value, offset, length) => {
        const o = objects[objects.length - 1];
        const k = key ?? path[path.length - 1];
        if (o && key !== undefined) o.values.set(key, { value, offset, length });
        if (typeof value === 'string' && k !== undefined) {
          if (key !== undefined && o) pending.push({ key, value, offset, length, object: objects.length - 1 });
          else {
            const inner = jsonString(m, offset, length);
            if (inner) scanConfigValue(k, inner, { ...options, path }, sink, depth + 1);
          }
        }
        key = undefined;
      },
    },
    { allowTrailingComma: true, disallowComments: false },
  );
}

/** A JSON string literal's characters, escapes decoded, mapped to the file. */
function jsonString(m: MappedText, offset: number, length: number): MappedText | undefined {
  const raw = m.text.slice(offset, offset + length);
  if (!raw.startsWith('"')) return undefined;
  if (!raw.includes('\\')) {
    const text = raw.slice(1, -1);
    const offsets = m.offsets.slice(offset + 1, offset + length);
    return { text, offsets, exact: m.exact };
  }
  const chars: string[] = [];
  const at: number[] = [];
  for (let i = 1; i < raw.length - 1; i++) {
    let c = raw[i]!;
    const from = i;
    if (c === '\\') {
      const e = raw[++i]!;
      if (e === 'u') {
        c = String.fromCharCode(parseInt(raw.slice(i + 1, i + 5), 16));
        i += 4;
      } else c = ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
    }
    chars.push(c);
    at.push(m.offsets[offset + from]!);
  }
  at.push(m.offsets[offset + length - 1]!);
  return { text: chars.join(''), offsets: Int32Array.from(at), exact: m.exact };
}

// ---- line formats ----

interface Entry {
  readonly key: string;
  readonly section: string;
  readonly value: MappedText;
}

/**
 * `host = db`, `spring.redis.host=redis`, `Host es` (fluent-bit), `[database]` sections, `# comments`. The value
 * keeps its trailing blanks (see `trimBlanksEnd`): a lazy `(.*?)[ \t]*$` took time quadratic in a run of blanks.
 */
const LINE_ENTRY = /^[ \t]*([A-Za-z_][A-Za-z0-9_.-]*|"[^"]+"|'[^']+')[ \t]*(?:(?:=|:(?!\/\/))[ \t]*|[ \t]+)(.*)$/;
const SECTION = /^[ \t]*(?:\[+([^\]\n]+)\]+|<\/?\s*([A-Za-z][^>\n]*)>|([A-Za-z_][\w.-]*)\s*\{|\})[ \t]*(?:[#;].*)?$/;

/**
 * Directives of line formats that name a host by position: haproxy's `server NAME ADDR[:PORT]`, redis's
 * `replicaof HOST PORT`, sentinel's `sentinel monitor NAME HOST PORT QUORUM`.
 */
const DIRECTIVES: { re: RegExp; host: number; port?: number }[] = [
  // The name is never `=`: `server = …` is a key's value, read as such.
  { re: /^[ \t]*server[ \t]+([^\s=]\S*)[ \t]+(\S+)/, host: 2 },
  { re: /^[ \t]*server-template[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)/, host: 3 },
  { re: /^[ \t]*(?:replicaof|slaveof)[ \t]+(\S+)[ \t]+(\d{1,5})\b/, host: 1, port: 2 },
  { re: /^[ \t]*sentinel[ \t]+monitor[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\d{1,5})\b/, host: 2, port: 3 },
  { re: /^[ \t]*nameserver[ \t]+(\S+)[ \t]+(\S+)/, host: 2 },
];
/** haproxy's and other formats' directives about where this process listens or what it names, not a host. */
const SKIP_LINE =
  /^[ \t]*(bind|listen|frontend|backend|use_backend|default_backend|acl|http-request|http-response|log|stats|mode|option|timeout|balance|maxconn|user|group|daemon|pidfile|chroot|ca-base|crt-base|errorfile|default-server)\b/;

/** `s` without the spaces and tabs at its end, found from the end (`/[ \t]+$/` scans each blank's run again). */
function trimBlanksEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--;
  return s.slice(0, end);
}

/**
 * Where a trailing comment starts in a value (`db:5432  # primary`): the blanks before the first `#` or `;` that has
 * white space on both sides; -1 when none. As `/\s+[#;]\s.*$/` finds it, without its quadratic time on long blanks.
 */
function trailingComment(value: string): number {
  const m = /\s[#;]\s/.exec(value);
  if (!m) return -1;
  let start = m.index;
  while (start > 0 && /\s/.test(value[start - 1]!)) start--;
  return start;
}

function scanLines(m: MappedText, options: ConfigOptions, sink: Sink): void {
  const text = m.text;
  const entries: Entry[] = [];
  let section = '';
  let lineStart = 0;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd);
    const at = lineStart;
    lineStart = lineEnd + 1;
    if (/^[ \t]*(#|;|\/\/|!)/.test(line) || line.trim() === '') {
      if (nl < 0) break;
      continue;
    }
    const sec = SECTION.exec(line);
    if (sec) {
      section = (sec[1] ?? sec[2] ?? sec[3] ?? '').trim();
      if (nl < 0) break;
      continue;
    }
    const sub = (a: number, b: number): MappedText => ({ text: text.slice(a, b), offsets: m.offsets.slice(a, b + 1), exact: m.exact });
    let handled = false;
    for (const d of DIRECTIVES) {
      const dm = d.re.exec(line);
      if (!dm) continue;
      const hostText = dm[d.host]!;
      const hostAt = at + indexOfGroup(line, dm, d.host);
      const portText = d.port !== undefined ? dm[d.port] : undefined;
      const portAt = d.port !== undefined ? at + indexOfGroup(line, dm, d.port) : 0;
      const paired = portText ? { port: Number(portText), start: m.offsets[portAt]!, end: m.offsets[portAt + portText.length - 1]! + 1 } : undefined;
      scanText(sub(hostAt, hostAt + hostText.length), { ...options, hostPosition: 'strong', ...(paired ? { pairedPort: paired } : {}) }, sink);
      handled = true;
      break;
    }
    if (handled || SKIP_LINE.test(line)) {
      if (nl < 0) break;
      continue;
    }
    const e = LINE_ENTRY.exec(line);
    if (e) {
      // The value is the end of the line, so it starts where the line's length less its own does.
      let valueAt = at + line.length - e[2]!.length;
      let value = trimBlanksEnd(e[2]!);
      // A quoted value (TOML, env files): its characters inside the quotes; a trailing comment goes.
      const q = /^(["'])(.*)\1(?:\s+[#;].*)?$/.exec(value);
      if (q) {
        valueAt += 1;
        value = q[2]!;
      } else {
        const c = trailingComment(value);
        if (c >= 0) value = value.slice(0, c);
      }
      const key = e[1]!.replace(/^["']|["']$/g, '');
      entries.push({ key, section, value: sub(valueAt, valueAt + value.length) });
    } else {
      scanText(sub(at, at + line.length), options, sink);
    }
    if (nl < 0) break;
  }
  scanEntries(entries, options, sink);
}

/** Each `key = value` line's value, a host key paired with the port key of the same section. */
function scanEntries(entries: readonly Entry[], options: ConfigOptions, sink: Sink): void {
  const bySection = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = bySection.get(e.section);
    if (list) list.push(e);
    else bySection.set(e.section, [e]);
  }
  for (const list of bySection.values()) {
    const pairing = portPairing(list.map((e) => e.key));
    for (const e of list) {
      let paired: { port: number; start: number; end: number } | undefined;
      if (keyHostStrength(e.key) !== undefined) {
        const pk = pairing(e.key);
        const pe = pk !== undefined ? list.find((x) => x.key === pk) : undefined;
        if (pe && /^\d{1,5}$/.test(pe.value.text) && Number(pe.value.text) >= 1 && Number(pe.value.text) <= 65535) {
          paired = { port: Number(pe.value.text), start: pe.value.offsets[0]!, end: pe.value.offsets[pe.value.text.length - 1]! + 1 };
        }
      }
      scanConfigValue(
        e.key,
        e.value,
        { ...options, path: [...(options.path ?? []), e.section, e.key], ...(paired ? { pairedPort: paired } : {}) },
        sink,
        MAX_DEPTH,
      );
    }
  }
}

function indexOfGroup(line: string, m: RegExpExecArray, group: number): number {
  // The groups are whitespace separated words: find the n-th occurrence after the previous groups.
  let from = 0;
  for (let g = 1; g <= group; g++) {
    const i = line.indexOf(m[g]!, from);
    if (g === group) return i;
    from = i + m[g]!.length;
  }
  return 0;
}

// ---- nginx ----

/** nginx directives that connect to what their argument names. */
const NGINX_CONNECT = new Set([
  'proxy_pass',
  'grpc_pass',
  'fastcgi_pass',
  'uwsgi_pass',
  'scgi_pass',
  'memcached_pass',
  'server',
  'resolver',
  'proxy_mirror',
  'mirror',
  'auth_request_set',
  'zone_sync_server',
]);
/** nginx directives whose arguments are no host to connect to. */
const NGINX_SKIP = new Set([
  'server_name',
  'listen',
  'root',
  'alias',
  'include',
  'access_log',
  'error_log',
  'proxy_set_header',
  'add_header',
  'more_set_headers',
  'proxy_redirect',
  'rewrite',
  'return',
  'try_files',
  'index',
  'location',
  'map',
  'set_real_ip_from',
  'real_ip_header',
  'sub_filter',
  'proxy_cookie_domain',
  'ssl_certificate',
  'ssl_certificate_key',
  'log_format',
  'upstream',
  'valid_referers',
  'allow',
  'deny',
  'if',
  'set',
]);

/** nginx: statements split at `;`, `{` and `}`; the names of `upstream` blocks are not hosts. */
function scanNginx(m: MappedText, options: ConfigOptions, sink: Sink): void {
  const text = m.text;
  const upstreams = new Set([...text.matchAll(/\bupstream\s+([A-Za-z0-9_.-]+)\s*\{/g)].map((u) => u[1]!.toLowerCase()));
  const statement = /([^;{}]*)([;{}])/g;
  for (const st of text.matchAll(statement)) {
    const body = st[1]!;
    const stripped = body.replace(/#[^\n]*/g, (c) => ' '.repeat(c.length));
    const lead = stripped.search(/\S/);
    if (lead < 0) continue;
    const start = st.index! + lead;
    const words = stripped.slice(lead).trimEnd();
    const directive = /^[A-Za-z_][\w.-]*/.exec(words)?.[0];
    if (!directive || NGINX_SKIP.has(directive)) continue;
    const argsAt = start + directive.length;
    const args = text.slice(argsAt, start + words.length);
    const sub: MappedText = { text: args, offsets: m.offsets.slice(argsAt, argsAt + args.length + 1), exact: m.exact };
    if (NGINX_CONNECT.has(directive)) {
      // `server api:8080 weight=5;` in an upstream, `proxy_pass http://api:8080;`: the first argument.
      const first = /^\s*(\S+)/.exec(args);
      if (!first) continue;
      const a = first.index + first[0].indexOf(first[1]!);
      let target = first[1]!;
      const viaUpstream = /^[a-z]+:\/\/([A-Za-z0-9_.-]+)(?=$|[/:])/.exec(target);
      if (viaUpstream && upstreams.has(viaUpstream[1]!.toLowerCase())) continue;
      if (upstreams.has(target.toLowerCase())) continue;
      if (directive === 'resolver') {
        // Every argument but `valid=…` and `ipv6=…` is a name server.
        for (const w of args.matchAll(/\S+/g)) {
          if (w[0].includes('=')) continue;
          scanText(
            { text: w[0], offsets: sub.offsets.slice(w.index!, w.index! + w[0].length + 1), exact: m.exact },
            { ...options, hostPosition: 'strong' },
            sink,
          );
        }
        continue;
      }
      target = target.replace(/;$/, '');
      scanText({ text: target, offsets: sub.offsets.slice(a, a + target.length + 1), exact: m.exact }, { ...options, hostPosition: 'strong' }, sink);
      continue;
    }
    scanText(sub, options, sink);
  }
}
