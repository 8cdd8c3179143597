// Measures every function in src (declarations, methods, arrows, function expressions) with the TypeScript parser
// and fails when one is longer than the limit, unless the comment above it says why, in a line that begins with
// "Longer than 80 lines:". `--list N` prints every function of N lines or more, longest first.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIMIT = 80;
const REASON = /Longer than 80 lines:/;
const listAt = process.argv.indexOf('--list');
const shown = listAt >= 0 ? Number(process.argv[listAt + 1] ?? 60) : undefined;

const found = [];
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) measure(path);
  }
}

function measure(path) {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      // The comment that explains it sits above the function, or above the statement or member that holds it.
      const holder = ts.isArrowFunction(node) || ts.isFunctionExpression(node) ? (node.parent?.parent ?? node) : node;
      const comment = text.slice(holder.getFullStart(), holder.getStart(source));
      found.push({ lines: end - start + 1, at: `${relative(root, path)}:${start + 1}`, name: nameOf(node, source), reason: REASON.test(comment) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

function nameOf(node, source) {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) return parent.name.getText(source);
  return '(anonymous)';
}

walk(join(root, 'src'));
found.sort((a, b) => b.lines - a.lines);
if (shown !== undefined) {
  for (const f of found.filter((f) => f.lines >= shown))
    console.log(`${String(f.lines).padStart(4)}  ${f.at}  ${f.name}${f.reason ? '  (reason stated)' : ''}`);
  process.exit(0);
}
const long = found.filter((f) => f.lines > LIMIT && !f.reason);
for (const f of long) console.error(`${f.at} ${f.name} is ${f.lines} lines long: split it, or say why above it ("Longer than 80 lines: …").`);
if (long.length > 0) process.exit(1);
console.log(`${found.length} functions in src; the longest is ${found[0]?.lines ?? 0} lines (${found[0]?.at ?? ''} ${found[0]?.name ?? ''}).`);
