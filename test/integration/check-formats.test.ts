// The output formats of `netlens check`: exact outputs of each format on the sample repository (one broken
// reference), on a report with several files and severities, and the escaping each format needs; colour only on
// a terminal without NO_COLOR, tried under a real pseudo-terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { type CheckReport, checkText, githubAnnotations, junit, type Located, useColor } from '../../src/cli/format';
import { repoRoot } from '../support/repo';

const root = repoRoot();
const cli = join(root, 'dist', 'cli.js');
const sampleRepo = join(root, 'test', 'fixtures', 'sample-repo');

before(() => {
  // `npm test` bundles before the unit tests; when they run on their own, bundle once here.
  if (!existsSync(cli)) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `bundling failed: ${r.stderr}`);
  }
});

/** `netlens check k8s` in the sample repository, as a user runs it there; stdout is a pipe, not a terminal. */
function check(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'check', 'k8s', ...args], {
    cwd: sampleRepo,
    encoding: 'utf8',
    // English, whatever the shell's locale (LC_ALL decides first).
    env: { ...process.env, LC_ALL: 'C.UTF-8', ...env },
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const MESSAGE = 'No Service "apii" in namespace shop in the manifests; did you mean api?';

describe('netlens check on the sample repository, each format exactly', () => {
  it('text: grouped under the file, with a summary line, and no colour when stdout is not a terminal', () => {
    const r = check([]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, ['k8s/web.yaml', `  22:29  error  NL001  ${MESSAGE}`, '', '2 files checked: 1 error, 0 warnings in 1 file.', ''].join('\n'));
    assert.equal(r.stderr, '');
  });

  it('github: one workflow annotation at the line and columns of the reference', () => {
    const r = check(['--format', 'github']);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, `::error file=k8s/web.yaml,line=22,endLine=22,col=29,endColumn=56,title=NL001::${MESSAGE}\n`);
  });

  it('junit: a test case per file, the broken one failed with the finding', () => {
    const r = check(['--format', 'junit']);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(
      r.stdout,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="netlens check" tests="2" failures="1" errors="0">',
        '  <testsuite name="netlens check" tests="2" failures="1" errors="0" skipped="0">',
        '    <testcase classname="netlens.check" name="k8s/api.yaml" file="k8s/api.yaml"/>',
        '    <testcase classname="netlens.check" name="k8s/web.yaml" file="k8s/web.yaml">',
        `      <failure message="1 error, first at line 22: NL001 ${MESSAGE.replace(/"/g, '&quot;')}" type="NL001">k8s/web.yaml:22:29: error NL001: ${MESSAGE}</failure>`,
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('json and sarif: the same place', () => {
    const json = check(['--format', 'json']);
    assert.equal(json.status, 1);
    assert.deepEqual(JSON.parse(json.stdout), [
      { file: 'k8s/web.yaml', line: 22, column: 29, endLine: 22, endColumn: 56, code: 'NL001', severity: 'error', message: MESSAGE },
    ]);
    const sarif = JSON.parse(check(['--format', 'sarif']).stdout);
    assert.deepEqual(
      sarif.runs[0].results.map((r: any) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region]),
      [['NL001', 'error', 'k8s/web.yaml', { startLine: 22, startColumn: 29, endLine: 22, endColumn: 56 }]],
    );
  });

  it('an unknown format is bad usage (exit 2) that names the formats', () => {
    const r = check(['--format', 'xml']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--format must be one of text, json, sarif, github, junit; got "xml"/);
  });
});

describe('colour', () => {
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

  /** Runs the CLI under a pseudo-terminal (util-linux `script`), so that stdout is a TTY; returns what it printed. */
  function onTerminal(env: NodeJS.ProcessEnv): string {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} check k8s`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: sampleRepo,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '', LC_ALL: 'C.UTF-8', ...env },
      timeout: 60_000,
    });
    assert.equal(r.status, 1, r.stderr);
    return r.stdout;
  }

  it('on a terminal the text is coloured; with NO_COLOR it is not', { skip: hasScript ? false : 'util-linux script is not installed' }, () => {
    const coloured = onTerminal({});
    assert.match(coloured, /\x1b\[31merror\x1b\[0m/);
    assert.match(coloured, /\x1b\[1;4mk8s\/web\.yaml\x1b\[0m/);
    const plain = onTerminal({ NO_COLOR: '1' });
    assert.doesNotMatch(plain, /\x1b\[/);
    assert.match(plain, /22:29 {2}error {2}NL001/);
  });

  it('useColor: a TTY without NO_COLOR only', () => {
    assert.equal(useColor({ isTTY: true }, {}), true);
    assert.equal(useColor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(useColor({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
    assert.equal(useColor({ isTTY: false }, {}), false);
    assert.equal(useColor({}, {}), false);
  });
});

const finding = (file: string, line: number, severity: Located['severity'], code: string, message: string): Located => ({
  file,
  line,
  column: 5,
  endLine: line,
  endColumn: 9,
  code,
  severity,
  message,
});

const report: CheckReport = {
  files: ['a.yaml', 'b.yaml', 'c.yaml'],
  renders: 1,
  findings: [
    finding('a.yaml', 3, 'error', 'NL001', 'No Service "x"'),
    finding('a.yaml', 12, 'warning', 'NL007', 'a pod IP'),
    finding('chart/templates/d.yaml', 110, 'error', 'NL003', 'port 81'),
  ],
};

describe('formats of a report with several files and severities', () => {
  it('text: one group per file in order, columns aligned within a group, counts in the summary', () => {
    assert.equal(
      checkText(report, false),
      [
        'a.yaml',
        '  3:5   error    NL001  No Service "x"',
        '  12:5  warning  NL007  a pod IP',
        '',
        'chart/templates/d.yaml',
        '  110:5  error  NL003  port 81',
        '',
        '3 files and 1 render checked: 2 errors, 1 warning in 2 files.',
        '',
      ].join('\n'),
    );
  });

  it('text with colour: the same characters between the escape codes', () => {
    const coloured = checkText(report, true);
    assert.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), checkText(report, false));
    assert.match(coloured, /\x1b\[1;31m2 errors, 1 warning in 2 files\x1b\[0m/);
  });

  it('text: a clean run says so', () => {
    assert.equal(checkText({ files: ['a.yaml'], renders: 0, findings: [] }, false), '1 file checked: no findings.\n');
  });

  it('github: warnings and notices as well as errors', () => {
    const r = githubAnnotations([...report.findings, finding('e.yaml', 1, 'hint', 'NL010', 'h')]);
    assert.deepEqual(
      r
        .trimEnd()
        .split('\n')
        .map((l) => l.slice(0, l.indexOf(' '))),
      ['::error', '::warning', '::error', '::notice'],
    );
  });

  it('github: escaped as the Actions toolkit escapes, so a message cannot end the command or start another', () => {
    const tricky = finding('dir,with:odd%/f.yaml', 7, 'error', 'NL001', 'line one: 50%\r\n::error::injected');
    assert.equal(
      githubAnnotations([tricky]),
      '::error file=dir%2Cwith%3Aodd%25/f.yaml,line=7,endLine=7,col=5,endColumn=9,title=NL001::line one: 50%25%0D%0A::error::injected\n',
    );
    assert.equal(githubAnnotations([tricky]).split('\n').length, 2, 'one line and its end');
  });

  it('junit: files without findings pass, a file with only warnings passes with them in system-out, rendered files are cases too', () => {
    assert.equal(
      junit(report),
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="netlens check" tests="4" failures="2" errors="0">',
        '  <testsuite name="netlens check" tests="4" failures="2" errors="0" skipped="0">',
        '    <testcase classname="netlens.check" name="a.yaml" file="a.yaml">',
        '      <failure message="1 error, first at line 3: NL001 No Service &quot;x&quot;" type="NL001">a.yaml:3:5: error NL001: No Service "x"</failure>',
        '      <system-out>a.yaml:12:5: warning NL007: a pod IP</system-out>',
        '    </testcase>',
        '    <testcase classname="netlens.check" name="b.yaml" file="b.yaml"/>',
        '    <testcase classname="netlens.check" name="c.yaml" file="c.yaml"/>',
        '    <testcase classname="netlens.check" name="chart/templates/d.yaml" file="chart/templates/d.yaml">',
        '      <failure message="1 error, first at line 110: NL003 port 81" type="NL003">chart/templates/d.yaml:110:5: error NL003: port 81</failure>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('junit: markup and characters XML cannot hold are escaped or replaced', () => {
    const xml = junit({ files: [], renders: 0, findings: [finding('<a&b>.yaml', 1, 'error', 'NL001', 'x < y & "z"\u0001\nnext')] });
    assert.match(xml, /name="&lt;a&amp;b&gt;\.yaml"/);
    assert.match(xml, /message="1 error, first at line 1: NL001 x &lt; y &amp; &quot;z&quot;\uFFFD&#10;next"/);
    assert.match(xml, />&lt;a&amp;b&gt;\.yaml:1:5: error NL001: x &lt; y &amp; "z"\uFFFD\nnext<\/failure>/);
    assert.doesNotMatch(xml, /\u0001/);
  });
});
