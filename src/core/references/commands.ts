/**
 * The commands a container runs: `command` and `args`, exec probes and lifecycle hooks, and the shell scripts
 * they hand to `sh -c`. Each simple command is read with the conventions of the usual tools (`nc HOST PORT`,
 * `pg_isready -h H -p P`, `redis-cli -h H -p P`, `--join HOST`, …), and every word is also read as free text
 * (URLs, `host:port`, cluster names).
 *
 * The shell is read by a small lexer of its own because positions matter here: shell-quote returns words without
 * offsets, mvdan-sh is 1.4 MB of JavaScript to load, and sh-syntax is WebAssembly behind an asynchronous API. The
 * lexer follows POSIX quoting (single and double quotes, backslashes), operators, comments, here-documents and
 * command substitution (`$(…)` and backquotes, read as commands of their own).
 */
import { MASK } from './hosts';
import { type MappedText, sourceRange } from './scalar';
import { type Sink, scanText, type TextOptions } from './text';
import type { Strength } from './types';

/** A word of a command as the program receives it, each character mapped to the file. */
export interface Word {
  readonly text: string;
  readonly offsets: Int32Array;
}

function wordText(w: Word): MappedText {
  return { text: w.text, offsets: w.offsets, exact: true };
}

/** One simple command: its words, after assignments and wrappers (`exec`, `nohup`, `timeout 5`) are taken off. */
export interface SimpleCommand {
  readonly words: readonly Word[];
  /** `NAME=value` words before the command, read like env vars. */
  readonly assignments: readonly Word[];
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox-sh']);
const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  'case',
  'esac',
  'in',
  '!',
  '{',
  '}',
  'function',
  'select',
  'time',
]);
const WRAPPERS = new Set([
  'exec',
  'nohup',
  'sudo',
  'command',
  'builtin',
  'eval',
  'busybox',
  'su-exec',
  'gosu',
  'tini',
  'dumb-init',
  'chroot',
  'nice',
  'ionice',
  'stdbuf',
  'setsid',
]);

/** Reads a container's argv (command followed by args). */
export function scanArgv(words: readonly MappedText[], options: TextOptions, sink: Sink): void {
  const argv: Word[] = words.map((w) => ({ text: w.text, offsets: w.offsets }));
  if (argv.length === 0) return;
  const script = shellScript(argv);
  if (script) {
    // Words before the script (`sh -c`) are the shell's own; those after it are its $0, $1, …
    scanScript(wordText(script.script), options, sink);
    for (const w of script.rest) scanText(wordText(w), options, sink);
    return;
  }
  scanCommand({ words: argv, assignments: [] }, options, sink);
}

/** `sh -c SCRIPT …`, `bash -ec SCRIPT`: the script and the words after it. */
function shellScript(argv: readonly Word[]): { script: Word; rest: readonly Word[] } | undefined {
  let i = 0;
  // `/usr/bin/env bash -c`, `busybox sh -c`, `tini -- sh -c`.
  while (i < argv.length - 1 && /^(?:.*\/)?(env|busybox|tini|dumb-init|--)$/.test(argv[i]!.text)) i++;
  if (i > 0 && argv[i]!.text === '--') i++;
  const shell = basename(argv[i]?.text ?? '');
  if (!SHELLS.has(shell)) return undefined;
  for (let j = i + 1; j < argv.length; j++) {
    const t = argv[j]!.text;
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(t) || t === '-c') {
      const script = argv[j + 1];
      return script ? { script, rest: argv.slice(j + 2) } : undefined;
    }
    if (!t.startsWith('-') && !t.startsWith('+')) return undefined;
  }
  return undefined;
}

/** Reads a shell script: each simple command, command substitutions included, and here-documents as text. */
export function scanScript(script: MappedText, options: TextOptions, sink: Sink, depth = 0): void {
  if (depth > 4) return;
  const lexed = lex(script);
  for (const command of lexed.commands) scanCommand(command, options, sink, depth);
  for (const inner of lexed.substitutions) scanScript(inner, options, sink, depth + 1);
  for (const doc of lexed.heredocs) scanText(doc, options, sink);
}

