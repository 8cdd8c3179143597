/**
 * Text edits that add an item to a block sequence of a manifest, for the quick fixes that add a peer, a port or a
 * rule to a NetworkPolicy. Only block sequences are edited (`- item` lines): a flow sequence (`[a, b]`) is left to
 * the person, since rewriting it would touch text the fix is not about.
 */
import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { TextEdit } from '../check';

/** The value at a path of keys and list indexes under a YAML node. */
export function nodeAt(node: YamlNode | undefined | null, path: readonly (string | number)[]): YamlNode | undefined {
  let cur: unknown = node;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!isSeq(cur)) return undefined;
      cur = cur.items[step];
    } else {
      if (!isMap(cur)) return undefined;
      cur = cur.get(step, true);
    }
  }
  return cur === null || cur === undefined ? undefined : (cur as YamlNode);
}

/** The offsets of a key and its value in a mapping (from the key's start to the value's last character). */
export function pairRange(text: string, map: YamlNode | undefined, key: string, shift: number): readonly [number, number] | undefined {
  if (!isMap(map)) return undefined;
  for (const p of map.items) {
    if (!isScalar(p.key) || String(p.key.value) !== key || !p.key.range) continue;
    let end = ((p.value as YamlNode | null)?.range?.[1] ?? p.key.range[1]) + shift;
    // A block value's range runs past its last line break.
    while (end > 0 && /\s/.test(text[end - 1]!)) end--;
    return [p.key.range[0] + shift, end];
  }
  return undefined;
}

/** The offsets of a node's text, without the line break a block node's range runs past. */
export function nodeRange(text: string, node: YamlNode | undefined, shift: number): readonly [number, number] | undefined {
  if (!node?.range) return undefined;
  let end = node.range[1] + shift;
  while (end > node.range[0] + shift && /\s/.test(text[end - 1]!)) end--;
  return [node.range[0] + shift, end];
}

const SPECIAL = /^(?:true|false|yes|no|on|off|null|y|n|~)$/i;

/** A label key or value as a YAML scalar: plain when YAML reads it back as the same string, else double-quoted. */
function yamlString(s: string): string {
  if (s === '' || SPECIAL.test(s) || /^[-+.\d]/.test(s) || !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(s)) return JSON.stringify(s);
  return s;
}

/** `key: value` lines of a label map, under `matchLabels:`. */
export function matchLabelsLines(labels: Readonly<Record<string, string>>): string[] {
  return [
    'matchLabels:',
    ...Object.keys(labels)
      .sort()
      .map((k) => `  ${yamlString(k)}: ${yamlString(labels[k]!)}`),
  ];
}

/**
 * An edit that appends an item (its lines, the first after `- `, the others relative to the item's content) to a
 * block sequence; undefined for a flow sequence or one whose dash does not start its line.
 */
export function appendToSequence(text: string, seq: YamlNode | undefined, shift: number, item: readonly string[]): TextEdit | undefined {
  if (!isSeq(seq) || seq.flow || !seq.range || seq.items.length === 0) return undefined;
  const dash = seq.range[0] + shift;
  if (text[dash] !== '-') return undefined;
  const lineStart = text.lastIndexOf('\n', dash - 1) + 1;
  const before = text.slice(lineStart, dash);
  if (!/^[ ]*$/.test(before)) return undefined;
  const pad = before;
  // After the last item: its range ends past its line break, unless the file ends without one.
  const last = seq.items[seq.items.length - 1] as YamlNode;
  let at = (last.range?.[1] ?? seq.range[1]) + shift;
  // A comment or blank line after the last item belongs to what follows; insert right after the item's own line.
  while (at > 0 && (text[at - 1] === ' ' || text[at - 1] === '\t')) at--;
  const lead = text[at - 1] === '\n' ? '' : '\n';
  const body = item.map((line, i) => (i === 0 ? `${pad}- ${line}` : `${pad}  ${line}`)).join('\n');
  return { start: at, end: at, newText: `${lead}${body}\n` };
}
