/**
 * A small document model for hovers (paragraphs, lists, tables of inline text and code spans) and its two
 * renderings: markdown for clients that declared it, plain text for the others.
 *
 * Every string may come from a cluster or a manifest, so none is ever taken as markup. In markdown, text is
 * escaped only where a character could start markup (`*`, `_`, `` ` ``, `[`, `<`, `&`, …; a `#`, `>`, `-`, `+` or
 * `1.` at the start of a line), and code spans are fenced with more backticks than they contain, so that nothing
 * inside can close them; line breaks inside a string become spaces, so no string can start a block of its own.
 */

/** Inline content: text, a code span (a name or an address), strong or emphasised text. */
export type Inline = string | { readonly code: string } | { readonly strong: readonly Inline[] } | { readonly em: readonly Inline[] };

export type Block =
  /** `intro`: the paragraph introduces the list after it, which follows it on the next line. */
  | { readonly kind: 'paragraph'; readonly content: readonly Inline[]; readonly intro?: boolean }
  | { readonly kind: 'list'; readonly ordered?: boolean; readonly items: readonly (readonly Inline[])[] }
  /** A table where markdown is declared; `lines` is how each row reads as a list item elsewhere. */
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      readonly rows: readonly (readonly (readonly Inline[])[])[];
      readonly lines: readonly (readonly Inline[])[];
    };

export const code = (text: string): Inline => ({ code: text });
export const strong = (...content: Inline[]): Inline => ({ strong: content });
export const em = (...content: Inline[]): Inline => ({ em: content });
export const paragraph = (...content: Inline[]): Block => ({ kind: 'paragraph', content });
/** A paragraph that introduces the list after it. */
export const intro = (...content: Inline[]): Block => ({ kind: 'paragraph', content, intro: true });
export const list = (items: readonly (readonly Inline[])[], ordered = false): Block => ({ kind: 'list', ordered, items });

/**
 * A translated sentence with inline parts in its placeholders: `filled('Search path from namespace {0}:', code(ns))`,
 * the parts where the sentence's language puts them.
 */
export function filled(template: string, ...parts: Inline[]): Inline[] {
  const out: Inline[] = [];
  template.split(/(\{\d+\})/).forEach((piece, i) => {
    const part = i % 2 === 1 ? parts[Number(piece.slice(1, -1))] : piece;
    if (part !== undefined && part !== '') out.push(part);
  });
  return out;
}

export function renderMarkdown(blocks: readonly Block[]): string {
  return joinBlocks(blocks, (b) => {
    switch (b.kind) {
      case 'paragraph':
        return lineStart(inlineMarkdown(b.content, false));
      case 'list':
        return b.items.map((item, i) => `${b.ordered ? `${i + 1}.` : '-'} ${lineStart(inlineMarkdown(item, false))}`).join('\n');
      case 'table': {
        const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
        return [
          row(b.header.map((h) => escapeText(h, true))),
          row(b.header.map(() => '---')),
          ...b.rows.map((r) => row(r.map((cell) => inlineMarkdown(cell, true) || ' '))),
        ].join('\n');
      }
    }
  });
}

export function renderPlaintext(blocks: readonly Block[]): string {
  return joinBlocks(blocks, (b) => {
    switch (b.kind) {
      case 'paragraph':
        return inlinePlain(b.content);
      case 'list':
        return b.items.map((item, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inlinePlain(item)}`).join('\n');
      case 'table':
        return b.lines.map((line) => `- ${inlinePlain(line)}`).join('\n');
    }
  });
}

/**
 * The non-empty blocks, rendered, a blank line between two; a paragraph that introduces a list is followed by it on
 * the next line (a bullet list may interrupt a paragraph in CommonMark, and an ordered one starting at 1).
 */
function joinBlocks(blocks: readonly Block[], render: (b: Block) => string): string {
  const shown = blocks.filter(nonEmpty);
  return shown
    .map(
      (b, i) =>
        `${i === 0 ? '' : shown[i - 1]!.kind === 'paragraph' && (shown[i - 1] as { intro?: boolean }).intro && b.kind === 'list' ? '\n' : '\n\n'}${render(b)}`,
    )
    .join('');
}

function nonEmpty(b: Block): boolean {
  return b.kind === 'paragraph' ? b.content.length > 0 : b.kind === 'list' ? b.items.length > 0 : b.rows.length > 0;
}

function inlineMarkdown(content: readonly Inline[], inTable: boolean): string {
  return content
    .map((c) => {
      if (typeof c === 'string') return escapeText(c, inTable);
      if ('code' in c) return codeSpan(c.code, inTable);
      if ('strong' in c) return `**${inlineMarkdown(c.strong, inTable)}**`;
      return `_${inlineMarkdown(c.em, inTable)}_`;
    })
    .join('');
}

function inlinePlain(content: readonly Inline[]): string {
  return content.map((c) => (typeof c === 'string' ? oneLine(c) : 'code' in c ? oneLine(c.code) : inlinePlain('strong' in c ? c.strong : c.em))).join('');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** Text with the characters that could start inline markup or HTML escaped; `|` too inside a table. */
function escapeText(text: string, inTable: boolean): string {
  return oneLine(text).replace(inTable ? /[\\`*_[\]<>&~|]/g : /[\\`*_[\]<>&~]/g, (c) => `\\${c}`);
}

/**
 * A code span that cannot be closed from inside: its fence is one backtick longer than the longest run within, and
 * a space pads content that starts or ends with a backtick or a space (CommonMark strips one on each side). In a
 * table, GFM splits cells at `|` even inside code spans unless it is escaped.
 */
function codeSpan(text: string, inTable: boolean): string {
  let content = oneLine(text);
  if (inTable) content = content.replace(/\|/g, '\\|');
  if (content === '') return '';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * Escapes what would make a one-line paragraph a heading, a quote, a list item or a thematic break (`*` and `_`
 * are escaped everywhere already).
 */
function lineStart(text: string): string {
  // Leading spaces would make an indented code block of the line.
  const line = text.trimStart();
  const ordered = /^(\d{1,9})([.)])(?=\s|$)/.exec(line);
  if (ordered) return `${ordered[1]}\\${ordered[2]}${line.slice(ordered[0].length)}`;
  return /^(#{1,6}(\s|$)|>|[-+](\s|$)|-( *-){2,} *$)/.test(line) ? `\\${line}` : line;
}