// ---- tool conventions ----

interface ToolSpec {
  /** Options naming the host (`-h`, `--host`); `=value` and attached (`-hdb`) forms count too. */
  readonly host?: readonly string[];
  readonly port?: readonly string[];
  /** Positional arguments: which hold the host and the port (0-based, after options). */
  readonly positional?: { readonly host?: number; readonly port?: number; readonly urls?: boolean };
  /** Options that take a value, so that it is not taken for a positional argument. */
  readonly valued?: readonly string[];
}

const PG: ToolSpec = {
  host: ['-h', '--host'],
  port: ['-p', '--port'],
  valued: ['-U', '--username', '-d', '--dbname', '-t', '--timeout', '-f', '-c', '--command', '-v', '--set', '-o', '-F', '-j'],
};
const MYSQL: ToolSpec = {
  host: ['-h', '--host'],
  port: ['-P', '--port'],
  valued: ['-u', '--user', '-D', '--database', '-e', '--execute', '-S', '--socket', '--connect-timeout', '--protocol'],
};
const REDIS: ToolSpec = { host: ['-h'], port: ['-p'], valued: ['-a', '-n', '-u', '--user', '--pass', '-r', '-i', '-c'] };
const MONGO: ToolSpec = {
  host: ['--host'],
  port: ['--port'],
  positional: { urls: true },
  valued: ['-u', '--username', '-p', '--password', '--eval', '--authenticationDatabase', '--db', '-d'],
};
const NC: ToolSpec = {
  positional: { host: 0, port: 1 },
  valued: ['-w', '-i', '-p', '-s', '-q', '-x', '-X', '-I', '-O', '-T', '-W', '-e', '-c', '-g', '-G', '-P', '-m', '-M'],
};
const HTTP: ToolSpec = {
  positional: { urls: true },
  valued: [
    '-H',
    '--header',
    '-d',
    '--data',
    '--data-raw',
    '--data-binary',
    '-o',
    '--output',
    '-O',
    '--output-document',
    '-u',
    '--user',
    '-X',
    '--request',
    '-A',
    '--user-agent',
    '-e',
    '--referer',
    '-T',
    '--upload-file',
    '-m',
    '--max-time',
    '--connect-timeout',
    '--retry',
    '--retry-delay',
    '--retry-max-time',
    '-w',
    '--write-out',
    '-b',
    '--cookie',
    '-c',
    '--cookie-jar',
    '-F',
    '--form',
    '--cacert',
    '--cert',
    '--key',
    '-E',
    '-T',
    '--timeout',
    '--tries',
    '-t',
    '--header',
    '-q',
    '--resolve',
    '--connect-to',
    '-K',
    '--config',
  ],
};
const LOOKUP: ToolSpec = {
  positional: { host: 0 },
  valued: ['-type', '-t', '-c', '-W', '-w', '-i', '-s', '-q', '-p', '-class', '-port', '-timeout', '-retry'],
};

