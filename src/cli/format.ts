/** Text and JSON renderings of answers for the terminal. */
import { t } from '../core/l10n';
import type { ManifestProblem } from '../core/manifests';
import type { DnsAnswer } from '../core/resolver';

/** The JSON form of an answer: the contract of `--json` and `--batch`. */
export function answerJson(answer: DnsAnswer): object {
  return {
    qname: answer.qname,
    qtype: answer.qtype,
    rcode: answer.rcode,
    answers: answer.answers,
    additional: answer.additional,
    explanation: answer.explanation,
  };
}

export function answerText(answer: DnsAnswer, color: boolean): string {
  const b = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
  const lines: string[] = [];
  const e = answer.explanation;
  const outcome = answer.rcode !== 'NOERROR' ? answer.rcode : answer.answers.length === 0 ? `NOERROR, ${t('no records (NODATA)')}` : 'NOERROR';
  lines.push(`${b(answer.qname)} ${answer.qtype}: ${outcome}`);
  const width = Math.max(0, ...answer.answers.map((r) => r.name.length), ...answer.additional.map((r) => r.name.length));
  for (const r of answer.answers) lines.push(`  ${r.name.padEnd(width)}  ${r.type.padEnd(5)} ${r.data ?? dim(t('(allocated by the cluster)'))}`);
  if (answer.additional.length > 0) {
    lines.push(dim(`  ${t('additional:')}`));
    for (const r of answer.additional) lines.push(`  ${r.name.padEnd(width)}  ${r.type.padEnd(5)} ${r.data ?? dim(t('(allocated by the cluster)'))}`);
  }
  lines.push('');
  lines.push(e.summary);
  for (const d of e.details) lines.push(`  ${d}`);
  if (e.search && e.search.length > 0) {
    lines.push(dim(t('Search path, as a pod sends it:')));
    e.search.forEach((s, i) => {
      const mark = i === e.matchedStep ? '→' : ' ';
      const records = s.answers === 1 ? t('1 record') : t('{0} records', s.answers);
      const result = s.rcode === 'NOERROR' ? (s.answers > 0 ? records : 'NODATA') : s.rcode;
      lines.push(dim(`  ${mark} ${i + 1}. ${s.name}  ${result}`));
    });
  }
  return lines.join('\n');
}

export function problemText(p: ManifestProblem): string {
  return `${p.uri}:${p.line}:${p.column}: ${p.severity}: ${p.message}`;
}

/** A finding placed in a file: the contract of `netlens check --format json` (1-based lines and columns). */
export interface Located {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  readonly message: string;
}

/** What one run of `netlens check` found, for every output format. */
export interface CheckReport {
  /** Findings sorted by file, line, column and code. */
  readonly findings: readonly Located[];
  /** The plain manifest files read, as shown to the user (paths relative to the current folder where possible). */
  readonly files: readonly string[];
  /** How many charts and kustomizations were rendered and checked. */
  readonly renders: number;
}

/** The metadata of a diagnostic code that the SARIF rules list shows. */
export interface RuleInfo {
  readonly code: string;
  readonly name: string;
  readonly summary: string;
  readonly severity: Located['severity'];
}

