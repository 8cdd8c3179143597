/**
 * A line on stderr that says how far a long `netlens check` is, rewritten in place with `\r`: on a terminal only.
 * Where stderr is a file or a pipe (CI logs, scripts) it writes nothing at all.
 */

export interface Progress {
  /** Shows this text in place of the last (at most ten times a second, and not in the first quarter second). */
  update(text: string): void;
  /** Clears the line, so that what follows starts on a clean one. */
  done(): void;
}

export function progressLine(stream: { readonly isTTY?: boolean; write(s: string): unknown }, now: () => number = Date.now): Progress {
  if (stream.isTTY !== true) return { update() {}, done() {} };
  const started = now();
  let last = 0;
  let width = 0;
  return {
    update(text) {
      const t = now();
      if (t - started < 250 || t - last < 100) return;
      last = t;
      // Spaces rather than an erase sequence: a terminal without ANSI support shows the line as well.
      stream.write(`\r${text.padEnd(width)}`);
      width = text.length;
    },
    done() {
      if (width > 0) stream.write(`\r${' '.repeat(width)}\r`);
      width = 0;
    },
  };
}