const TOOLS: Record<string, ToolSpec> = {
  nc: NC,
  ncat: NC,
  netcat: NC,
  telnet: { positional: { host: 0, port: 1 } },
  curl: HTTP,
  wget: HTTP,
  http: HTTP,
  https: HTTP,
  httpie: HTTP,
  xh: HTTP,
  grpcurl: {
    positional: { urls: true },
    valued: ['-d', '-H', '-import-path', '-proto', '-protoset', '-cert', '-key', '-cacert', '-authority', '-max-time', '-connect-timeout'],
  },
  nslookup: LOOKUP,
  host: LOOKUP,
  ping: LOOKUP,
  ping6: LOOKUP,
  traceroute: LOOKUP,
  dig: LOOKUP,
  drill: LOOKUP,
  pg_isready: PG,
  psql: PG,
  pg_dump: PG,
  pg_dumpall: PG,
  pg_restore: PG,
  pg_basebackup: PG,
  pgbench: PG,
  createdb: PG,
  dropdb: PG,
  vacuumdb: PG,
  reindexdb: PG,
  mysql: MYSQL,
  mysqladmin: MYSQL,
  mysqldump: MYSQL,
  mysqlsh: MYSQL,
  mariadb: MYSQL,
  'mariadb-admin': MYSQL,
  'mariadb-dump': MYSQL,
  mysqlcheck: MYSQL,
  'redis-cli': REDIS,
  'redis-benchmark': REDIS,
  'keydb-cli': REDIS,
  'valkey-cli': REDIS,
  mongosh: MONGO,
  mongo: MONGO,
  mongodump: MONGO,
  mongorestore: MONGO,
  mongostat: MONGO,
  mongotop: MONGO,
  mongoexport: MONGO,
  mongoimport: MONGO,
  cqlsh: { positional: { host: 0, port: 1 }, valued: ['-u', '-p', '-k', '-f', '-e', '--cqlversion', '--connect-timeout', '--request-timeout'] },
  'wait-for-it': { host: ['-h', '--host'], port: ['-p', '--port'], positional: { urls: true }, valued: ['-t', '--timeout'] },
  'wait-for-it.sh': { host: ['-h', '--host'], port: ['-p', '--port'], positional: { urls: true }, valued: ['-t', '--timeout'] },
  'wait-for': { positional: { urls: true }, valued: ['-t', '--timeout'] },
  'wait-for.sh': { positional: { urls: true }, valued: ['-t', '--timeout'] },
  getent: { positional: { host: 1 } },
  ldapsearch: { host: ['-h'], port: ['-p'], valued: ['-b', '-D', '-w', '-s', '-x', '-H'] },
  'zkCli.sh': { host: ['-server'] },
};

/**
 * Long options that name a host to connect to, by their last word: `--join`, `--peer`, `--db-host`,
 * `-retry-join`. A bare word after one is a strong reference; after the weak ones (`--server`, `--backend`), it
 * is one only when a Service of a near name exists (`--backend=badger` names a storage engine).
 */
const HOST_OPTION =
  /^(?:.*[-_.])?(host|hostname|hosts|join|peers?|seeds?|addr|address|addresses|endpoints?|bootstrap[-_.]?servers?|brokers?|broker[-_.]list|upstreams?|connect|replicaof|slaveof|zookeeper|nameserver|dns[-_.]server)$/i;
const WEAK_HOST_OPTION = /^(?:.*[-_.])?(server|servers|master|target|backend|url|uri|service|proxy|store)$/i;
/** Options about where this process listens, or what it calls itself: not somewhere it connects. */
const OWN_ADDRESS_OPTION =
  /(listen|bind|public|external|health|metrics|probe|pprof|debug|admin)[-_.]?(host|hostname|addr|address|port|url)?$|^(?:-{1,2})(?:web\.)?(?:external-url|route-prefix|listen-address)$/i;
/**
 * Options that say how other pods reach this one (`--advertise-client-urls`, `--initial-advertise-peer-urls`): the
 * names in them are looked up by those others, so they are not the pod's own even when they spell its hostname.
 */
const ADVERTISE_OPTION = /advertise/i;

/** Reads one simple command: tool conventions first, then every word as free text. */
function scanCommand(command: SimpleCommand, options: TextOptions, sink: Sink, depth = 0): void {
  for (const a of command.assignments) {
    const eq = a.text.indexOf('=');
    const name = a.text.slice(0, eq);
    const value = { text: a.text.slice(eq + 1), offsets: a.offsets.slice(eq + 1), exact: true };
    scanText(value, { ...options, ...envHostPosition(name) }, sink);
  }
  let words = command.words;
  // `timeout 5 nc …`, `env A=b cmd`, `exec cmd`.
  while (words.length > 0) {
    const head = basename(words[0]!.text);
    if (WRAPPERS.has(head)) words = words.slice(1);
    else if (head === 'timeout') words = words.slice(1).filter((w, i, all) => !(i === all.findIndex((x) => !x.text.startsWith('-')) && /^\d/.test(w.text)));
    else if (head === 'env') words = words.slice(1).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text) && !w.text.startsWith('-'));
    else break;
  }
  if (words.length === 0) return;
  const shell = shellScript(words);
  if (shell) {
    scanScript(wordText(shell.script), options, sink, depth + 1);
    return;
  }
  const consumed = new Set<Word>();
  const tool = TOOLS[basename(words[0]!.text)];
  if (tool) readTool(tool, words.slice(1), options, sink, consumed);
  // A list of options alone (`"--join" "db-0.db"` in a bash array) starts with an option, not a command.
  readHostOptions(words[0]!.text.startsWith('-') ? words : words.slice(1), options, sink, consumed);
  readSocat(words, options, sink, consumed);
  for (const w of words) if (!consumed.has(w)) scanText(wordText(w), options, sink);
}

