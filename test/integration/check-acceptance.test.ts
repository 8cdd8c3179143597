// The acceptance of `netlens check` and of the language server on the real manifests of ../shared/corpus
// (third-party YAML, read-only: copies are made in a temporary folder, the corpus is never written), and the
// output contract of `netlens check`: JSON and SARIF shapes, exit statuses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isMap, isScalar, isSeq, parseAllDocuments, type Scalar, type Node as YamlNode } from 'yaml';
import { type CheckArgs, type Located, runCheck } from '../../src/cli/check';
import { DIAGNOSTICS } from '../../src/core/check';
import { DEFAULT_SETTINGS, NetLensServer } from '../../src/server/server';
import { corpusDir, repoRoot } from '../support/repo';

const root = repoRoot();
const cli = join(root, 'dist', 'cli.js');
const corpus = corpusDir();
const boutique = join(corpus, 'online-boutique', 'kubernetes-manifests.yaml');
const assistant = join(corpus, 'online-boutique', 'shoppingassistantservice.yaml');
const argo = join(corpus, 'argo-cd-ha', 'install.yaml');
const skipBoutique =
  existsSync(boutique) && existsSync(assistant) ? false : `the corpus is not at ${dirname(boutique)} (a clone with shared/ beside it is needed)`;
const skipArgo = existsSync(argo) ? false : `the corpus is not at ${dirname(argo)} (a clone with shared/ beside it is needed)`;
let tmp = '';

before(() => {
  // `npm test` bundles before the unit tests; when they run on their own, bundle once here.
  if (!existsSync(cli)) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `bundling failed: ${r.stderr}`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'netlens-check-'));
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** `netlens check` in-process: its exit status, its stdout and its stderr. */
function check(paths: string[], options: Partial<CheckArgs> = {}): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runCheck(
    { paths, format: 'json', namespace: 'default', podRecords: 'insecure', ...options },
    (s) => (stdout += s),
    (s) => (stderr += s),
  );
  return { status, stdout, stderr };
}

function findings(paths: string[], options: Partial<CheckArgs> = {}): { status: number; located: Located[] } {
  const r = check(paths, options);
  return { status: r.status, located: JSON.parse(r.stdout) as Located[] };
}

/** `netlens check` as a user runs it: the bundled CLI in a child process. */
function netlens(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', LC_ALL: 'C.UTF-8' },
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 1-based line and column of an offset, counted here rather than by the code under test. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** The offsets of a scalar's characters, inside its quotes if it has any. */
function inner(node: Scalar): [number, number] {
  const [start, end] = node.range!;
  return node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? [start + 1, end - 1] : [start, end];
}

interface AddrValue {
  readonly env: string;
  readonly host: string;
  readonly port: number;
  /** Offsets of the host and of the port in the file. */
  readonly hostStart: number;
  readonly portStart: number;
  readonly portEnd: number;
}

/** Every `*_ADDR` env value (`host:port`) of a file, found by walking its YAML. */
function addrValues(text: string): AddrValue[] {
  const out: AddrValue[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const name = node.get('name', true);
      const value = node.get('value', true);
      if (isScalar(name) && typeof name.value === 'string' && name.value.endsWith('_ADDR') && isScalar(value)) {
        const [start, end] = inner(value);
        const source = text.slice(start, end);
        const colon = source.lastIndexOf(':');
        assert.ok(colon > 0, `${name.value}=${source} has the form host:port`);
        out.push({
          env: name.value,
          host: source.slice(0, colon),
          port: Number(source.slice(colon + 1)),
          hostStart: start,
          portStart: start + colon + 1,
          portEnd: end,
        });
      }
      for (const pair of node.items) visit(pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item as YamlNode);
    }
  };
  for (const doc of parseAllDocuments(text)) if (!Array.isArray(doc)) visit(doc.contents);
  return out;
}

/** The port numbers of each Service declared in the texts, by name. */
function servicePorts(...texts: string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const text of texts) {
    for (const doc of parseAllDocuments(text)) {
      if (Array.isArray(doc)) continue;
      const o = doc.toJS() as { kind?: string; metadata?: { name?: string }; spec?: { ports?: { port: number }[] } } | null;
      if (o?.kind === 'Service' && o.metadata?.name)
        out.set(
          o.metadata.name,
          (o.spec?.ports ?? []).map((p) => p.port),
        );
    }
  }
  return out;
}

