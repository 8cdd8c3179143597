// The `netlens` command, run as a user runs it: the bundled dist/cli.js in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../support/repo';

const root = repoRoot();
const cli = join(root, 'dist', 'cli.js');
const sample = join(root, 'test', 'sample-workspace');
let tmp = '';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a run: English whatever the shell's locale (LC_ALL decides first), unless a test sets its own. */
const ENGLISH = { LC_ALL: 'C.UTF-8' };

function netlens(args: string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? root,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...(options.env ?? ENGLISH) },
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(run: Run): Record<string, any> {
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line of JSON, got: ${run.stdout}`);
  return JSON.parse(lines[0]!) as Record<string, any>;
}

/** Writes a file in the temporary folder and returns its path. */
function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const GOOD = `apiVersion: v1
kind: Service
metadata: {name: good1, namespace: shop}
spec: {clusterIP: 10.96.0.7, ports: [{name: http, port: 80}]}
`;

before(() => {
  // `npm test` bundles before the unit tests; when they run on their own, bundle once here.
  if (!existsSync(cli)) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `bundling failed: ${r.stderr}`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'netlens-cli-'));
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('netlens resolve --json', () => {
  it('follows the JSON contract', () => {
    const run = netlens(['resolve', 'web', '-n', 'shop', '-f', 'test/sample-workspace', '--json']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const a = json(run);
    assert.equal(a.qname, 'web.shop.svc.cluster.local.');
    assert.equal(a.qtype, 'A');
    assert.equal(a.rcode, 'NOERROR');
    assert.deepEqual(a.answers, [{ name: 'web.shop.svc.cluster.local.', type: 'A', data: null }]);
    for (const r of a.answers as { name: string; type: string; data: unknown }[]) assert.deepEqual(Object.keys(r).sort(), ['data', 'name', 'type']);
    assert.equal(typeof a.explanation.summary, 'string');
    assert.ok(Array.isArray(a.explanation.details));
    assert.equal(a.explanation.matchedStep, 0);
    assert.deepEqual(a.explanation.service, { namespace: 'shop', name: 'web', type: 'ClusterIP', headless: false });
  });

  it('gives the qname in lower case, as a fully qualified name with its dot', () => {
    const a = json(netlens(['resolve', 'WEB.Shop', '-f', sample, '--json']));
    assert.equal(a.qname, 'web.shop.svc.cluster.local.');
    assert.equal(a.rcode, 'NOERROR');
    assert.equal(a.explanation.matchedStep, 1, 'from namespace default, the second search domain');
  });

  it('prints SRV data as dig does, and follows --type case-insensitively', () => {
    const a = json(netlens(['resolve', '_redis._tcp.redis.shop.svc.cluster.local.', '-f', sample, '--type', 'srv', '--json']));
    assert.equal(a.qtype, 'SRV');
    assert.deepEqual(
      a.answers.map((r: { data: string }) => r.data),
      [0, 1, 2].map((i) => `0 33 6379 redis-${i}.redis.shop.svc.cluster.local.`),
    );
  });

  it('answers an IP with its PTR record', () => {
    const f = file('ptr/good.yaml', GOOD);
    const a = json(netlens(['resolve', '10.96.0.7', '-f', f, '--json']));
    assert.deepEqual([a.qname, a.qtype, a.rcode], ['7.0.96.10.in-addr.arpa.', 'PTR', 'NOERROR']);
    assert.deepEqual(a.answers, [{ name: '7.0.96.10.in-addr.arpa.', type: 'PTR', data: 'good1.shop.svc.cluster.local.' }]);
  });

  it('NXDOMAIN is an answer: exit status 0', () => {
    const run = netlens(['resolve', 'nothere', '-n', 'shop', '-f', sample, '--json']);
    assert.equal(run.status, 0);
    const a = json(run);
    assert.equal(a.rcode, 'NXDOMAIN');
    assert.deepEqual(a.answers, []);
    assert.equal(a.qname, 'nothere.shop.svc.cluster.local.');
  });

  it('--zone changes the cluster domain', () => {
    const a = json(netlens(['resolve', 'web', '-n', 'shop', '--zone', 'Example.Internal', '-f', sample, '--json']));
    assert.equal(a.qname, 'web.shop.svc.example.internal.');
    assert.equal(a.rcode, 'NOERROR');
  });
});

describe('netlens resolve (human output)', () => {
  it('prints the answer, the explanation and the search path, without colour when not on a terminal', () => {
    const run = netlens(['resolve', 'web', '-n', 'shop', '-f', sample]);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'web.shop.svc.cluster.local. A: NOERROR');
    assert.match(lines[1]!, /^ {2}web\.shop\.svc\.cluster\.local\. +A +\(allocated by the cluster\)$/);
    assert.ok(run.stdout.includes('Service shop/web'));
    assert.ok(run.stdout.includes('Search path, as a pod sends it:'));
    assert.match(run.stdout, /→ 1\. web\.shop\.svc\.cluster\.local\. {2}1 record/);
    assert.ok(!run.stdout.includes('\x1b['), 'no escape sequences in a pipe');
  });

  it('shows NXDOMAIN and exits 0', () => {
    const run = netlens(['resolve', 'nothere', '-n', 'shop', '-f', sample]);
    assert.equal(run.status, 0);
    assert.match(run.stdout.split('\n')[0]!, /^nothere\.shop\.svc\.cluster\.local\. A: NXDOMAIN$/);
  });

  it('shows NODATA for a name with no records of the type', () => {
    const run = netlens(['resolve', 'web.shop.svc.cluster.local.', '--type', 'AAAA', '-f', sample]);
    assert.equal(run.status, 0);
    assert.equal(run.stdout.split('\n')[0], 'web.shop.svc.cluster.local. AAAA: NOERROR, no records (NODATA)');
  });
});

describe('netlens: bad usage exits 2 with a message', () => {
  const cases: [string, string[], RegExp][] = [
    ['no name', ['resolve', '-f', 'test/sample-workspace'], /give a name or an IP/],
    ['two names', ['resolve', 'a', 'b', '-f', 'test/sample-workspace'], /give one name or IP; got 2/],
    [
      'an unknown --type',
      ['resolve', 'web', '--type', 'MX', '-f', 'test/sample-workspace'],
      /--type must be one of A, AAAA, SRV, PTR, CNAME, TXT, NS, ANY; got "MX"/,
    ],
    ['an unknown --pod-records', ['resolve', 'web', '--pod-records', 'sometimes', '-f', 'test/sample-workspace'], /--pod-records must be/],
    ['an unknown option', ['resolve', 'web', '--bogus', '-f', 'test/sample-workspace'], /--bogus/],
    ['an unknown command', ['lookup', 'web'], /unknown command "lookup"/],
    ['an invalid name', ['resolve', 'bad name', '-f', 'test/sample-workspace'], /"bad name" is not a name or an IP address/],
    ['a non-ASCII name', ['resolve', 'wéb.shop', '-f', 'test/sample-workspace'], /non-ASCII character "é"/],
    ['a label over 63 characters', ['resolve', `${'a'.repeat(64)}.shop`, '-f', 'test/sample-workspace'], /at most 63/],
    ['a name over 253 characters', ['resolve', Array(5).fill('a'.repeat(60)).join('.'), '-f', 'test/sample-workspace'], /at most 253/],
    ['an invalid zone', ['resolve', 'web', '--zone', 'a..b', '-f', 'test/sample-workspace'], /Invalid cluster domain "a\.\.b"/],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const run = netlens(args);
      assert.equal(run.status, 2, `${what}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /^netlens: /);
      assert.ok(!/\n\s+at /.test(run.stderr), 'no stack trace');
      assert.equal(run.stdout, '');
    });
  }

  it('a missing file, named', () => {
    const missing = join(tmp, 'nowhere', 'missing.yaml');
    const run = netlens(['resolve', 'web', '-f', sample, '-f', missing]);
    assert.equal(run.status, 2);
    assert.ok(run.stderr.includes(missing), run.stderr);
    assert.match(run.stderr, /no such file or folder/);
    assert.equal(run.stdout, '');
  });

  it('--version prints the version of package.json', () => {
    const run = netlens(['--version']);
    assert.equal(run.status, 0);
    const { version } = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
    assert.equal(run.stdout, `netlens ${version}\n`);
  });

  it('--help exits 0 with the usage', () => {
    const run = netlens(['resolve', '--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage:/);
  });
});

