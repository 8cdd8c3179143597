/**
 * Element makers for the map. Every string from the cluster goes through `textContent` or `setAttribute`, never
 * through markup: a name holding `<script>` shows as those characters.
 */

const SVG = 'http://www.w3.org/2000/svg';

type Attributes = Record<string, string | number | undefined>;

function apply(el: Element, attrs: Attributes): void {
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
}

/** An SVG element with these attributes and, when given, this text. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attributes = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  apply(el, attrs);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** An HTML element with these attributes and, when given, this text. */
export function html<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attributes = {}, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A tooltip for an SVG element: its first child, as the SVG spec has it. */
export function tooltip(el: SVGElement, text: string): void {
  el.insertBefore(svg('title', {}, text), el.firstChild);
}

/** Measures text in the map's fonts (a canvas, so nothing has to be laid out first). */
export class TextMeasure {
  private readonly ctx: CanvasRenderingContext2D | null = document.createElement('canvas').getContext('2d');
  private readonly family: string;
  private readonly cache = new Map<string, number>();
  private font = '';

  constructor() {
    this.family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  }

  width(text: string, size: number, bold = false): number {
    const key = `${size}${bold ? 'b' : ''}|${text}`;
    let w = this.cache.get(key);
    if (w === undefined) {
      if (this.ctx) {
        // Setting the font parses it: only when it changes.
        const font = `${bold ? '600 ' : ''}${size}px ${this.family}`;
        if (font !== this.font) {
          this.ctx.font = font;
          this.font = font;
        }
        w = this.ctx.measureText(text).width;
      } else {
        w = text.length * size * 0.6;
      }
      this.cache.set(key, w);
    }
    return w;
  }

  /** The text cut to fit `max` pixels, with an ellipsis when cut. */
  fit(text: string, size: number, max: number, bold = false): string {
    if (this.width(text, size, bold) <= max) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.width(`${text.slice(0, mid)}…`, size, bold) <= max) lo = mid;
      else hi = mid - 1;
    }
    return `${text.slice(0, lo)}…`;
  }
}