function readTool(tool: ToolSpec, args: readonly Word[], options: TextOptions, sink: Sink, consumed: Set<Word>): void {
  let host: { word: Word; from: number } | undefined;
  let port: { word: Word; from: number } | undefined;
  const positional: Word[] = [];
  const isOpt = (t: string, names: readonly string[] | undefined) =>
    names?.find((n) => t === n || t.startsWith(`${n}=`) || (n.length === 2 && n.startsWith('-') && !n.startsWith('--') && t.startsWith(n) && t.length > 2));
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const t = w.text;
    const h = isOpt(t, tool.host);
    const p = isOpt(t, tool.port);
    const which = h ?? p;
    if (which) {
      const attached = t.length > which.length;
      const target = attached ? { word: w, from: which.length + (t[which.length] === '=' ? 1 : 0) } : args[i + 1] ? { word: args[i + 1]!, from: 0 } : undefined;
      if (!attached) i++;
      if (target) {
        if (h) host = target;
        else port = target;
      }
      continue;
    }
    if (t.startsWith('-') && t.length > 1) {
      if (tool.valued?.includes(t)) i++;
      continue;
    }
    positional.push(w);
  }
  const pos = tool.positional;
  if (pos?.host !== undefined && positional[pos.host]) host ??= { word: positional[pos.host]!, from: 0 };
  if (pos?.port !== undefined && positional[pos.port]) port ??= { word: positional[pos.port]!, from: 0 };
  if (host) {
    const value = part(host.word, host.from);
    const p = port ? part(port.word, port.from) : undefined;
    const portNumber = p && /^\d{1,5}$/.test(p.text) ? Number(p.text) : undefined;
    const [ps, pe] = p ? sourceRange(p, 0, p.text.length) : [0, 0];
    scanText(value, { ...options, hostPosition: 'strong', ...(portNumber ? { pairedPort: { port: portNumber, start: ps, end: pe } } : {}) }, sink);
    consumed.add(host.word);
    if (port) consumed.add(port.word);
  }
  if (pos?.urls) {
    for (const w of positional) {
      if (consumed.has(w) || !/^[A-Za-z0-9[]/.test(w.text)) continue;
      // `curl redis:6379`, `wget web/healthz`, `wait-for-it db:5432`: a host with an optional port and path.
      const m = /^([A-Za-z0-9_.-]+|\[[0-9a-fA-F:.]+\])(?=$|[:/])/.exec(w.text);
      if (w.text.includes('://') || !m || (!w.text.includes(':') && !w.text.includes('/') && !m[1]!.includes('.'))) continue;
      const end = m[1]!.length + (/^:\d{1,5}(?=$|\/)/.exec(w.text.slice(m[1]!.length))?.[0].length ?? 0);
      scanText(part(w, 0, end), { ...options, hostPosition: 'strong' }, sink);
      consumed.add(w);
    }
  }
}