describe('netlens: unreadable input', () => {
  const BROKEN = [
    'apiVersion: v1', // 1
    'kind: Service',
    'metadata: {name: good1, namespace: shop}',
    'spec: {clusterIP: 10.96.0.7}',
    '---', // 5
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '\tname: tabbed', // 9: a tab as indentation
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: good2, namespace: shop}',
    '',
  ].join('\n');

  it('a YAML syntax error is reported as file:line:column and the other documents still answer', () => {
    const dir = mkdtempSync(join(tmp, 'yaml-'));
    writeFileSync(join(dir, 'broken.yaml'), BROKEN);
    for (const name of ['good1', 'good2']) {
      const run = netlens(['resolve', name, '-n', 'shop', '-f', 'broken.yaml', '--json'], { cwd: dir });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(json(run).rcode, 'NOERROR', name);
      assert.match(run.stderr, /^netlens: broken\.yaml:9:1: error: YAML syntax: /m);
    }
  });

  it('a binary file exits 2 naming the file, line and column of the NUL byte', () => {
    const dir = mkdtempSync(join(tmp, 'bin-'));
    writeFileSync(join(dir, 'image.yaml'), Buffer.concat([Buffer.from('apiVersion: v1\nkind: Serv'), Buffer.from([0, 1, 2, 0xff]), Buffer.from('\n')]));
    const run = netlens(['resolve', 'web', '-f', 'image.yaml'], { cwd: dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^netlens: image\.yaml:2:11: error: binary content/m);
    assert.equal(run.stdout, '');
  });

  it('an invalid UTF-8 file exits 2 naming the file, line and column of the bad byte', () => {
    const dir = mkdtempSync(join(tmp, 'latin1-'));
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from('apiVersion: v1\nkind: Service\nmetadata: {name: caf\xe9}\n', 'latin1'));
    const run = netlens(['resolve', 'web', '-f', dir], { cwd: dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /latin1\.yaml:3:21: error: not UTF-8 text \(invalid byte 0xe9 at offset 49\)/);
  });

  it('counts columns in characters, not bytes, after multi-byte text', () => {
    const dir = mkdtempSync(join(tmp, 'mixed-'));
    // "é" takes two bytes; the stray continuation byte 0x80 is the 8th character of line 2, its 9th byte.
    writeFileSync(join(dir, 'mixed.yaml'), Buffer.concat([Buffer.from('kind: Service\n# café '), Buffer.from([0x80]), Buffer.from('\n')]));
    const run = netlens(['resolve', 'web', '-f', 'mixed.yaml'], { cwd: dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /mixed\.yaml:2:8: error: not UTF-8 text \(invalid byte 0x80 at offset 22\)/);
  });

  it('finds the bad byte of an encoded surrogate, which the strict decoder refuses', () => {
    const dir = mkdtempSync(join(tmp, 'surrogate-'));
    writeFileSync(join(dir, 'surrogate.yaml'), Buffer.concat([Buffer.from('apiVersion: v1\nkind: '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n')]));
    const run = netlens(['resolve', 'web', '-f', 'surrogate.yaml'], { cwd: dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /surrogate\.yaml:2:7: error: not UTF-8 text \(invalid byte 0xed at offset 21\)/);
  });

  it('a folder is searched recursively for .yaml and .yml files only', () => {
    const dir = mkdtempSync(join(tmp, 'tree-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'b', 'svc.yml'), GOOD);
    writeFileSync(join(dir, 'notes.txt'), Buffer.from([0, 0, 0]));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules', 'broken.yaml'), Buffer.from([0xff]));
    const run = netlens(['resolve', 'good1.shop', '-f', dir, '--json']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      json(run).answers.map((r: { data: string }) => r.data),
      ['10.96.0.7'],
    );
  });
});

describe('netlens resolve --batch', () => {
  const questions = [
    JSON.stringify({ qname: 'web', namespace: 'shop' }),
    JSON.stringify({ qname: '10.96.0.7' }),
    JSON.stringify({ qname: 'Redis-0.Redis.shop.svc.cluster.local.', qtype: 'a' }),
    '{"qname": "web", "namespace": ',
    JSON.stringify({ qname: 'nothere', namespace: 'shop' }),
    JSON.stringify({ qname: '_http._tcp.web.shop.svc.cluster.local.', qtype: 'SRV' }),
    JSON.stringify({ qname: 'web' }),
  ];

  function checkAnswers(lines: string[], badLine: number | undefined): void {
    const out = lines.map((l) => JSON.parse(l) as Record<string, any>);
    assert.deepEqual(out[0]!.answers, [{ name: 'web.shop.svc.cluster.local.', type: 'A', data: null }]);
    assert.equal(out[0]!.explanation.matchedStep, 0);
    assert.deepEqual([out[1]!.qname, out[1]!.qtype, out[1]!.answers[0]?.data], ['7.0.96.10.in-addr.arpa.', 'PTR', 'good1.shop.svc.cluster.local.']);
    assert.deepEqual([out[2]!.qname, out[2]!.qtype, out[2]!.rcode], ['redis-0.redis.shop.svc.cluster.local.', 'A', 'NOERROR']);
    assert.deepEqual(out[2]!.answers, [{ name: 'redis-0.redis.shop.svc.cluster.local.', type: 'A', data: null }]);
    if (badLine !== undefined) {
      assert.equal(out[3]!.line, badLine);
      assert.match(out[3]!.error, /not JSON/);
      assert.equal(out[3]!.qname, undefined);
    }
    assert.deepEqual([out[4]!.qname, out[4]!.rcode], ['nothere.shop.svc.cluster.local.', 'NXDOMAIN']);
    assert.deepEqual(
      out[5]!.answers.map((r: { data: string }) => r.data),
      ['0 100 80 web.shop.svc.cluster.local.'],
    );
    assert.deepEqual([out[6]!.qname, out[6]!.rcode], ['web.default.svc.cluster.local.', 'NXDOMAIN'], 'the namespace defaults to -n');
  }

  it('reads stdin: one answer line per question line, in order; a bad line makes the exit status 2', () => {
    const f = file('batch/good.yaml', GOOD);
    const run = netlens(['resolve', '--batch', '-', '-f', sample, '-f', f], { input: `${questions.join('\n')}\n` });
    assert.equal(run.status, 2);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, questions.length);
    checkAnswers(lines, 4);
    assert.match(run.stderr, /<stdin>:4:1: not JSON/);
    assert.equal(run.stderr.split('\n').filter((l) => l.includes('<stdin>')).length, 1, 'only the bad line is reported');
  });

  it('reports questions that are JSON but not questions, each on its own line', () => {
    const run = netlens(['resolve', '--batch', '-', '-f', sample], {
      input: ['{"qname": 5}', '[]', '{"qname": "web", "qtype": "MX"}', '{"qname": "bad name"}', '{"qname": "web", "namespace": "shop"}'].join('\n'),
    });
    assert.equal(run.status, 2);
    const out = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    assert.deepEqual(
      out.slice(0, 4).map((o) => o.line),
      [1, 2, 3, 4],
    );
    assert.match(out[2]!.error, /unknown qtype "MX"/);
    assert.match(out[3]!.error, /not a name or an IP address/);
    assert.equal(out[4]!.rcode, 'NOERROR', 'a line without a final newline is still answered');
  });

  it('reads a file (CRLF line ends too) and exits 0 when every line is a question', () => {
    const good = questions.filter((_, i) => i !== 3);
    const q = file('batch/questions.jsonl', `${good.join('\r\n')}\r\n`);
    const f = file('batch/good.yaml', GOOD);
    const run = netlens(['resolve', '--batch', q, '-f', sample, '-f', f]);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, good.length);
    checkAnswers([...lines.slice(0, 3), '{}', ...lines.slice(3)], undefined);
  });

  it('a missing batch file exits 2 naming it', () => {
    const missing = join(tmp, 'no-questions.jsonl');
    const run = netlens(['resolve', '--batch', missing, '-f', sample]);
    assert.equal(run.status, 2);
    assert.ok(run.stderr.includes(missing), run.stderr);
    assert.equal(run.stdout, '');
  });

  it('refuses a name argument together with --batch', () => {
    const run = netlens(['resolve', 'web', '--batch', '-', '-f', sample]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--batch takes its questions from the file/);
  });
});

describe('netlens in other languages: LANG, LC_MESSAGES and LC_ALL, or --locale', () => {
  const BROKEN = `${GOOD}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: front
          env: [{name: BACKEND, value: "http://good2.shop:80"}]
`;
  const spanish = { LANG: 'es_ES.UTF-8', LC_ALL: '', LC_MESSAGES: '' };

  it('LANG=es_ES.UTF-8: the findings, the severities and the summary in Spanish; codes, names and ports as they are', () => {
    const f = file('l10n/broken.yaml', BROKEN);
    const run = netlens(['check', f], { env: spanish });
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[1]!, /^ {2}\d+:\d+ {2}error {2}NL001 {2}No hay ningún Service "good2" en el namespace shop en los manifiestos; ¿quería decir good1\?$/);
    assert.equal(lines[lines.length - 1], '1 archivo comprobado: 1 error, 0 advertencias en 1 archivo.');
    assert.doesNotMatch(run.stdout, /No Service|did you mean|checked/);
  });

  it('LANG=es_ES.UTF-8: the machine formats stay English; --locale puts them in the language asked', () => {
    const f = file('l10n/broken.yaml', BROKEN);
    const english = JSON.parse(netlens(['check', f, '--format', 'json'], { env: spanish }).stdout) as { message: string }[];
    assert.equal(english[0]!.message, 'No Service "good2" in namespace shop in the manifests; did you mean good1?');
    const asked = JSON.parse(netlens(['check', f, '--format', 'json', '--locale', 'es'], { env: spanish }).stdout) as { message: string }[];
    assert.equal(asked[0]!.message, 'No hay ningún Service "good2" en el namespace shop en los manifiestos; ¿quería decir good1?');
  });

  it('--locale ko: the explanation, the search path and a usage error in Korean; record types, names and addresses as they are', () => {
    const f = file('l10n/good.yaml', GOOD);
    const run = netlens(['resolve', 'good1', '-n', 'shop', '-f', f, '--locale', 'ko']);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'good1.shop.svc.cluster.local. A: NOERROR');
    assert.match(lines[1]!, /^ {2}good1\.shop\.svc\.cluster\.local\. +A +10\.96\.0\.7$/);
    assert.ok(run.stdout.includes('네임스페이스 shop에서 "good1"은(는) good1.shop.svc.cluster.local.(으)로 찾아집니다(검색 단계 4개 중 1번째).'), run.stdout);
    assert.ok(run.stdout.includes('Pod가 보내는 순서대로의 검색 경로:'), run.stdout);
    assert.match(run.stdout, /→ 1\. good1\.shop\.svc\.cluster\.local\. {2}레코드 1개/);
    const usage = netlens(['resolve', '-f', f, '--locale=ko']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^netlens: 확인할 이름이나 IP를 지정하세요\n/);
  });

  it('LC_ALL comes first, then LC_MESSAGES, then LANG; C is English; --locale without a value is a usage error', () => {
    const f = file('l10n/good.yaml', GOOD);
    const first = (env: NodeJS.ProcessEnv) => netlens(['resolve', 'nothere', '-n', 'shop', '-f', f], { env }).stdout.split('\n')[2];
    assert.match(first({ LC_ALL: '', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'es_ES.UTF-8' })!, /^从命名空间 shop 查询时/);
    assert.match(first({ LC_ALL: 'ko_KR.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'es_ES.UTF-8' })!, /^네임스페이스 shop에서/);
    assert.match(first({ LC_ALL: 'C', LANG: 'es_ES.UTF-8' })!, /^From namespace shop, "nothere" is not found/);
    assert.match(first({ LC_ALL: '', LC_MESSAGES: '', LANG: 'fr_FR.UTF-8' })!, /^From namespace shop/, 'a language without tables is English');
    const run = netlens(['resolve', 'good1', '-f', f, '--locale']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--locale takes a language/);
  });
});
