/** Text and JSON renderings of answers for the terminal. */
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
  const outcome = answer.rcode !== 'NOERROR' ? answer.rcode : answer.answers.length === 0 ? 'NOERROR, no records (NODATA)' : 'NOERROR';
  lines.push(`${b(answer.qname)} ${answer.qtype}: ${outcome}`);
  const width = Math.max(0, ...answer.answers.map((r) => r.name.length), ...answer.additional.map((r) => r.name.length));
  for (const r of answer.answers) lines.push(`  ${r.name.padEnd(width)}  ${r.type.padEnd(5)} ${r.data ?? dim('(allocated by the cluster)')}`);
  if (answer.additional.length > 0) {
    lines.push(dim('  additional:'));
    for (const r of answer.additional) lines.push(`  ${r.name.padEnd(width)}  ${r.type.padEnd(5)} ${r.data ?? dim('(allocated by the cluster)')}`);
  }
  lines.push('');
  lines.push(e.summary);
  for (const d of e.details) lines.push(`  ${d}`);
  if (e.search && e.search.length > 0) {
    lines.push(dim('Search path, as a pod sends it:'));
    e.search.forEach((s, i) => {
      const mark = i === e.matchedStep ? '→' : ' ';
      const result = s.rcode === 'NOERROR' ? (s.answers > 0 ? `${s.answers} record${s.answers === 1 ? '' : 's'}` : 'NODATA') : s.rcode;
      lines.push(dim(`  ${mark} ${i + 1}. ${s.name}  ${result}`));
    });
  }
  return lines.join('\n');
}

export function problemText(p: ManifestProblem): string {
  return `${p.uri}:${p.line}:${p.column}: ${p.severity}: ${p.message}`;
}