/** `--join=a,b`, `--peer HOST`, `-retry-join HOST`: generic options that name a host. */
function readHostOptions(args: readonly Word[], options: TextOptions, sink: Sink, consumed: Set<Word>): void {
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const m = /^(-{1,2}[A-Za-z][A-Za-z0-9_.-]*)(=)?/.exec(w.text);
    if (!m || consumed.has(w) || OWN_ADDRESS_OPTION.test(m[1]!)) continue;
    const name = m[1]!.replace(/^-+/, '');
    const advertised = ADVERTISE_OPTION.test(name);
    const strength: Strength | undefined = advertised ? 'weak' : HOST_OPTION.test(name) ? 'strong' : WEAK_HOST_OPTION.test(name) ? 'weak' : undefined;
    if (!strength) continue;
    const own: TextOptions = { ...options, hostPosition: strength, ...(advertised ? { advertised: true } : {}) };
    if (m[2]) {
      scanText(part(w, m[0].length), own, sink);
      consumed.add(w);
      continue;
    }
    const next = args[i + 1];
    if (!next || next.text.startsWith('-') || consumed.has(next)) continue;
    if (advertised) {
      scanText(wordText(next), own, sink);
      consumed.add(next);
      i++;
      continue;
    }
    // `--replicaof HOST PORT`: two words.
    const after = args[i + 2];
    const portNumber = /^(replicaof|slaveof)$/i.test(name) && after && /^\d{1,5}$/.test(after.text) ? Number(after.text) : undefined;
    const [ps, pe] = portNumber ? [after!.offsets[0]!, after!.offsets[after!.text.length - 1]! + 1] : [0, 0];
    scanText(wordText(next), { ...options, hostPosition: strength, ...(portNumber ? { pairedPort: { port: portNumber, start: ps, end: pe } } : {}) }, sink);
    consumed.add(next);
    if (portNumber) consumed.add(after!);
    i++;
  }
}

/** socat's addresses: `TCP:host:port`, `TCP4-CONNECT:host:port`, `OPENSSL:host:port,verify=0`. */
function readSocat(words: readonly Word[], options: TextOptions, sink: Sink, consumed: Set<Word>): void {
  if (basename(words[0]?.text ?? '') !== 'socat') return;
  for (const w of words.slice(1)) {
    const m = /^(?:TCP[46]?|UDP[46]?|TCP[46]?-CONNECT|UDP[46]?-CONNECT|SSL|OPENSSL|SCTP-CONNECT):/i.exec(w.text);
    if (!m) continue;
    const rest = w.text.slice(m[0].length);
    const end = rest.search(/[,]|$/);
    scanText(part(w, m[0].length, m[0].length + end), { ...options, hostPosition: 'strong' }, sink);
    consumed.add(w);
  }
}

/** How an env var's (or assignment's) name makes its value a host position. */
export function envHostPosition(name: string): { hostPosition?: Strength } {
  const upper = name.toUpperCase();
  if (/(^|_)(LISTEN|BIND|ADVERTISED?|POD|MY|OWN|SELF|PUBLIC|EXTERNAL)(_|$)/.test(upper) && !/(SERVICE|DB|DATABASE|REDIS)/.test(upper)) return {};
  if (upper === 'HOSTNAME' || upper === 'HOST_IP' || upper === 'NODE_NAME') return {};
  if (/(^|_)(HOST|HOSTNAME|HOSTS|ADDR|ADDRESS|ADDRESSES|ENDPOINT|ENDPOINTS|DSN|BROKERS?|BOOTSTRAP_SERVERS?|SEEDS?|PEERS?|UPSTREAM|NODES)$/.test(upper))
    return { hostPosition: 'strong' };
  if (/(^|_)(URL|URI|URLS|SERVER|SERVERS|SERVICE|TARGET|BACKEND|MASTER|CONNECTION|CONN)$/.test(upper)) return { hostPosition: 'weak' };
  // libpq's and similar clients' own variables, written without a separator.
  if (/^(PG|MYSQL|REDIS|MONGO|AMQP|NATS|KAFKA|ES)HOST(NAME|ADDR)?$/.test(upper)) return { hostPosition: 'strong' };
  // `REDIS=cache`, `KAFKA=broker`: named after the server it reaches, the value often is that server's host. Not
  // `*_DB` or `*_DATABASE`, which name a database (`POSTGRES_DB: orders`).
  if (/(^|_)(REDIS|MEMCACHED?|RABBITMQ|AMQP|KAFKA|ZOOKEEPER|ELASTICSEARCH|CASSANDRA|NATS|ETCD|CONSUL|MINIO)$/.test(upper)) return { hostPosition: 'weak' };
  return {};
}