export const CHECK_FORMATS = ['text', 'json', 'sarif', 'github', 'junit'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/**
 * Whether to colour the output of a stream: only on a terminal, and never when NO_COLOR is set to a non-empty
 * value (https://no-color.org), so that logs, pipes and files get plain text.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** The whole output of `netlens check` in one format. */
export function formatCheck(format: CheckFormat, report: CheckReport, rules: readonly RuleInfo[], options: { color?: boolean } = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report.findings, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(sarif(report.findings, rules), null, 2)}\n`;
    case 'github':
      return githubAnnotations(report.findings);
    case 'junit':
      return junit(report);
    case 'text':
      return checkText(report, options.color === true);
  }
}

/** A severity as the text format shows it. */
function severityWord(s: Located['severity']): string {
  switch (s) {
    case 'error':
      return t('error');
    case 'warning':
      return t('warning');
    case 'information':
      return t('information');
    case 'hint':
      return t('hint');
  }
}

/** `3 files checked`, `1 file and 2 renders checked`. */
function checkedText(files: number, renders: number): string {
  if (renders === 0) return files === 1 ? t('1 file checked') : t('{0} files checked', files);
  const f = files === 1 ? t('1 file') : t('{0} files', files);
  return t('{0} and {1} checked', f, renders === 1 ? t('1 render') : t('{0} renders', renders));
}

/** `1 error, 0 warnings in 1 file`, and the other findings when there are some. */
function countsText(errors: number, warnings: number, others: number, files: number): string {
  const counts = [
    errors === 1 ? t('1 error') : t('{0} errors', errors),
    warnings === 1 ? t('1 warning') : t('{0} warnings', warnings),
    ...(others > 0 ? [others === 1 ? t('1 other finding') : t('{0} other findings', others)] : []),
  ];
  return t('{0} in {1}', counts.join(', '), files === 1 ? t('1 file') : t('{0} files', files));
}

/**
 * The terminal form: findings grouped under their file, `line:column  severity  code  message`, then one summary
 * line. Colour marks severities and the summary; without colour the text is the same, character for character.
 */
export function checkText(report: CheckReport, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const severityColor: Record<Located['severity'], string> = { error: '31', warning: '33', information: '36', hint: '2' };
  const groups = new Map<string, Located[]>();
  for (const f of report.findings) {
    const group = groups.get(f.file);
    if (group) group.push(f);
    else groups.set(f.file, [f]);
  }
  const lines: string[] = [];
  for (const [file, findings] of groups) {
    lines.push(paint('1;4', file));
    const at = findings.map((f) => `${f.line}:${f.column}`);
    const atWidth = Math.max(...at.map((a) => a.length));
    const sevWidth = Math.max(...findings.map((f) => severityWord(f.severity).length));
    findings.forEach((f, i) => {
      const severity = paint(severityColor[f.severity], severityWord(f.severity).padEnd(sevWidth));
      lines.push(`  ${paint('2', at[i]!.padEnd(atWidth))}  ${severity}  ${paint('2', f.code)}  ${f.message}`);
    });
    lines.push('');
  }
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const others = report.findings.length - errors - warnings;
  const checked = checkedText(report.files.length, report.renders);
  if (report.findings.length === 0) {
    lines.push(t('{0}: {1}.', checked, paint('32', t('no findings'))));
  } else {
    const summary = countsText(errors, warnings, others, groups.size);
    lines.push(t('{0}: {1}.', checked, paint(errors > 0 ? '1;31' : '1;33', summary)));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * GitHub Actions workflow commands, one annotation a finding:
 * `::error file=F,line=L,endLine=L2,col=C,endColumn=C2,title=NL001::message`. Values are escaped as the Actions
 * toolkit escapes them (`%`, CR and LF everywhere; `:` and `,` in properties too), so that a message with a colon
 * or a newline cannot end the command early or inject another one.
 */
export function githubAnnotations(findings: readonly Located[]): string {
  const command = (s: Located['severity']) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'notice');
  return findings
    .map((f) => {
      const props = [
        `file=${escapeProperty(f.file.split('\\').join('/'))}`,
        `line=${f.line}`,
        `endLine=${f.endLine}`,
        `col=${f.column}`,
        `endColumn=${f.endColumn}`,
        `title=${escapeProperty(f.code)}`,
      ];
      return `::${command(f.severity)} ${props.join(',')}::${escapeData(f.message)}\n`;
    })
    .join('');
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * JUnit XML for CI test reports: one test case per file (the plain manifests read and every file a finding is
 * placed in, such as a chart's template), failed when the file has an error; its findings are listed in the
 * failure's text and, for warnings and the rest, in the case's `system-out`. Each case has one failure at most,
 * as the JUnit schema allows.
 */
export function junit(report: CheckReport): string {
  const byFile = new Map<string, Located[]>();
  for (const file of report.files) byFile.set(file, []);
  for (const f of report.findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  const files = [...byFile.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const line = (f: Located) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`;
  let failures = 0;
  const cases = files.map((file) => {
    const findings = byFile.get(file)!;
    const errors = findings.filter((f) => f.severity === 'error');
    const rest = findings.filter((f) => f.severity !== 'error');
    const name = xmlAttr(file);
    const body: string[] = [];
    if (errors.length > 0) {
      failures++;
      const first = errors[0]!;
      const count = errors.length === 1 ? t('1 error') : t('{0} errors', errors.length);
      const message = t('{0}, first at line {1}: {2} {3}', count, first.line, first.code, first.message);
      body.push(`      <failure message="${xmlAttr(message)}" type="${xmlAttr(first.code)}">${xmlText(errors.map(line).join('\n'))}</failure>`);
    }
    if (rest.length > 0) body.push(`      <system-out>${xmlText(rest.map(line).join('\n'))}</system-out>`);
    return body.length === 0
      ? `    <testcase classname="netlens.check" name="${name}" file="${name}"/>`
      : `    <testcase classname="netlens.check" name="${name}" file="${name}">\n${body.join('\n')}\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netlens check" tests="${files.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="netlens check" tests="${files.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Characters XML 1.0 cannot hold at all (control characters other than tab, LF and CR; lone surrogates). */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xmlText(s: string): string {
  return s.replace(XML_INVALID, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** SARIF 2.1.0, as code-scanning services read it. */
export function sarif(located: readonly Located[], rules: readonly RuleInfo[]): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'NetLens',
            informationUri: 'https://github.com/netlens/netlens',
            rules: rules.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.summary },
              defaultConfiguration: { level: sarifLevel(r.severity) },
            })),
          },
        },
        results: located.map((l) => ({
          ruleId: l.code,
          ruleIndex: rules.findIndex((r) => r.code === l.code),
          level: sarifLevel(l.severity),
          message: { text: l.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: l.file.split('\\').join('/') },
                region: { startLine: l.line, startColumn: l.column, endLine: l.endLine, endColumn: l.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
}

function sarifLevel(severity: Located['severity']): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}