describe('netlens check: online-boutique', { skip: skipBoutique }, () => {
  const text = existsSync(boutique) ? readFileSync(boutique, 'utf8') : '';

  it('kubernetes-manifests.yaml alone: exactly one finding, NL001 on shoppingassistantservice, exit 1', () => {
    const { status, located } = findings([boutique]);
    assert.equal(status, 1);
    assert.equal(located.length, 1, JSON.stringify(located, null, 2));
    const value = addrValues(text).find((v) => v.env === 'SHOPPING_ASSISTANT_SERVICE_ADDR');
    assert.ok(value);
    const start = lineColumn(text, value.hostStart);
    const end = lineColumn(text, value.hostStart + 'shoppingassistantservice'.length);
    const f = located[0]!;
    assert.deepEqual(
      { code: f.code, severity: f.severity, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn },
      { code: 'NL001', severity: 'error', line: start.line, column: start.column, endLine: end.line, endColumn: end.column },
    );
    assert.match(f.message, /No Service "shoppingassistantservice" in namespace default/);
  });

  it('with shoppingassistantservice.yaml too: no finding, exit 0', () => {
    const { status, located } = findings([boutique, assistant]);
    assert.deepEqual(located, []);
    assert.equal(status, 0);
  });

  it('every *_ADDR port changed to one its Service lacks gives exactly one NL003, at the range of that port', () => {
    const values = addrValues(text);
    assert.ok(values.length >= 15, `${values.length} *_ADDR values`);
    const ports = servicePorts(text, readFileSync(assistant, 'utf8'));
    const copy = join(tmp, 'kubernetes-manifests.yaml');
    for (const v of values) {
      const exposed = ports.get(v.host);
      assert.ok(exposed, `${v.env}: a Service ${v.host} is declared`);
      assert.ok(exposed.includes(v.port), `${v.env}: ${v.host} exposes ${v.port} as written`);
      let lacking = 61_000;
      while (exposed.includes(lacking)) lacking++;
      const changed = `${text.slice(0, v.portStart)}${lacking}${text.slice(v.portEnd)}`;
      writeFileSync(copy, changed);
      const { status, located } = findings([copy, assistant]);
      const what = `${v.env}=${v.host}:${lacking}`;
      assert.equal(located.length, 1, `${what}: ${JSON.stringify(located, null, 2)}`);
      const f = located[0]!;
      const start = lineColumn(changed, v.portStart);
      const end = lineColumn(changed, v.portStart + String(lacking).length);
      assert.deepEqual(
        { code: f.code, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn },
        { code: 'NL003', line: start.line, column: start.column, endLine: end.line, endColumn: end.column },
        what,
      );
      assert.match(f.message, new RegExp(`Service default/${v.host} does not expose port ${lacking}`), what);
      assert.equal(status, 1, what);
    }
  });

  it('the JSON output: an array of {file, line, column, endLine, endColumn, code, severity, message}, 1-based', () => {
    const run = check([boutique], { format: 'json' });
    assert.equal(run.status, 1, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, unknown>[];
    assert.ok(Array.isArray(out));
    assert.equal(out.length, 1);
    assert.deepEqual(Object.keys(out[0]!).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
    const f = out[0]!;
    for (const k of ['line', 'column', 'endLine', 'endColumn']) assert.ok(Number.isInteger(f[k]) && (f[k] as number) >= 1, `${k} is a 1-based integer`);
    assert.equal(typeof f.file, 'string');
    assert.match(f.file as string, /kubernetes-manifests\.yaml$/);
    const lines = text.split('\n');
    assert.equal(lines[(f.line as number) - 1]!.slice((f.column as number) - 1, (f.endColumn as number) - 1), 'shoppingassistantservice');
  });

  it('the SARIF output: version 2.1.0, every rule NL001–NL011, results with ruleId, level and locations', () => {
    const run = check([boutique], { format: 'sarif' });
    assert.equal(run.status, 1, run.stderr);
    const sarif = JSON.parse(run.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: {
          ruleId: string;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[];
        }[];
      }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs.length, 1);
    const ids = sarif.runs[0]!.tool.driver.rules.map((r) => r.id);
    for (let n = 1; n <= 11; n++) assert.ok(ids.includes(`NL${String(n).padStart(3, '0')}`), `rule NL${String(n).padStart(3, '0')}`);
    assert.deepEqual(ids.sort(), Object.keys(DIAGNOSTICS).sort());
    const [result, ...rest] = sarif.runs[0]!.results;
    assert.deepEqual(rest, []);
    assert.equal(result!.ruleId, 'NL001');
    assert.equal(result!.level, 'error');
    assert.match(result!.message.text, /shoppingassistantservice/);
    const json = findings([boutique]).located;
    const location = result!.locations[0]!.physicalLocation;
    assert.match(location.artifactLocation.uri, /kubernetes-manifests\.yaml$/);
    assert.deepEqual(location.region, { startLine: json[0]!.line, startColumn: json[0]!.column, endLine: json[0]!.endLine, endColumn: json[0]!.endColumn });
  });

  it('the text output and its exit statuses, from the bundled CLI', () => {
    const one = netlens(['check', boutique]);
    assert.equal(one.status, 1, one.stderr);
    assert.match(one.stdout, /kubernetes-manifests\.yaml\n {2}\d+:\d+ {2}error {2}NL001 {2}No Service "shoppingassistantservice"/);
    assert.match(one.stdout, /\n1 file checked: 1 error, 0 warnings in 1 file\.\n$/);
    const none = netlens(['check', boutique, assistant]);
    assert.equal(none.status, 0, none.stderr);
    assert.equal(none.stdout, '2 files checked: no findings.\n');
  });
});

describe('netlens check: argo-cd-ha', { skip: skipArgo }, () => {
  it('install.yaml with -n argocd: one true finding (templated names are skipped), exit 0', () => {
    const { status, located } = findings([argo], { namespace: 'argocd' });
    // True: the application controller's StatefulSet names serviceName argocd-application-controller, and the file
    // declares no Service of that name (its metrics Service is argocd-metrics), so its pods get no DNS names.
    const text = readFileSync(argo, 'utf8');
    const line = text.split('\n').findIndex((l) => /^ {2}serviceName: argocd-application-controller$/.test(l)) + 1;
    assert.ok(line > 0);
    assert.deepEqual(
      located.map((f) => [f.code, f.severity, f.line, f.column]),
      [['NL012', 'warning', line, 16]],
    );
    assert.equal(status, 0);
  });

  it('in the language server, redis.server and the haproxy addresses resolve to their Services', () => {
    const text = readFileSync(argo, 'utf8');
    const uri = 'file:///corpus/argo-cd-ha/install.yaml';
    const published: unknown[][] = [];
    const server = new NetLensServer(
      { publishDiagnostics: (_u, _v, d) => published.push(d), log: () => undefined },
      { ...DEFAULT_SETTINGS, defaultNamespace: 'argocd' },
    );
    server.open(uri, text, 1);
    assert.deepEqual(
      (published.at(-1) as { code: string }[]).map((d) => d.code),
      ['NL012'],
      'only the missing governing Service of the application controller',
    );

    // Found by walking the YAML: the ConfigMap data values redis.server and haproxy.cfg.
    const data = new Map<string, Scalar>();
    for (const doc of parseAllDocuments(text)) {
      if (Array.isArray(doc) || !isMap(doc.contents)) continue;
      const d = doc.contents.get('data', true);
      if (!isMap(d)) continue;
      for (const pair of d.items) if (isScalar(pair.key) && isScalar(pair.value)) data.set(String(pair.key.value), pair.value as Scalar);
    }
    const hover = (offset: number) => {
      const h = server.hover(uri, offset);
      assert.ok(h, `a hover at ${offset}`);
      return (h.contents as { value: string }).value.replace(/\\(.)/g, '$1');
    };

    const redis = data.get('redis.server');
    assert.ok(redis);
    const [redisStart] = inner(redis);
    assert.match(hover(redisStart + 1), /\*\*Service\*\* `argocd\/argocd-redis-ha-haproxy` · ClusterIP/);

    const haproxy = data.get('haproxy.cfg');
    assert.ok(haproxy);
    const [start, end] = inner(haproxy);
    const addresses = [...text.slice(start, end).matchAll(/\b(argocd-redis-ha-announce-\d):(\d+)/g)];
    assert.ok(addresses.length >= 6, `${addresses.length} haproxy addresses`);
    for (const m of addresses) {
      const value = hover(start + m.index! + 1);
      assert.match(value, new RegExp(`\\*\\*Service\\*\\* \`argocd/${m[1]}\``), m[0]);
      assert.match(value, new RegExp(`\\| ${m[2]} ← \\|`), `${m[0]}: its port is marked`);
    }
  });
});

describe('netlens check: exit statuses and bad usage', () => {
  it('0 when the findings are warnings only', () => {
    const file = join(tmp, 'warning-only.yaml');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Service
metadata: {name: orphan, namespace: shop}
spec:
  selector: {app: nothing}
  ports: [{port: 80}]
`,
    );
    const { status, located } = findings([file]);
    assert.equal(status, 0);
    assert.deepEqual(
      located.map((f) => [f.code, f.severity, f.line, f.column]),
      [['NL005', 'warning', 5, 14]],
      'at the selector pair no pod carries',
    );
  });

  it('2 without a path', () => {
    const run = netlens(['check']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /give the manifest files or folders to check/);
    assert.equal(run.stdout, '');
  });

  it('2 for an unknown --format', () => {
    const run = netlens(['check', join(tmp, 'warning-only.yaml'), '--format', 'xml']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--format must be one of text, json, sarif, github, junit; got "xml"/);
    assert.equal(run.stdout, '');
  });

  it('2 for an unknown option', () => {
    const run = netlens(['check', join(tmp, 'warning-only.yaml'), '--frobnicate']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /frobnicate/);
  });

  it('2 for a path that does not exist', () => {
    const missing = check([join(tmp, 'no-such-file.yaml')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file or folder/);
    assert.equal(missing.stdout, '');
  });
});