function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

function part(w: Word, from: number, to = w.text.length): MappedText {
  return { text: w.text.slice(from, to), offsets: w.offsets.slice(from, to + 1), exact: true };
}

// ---- the lexer ----

interface Lexed {
  readonly commands: SimpleCommand[];
  readonly substitutions: MappedText[];
  readonly heredocs: MappedText[];
}

/**
 * Splits a script into simple commands of words (quotes removed, each character mapped to the file), the bodies
 * of command substitutions, and here-documents. Unbalanced quotes end at the end of the script.
 */
function lex(script: MappedText): Lexed {
  return new Lexer(script).run();
}

class Lexer {
  private readonly s: string;
  private readonly commands: SimpleCommand[] = [];
  private readonly substitutions: MappedText[] = [];
  private readonly heredocs: MappedText[] = [];
  private readonly pendingHeredocs: { tag: string; strip: boolean }[] = [];
  private words: Word[] = [];
  private chars: string[] = [];
  private offs: number[] = [];
  private inWord = false;
  private skipNext = false;
  private i = 0;

  constructor(private readonly script: MappedText) {
    this.s = script.text;
  }

  run(): Lexed {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (c === '\n') this.newline();
      else if (c === ' ' || c === '\t' || c === '\r') {
        this.endWord();
        this.i++;
      } else if (c === '#' && !this.inWord) {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') this.operator(c);
      else if (c === '<' && s[this.i + 1] === '<' && s[this.i + 2] !== '<' && this.heredoc()) continue;
      else if (c === '\\') this.escape();
      else if (c === "'") this.singleQuoted();
      else if (c === '"') this.doubleQuoted();
      else if (c === '`') this.substitution(this.i, this.backquoteEnd(), 1);
      else if (c === '$' && s[this.i + 1] === '(' && s[this.i + 2] !== '(') this.substitution(this.i, this.closeParen(this.i + 1), 2);
      else {
        this.add(c, this.i);
        this.i++;
      }
    }
    this.endCommand();
    return { commands: this.commands, substitutions: this.substitutions, heredocs: this.heredocs };
  }

  private at(i: number): number {
    return this.script.offsets[Math.min(i, this.s.length)]!;
  }

  private slice(a: number, b: number): MappedText {
    return { text: this.s.slice(a, b), offsets: this.script.offsets.slice(a, b + 1), exact: this.script.exact };
  }

  private add(c: string, i: number): void {
    this.chars.push(c);
    this.offs.push(this.at(i));
    this.inWord = true;
  }

  private endWord(): void {
    if (!this.inWord) return;
    const text = this.chars.join('');
    // Redirections name files, not hosts: `> /dev/null` (the target is the next word), `2>&1`, `>/tmp/x`.
    if (this.skipNext) this.skipNext = false;
    else if (/^\d*(?:>>?|<|>&|<&|&>>?)$/.test(text)) this.skipNext = true;
    else if (!/^\d*(?:>>?|<|>&|<&|&>>?)./.test(text)) {
      const offs = this.offs;
      this.words.push({ text, offsets: Int32Array.from([...offs, offs.length > 0 ? offs[offs.length - 1]! + 1 : 0]) });
    }
    this.chars = [];
    this.offs = [];
    this.inWord = false;
  }

