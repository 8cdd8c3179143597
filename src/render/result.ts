/** What a render hands on: plain data, shared by the Helm and Kustomize renderers and their callers. */
import type { RenderTarget } from './discover';
import type { SourceMapTable } from './source-map';

export type RenderProblemCode =
  /** The tool ran and failed; the message holds its stderr. */
  | 'render-failed'
  /** The tool did not finish within the time limit. */
  | 'render-timeout'
  /** helm, kustomize (or kubectl) was not found; the message says what would have been run. */
  | 'tool-missing'
  /** A dependency of a chart is not vendored under charts/: the chart was rendered without it. */
  | 'dependency-missing'
  /** The build would fetch something over the network (a remote base, a URL): refused. */
  | 'remote-refused'
  /** Rendered documents whose source file could not be found (a packaged sub-chart): findings there point at the entry file. */
  | 'unmapped-output';

export interface RenderProblem {
  readonly code: RenderProblemCode;
  readonly severity: 'error' | 'warning' | 'information';
  /** The file it is shown on (Chart.yaml, a kustomization), with offsets and 1-based line and column. */
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface RenderResult {
  readonly target: RenderTarget;
  /** A stable identity of the render: the entry file, with the release for charts. */
  readonly id: string;
  /** The uri under which the rendered text is parsed and analysed (`netlens-render:` + the entry file). */
  readonly uri: string;
  /** A short human name: `helm template release charts/podinfo`, `kustomize build overlays/prod`. */
  readonly label: string;
  /** The rendered text; empty when the render failed or did not run. */
  readonly text: string;
  readonly map: SourceMapTable;
  /** Every file the render read (what its cache key covers). */
  readonly inputs: readonly string[];
  readonly problems: readonly RenderProblem[];
  /** The namespace of objects that name none in the rendered text (Helm writes the release namespace into them). */
  readonly namespace: string | undefined;
  /** A chart's release namespace that no setting chose (the chart's name): it may be installed into any other. */
  readonly namespaceAssumed?: true;
  /**
   * Names (and aliases) of enabled chart dependencies that are not vendored: their objects are missing from the
   * render, so a reference to a name that contains one of them may be to an object NetLens cannot see.
   */
  readonly missingDependencies: readonly string[];
  /** The command that ran (or would have), for messages: the tool's path is left out. */
  readonly command: readonly string[];
  /** Milliseconds in the tool and in building the map; 0 for a render from the cache. */
  readonly toolMs: number;
  readonly mapMs: number;
  readonly fromCache: boolean;
}

export function emptyMap(): SourceMapTable {
  return { sources: [], lineStarts: [0], lines: [null] };
}

/** A problem on a file at an offset (line and column counted from the text). */
export function problemAt(
  file: string,
  text: string,
  start: number,
  end: number,
  code: RenderProblemCode,
  severity: RenderProblem['severity'],
  message: string,
): RenderProblem {
  let line = 1;
  let lineStart = 0;
  for (let p = text.indexOf('\n'); p >= 0 && p < start; p = text.indexOf('\n', p + 1)) {
    line++;
    lineStart = p + 1;
  }
  return { code, severity, file, start, end, line, column: start - lineStart + 1, message };
}