  private endCommand(): void {
    this.endWord();
    const words = this.words;
    if (words.length > 0) {
      let k = 0;
      while (k < words.length && (KEYWORDS.has(words[k]!.text) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k]!.text))) k++;
      const assignments = words.slice(0, k).filter((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text));
      this.commands.push({ words: words.slice(k).filter((w) => !KEYWORDS.has(w.text)), assignments });
    }
    this.words = [];
  }

  /** The end of a command; here-documents start on the line after their operator. */
  private newline(): void {
    this.endCommand();
    this.i++;
    while (this.pendingHeredocs.length > 0) {
      const { tag, strip } = this.pendingHeredocs.shift()!;
      const s = this.s;
      const bodyStart = this.i;
      let end = s.length;
      let next = s.length;
      for (let j = this.i; j <= s.length; ) {
        const nl = s.indexOf('\n', j);
        const line = s.slice(j, nl < 0 ? s.length : nl);
        if ((strip ? line.replace(/^\t+/, '') : line) === tag) {
          end = j;
          next = nl < 0 ? s.length : nl + 1;
          break;
        }
        if (nl < 0) break;
        j = nl + 1;
      }
      this.heredocs.push(this.slice(bodyStart, end));
      this.i = next;
    }
  }

  private operator(c: string): void {
    const s = this.s;
    // `2>&1`, `&>`: part of a redirection, not a control operator.
    if (c === '&' && (s[this.i + 1] === '>' || (this.chars.length > 0 && /[<>]$/.test(this.chars.join(''))))) {
      this.add(c, this.i);
      this.i++;
      return;
    }
    this.endCommand();
    this.i += (c === ';' || c === '&' || c === '|') && s[this.i + 1] === c ? 2 : 1;
  }

  /** `<<EOF`, `<<-'EOF'`: the body is read at the next line. False when it is no here-document operator. */
  private heredoc(): boolean {
    this.endWord();
    const m = /^<<(-?)[ \t]*(['"]?)([A-Za-z0-9_.-]+)\2/.exec(this.s.slice(this.i, this.i + 200));
    if (!m) return false;
    this.pendingHeredocs.push({ tag: m[3]!, strip: m[1] === '-' });
    this.i += m[0].length;
    return true;
  }

  private escape(): void {
    const s = this.s;
    if (s[this.i + 1] !== '\n' && this.i + 1 < s.length) this.add(s[this.i + 1]!, this.i + 1);
    this.i += 2;
  }

  private singleQuoted(): void {
    const close = this.s.indexOf("'", this.i + 1);
    const end = close < 0 ? this.s.length : close;
    this.inWord = true;
    for (let j = this.i + 1; j < end; j++) this.add(this.s[j]!, j);
    this.i = end + 1;
  }

  private doubleQuoted(): void {
    const s = this.s;
    this.inWord = true;
    let j = this.i + 1;
    while (j < s.length && s[j] !== '"') {
      if (s[j] === '\\' && j + 1 < s.length && '"\\$`\n'.includes(s[j + 1]!)) {
        if (s[j + 1] !== '\n') this.add(s[j + 1]!, j + 1);
        j += 2;
      } else if (s[j] === '$' && s[j + 1] === '(' && s[j + 2] !== '(') {
        const close = this.closeParen(j + 1);
        this.i = j;
        this.substitution(j, close, 2);
        j = this.i;
      } else {
        this.add(s[j]!, j);
        j++;
      }
    }
    this.i = j + 1;
  }

  /**
   * `$(…)` or a backquoted command from `start` to `close`: read as a script of its own; its output stands in the
   * word as an unknown value, like a placeholder.
   */
  private substitution(start: number, close: number, open: number): void {
    this.substitutions.push(this.slice(start + open, close));
    for (let k = start; k <= Math.min(close, this.s.length - 1); k++) this.add(MASK, k);
    this.i = close + 1;
  }

  private backquoteEnd(): number {
    const close = this.s.indexOf('`', this.i + 1);
    return close < 0 ? this.s.length : close;
  }

  /** The end of `$(…)` starting at `i` (on the `(`), nested parentheses and quotes respected. */
  private closeParen(i: number): number {
    const s = this.s;
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const c = s[j]!;
      if (c === '\\') j++;
      else if (c === "'") {
        const k = s.indexOf("'", j + 1);
        j = k < 0 ? s.length : k;
      } else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j;
    }
    return s.length;
  }
}
