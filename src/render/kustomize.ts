/**
 * Builds a Kustomize entry point and maps the output back to its sources.
 *
 * The user's kustomization is built through a wrapper: a kustomization in a temporary folder whose only resource
 * is the user's folder (by a relative path, as kustomize requires) and which asks for origin annotations
 * (`buildMetadata: [originAnnotations]`). The user's files are never written, and the build is the user's own
 * otherwise: the wrapper adds no namespace, prefix or patch, and bases outside the wrapper's folder are allowed
 * by kustomize's default load restrictor as they are for the user. No flag that runs programs is passed (no
 * `--enable-exec`, `--enable-alpha-plugins` or `--enable-helm`), PATH is empty (no git for remote bases), and
 * remote resources are refused before the build.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { t } from '../core/l10n';
import type { KustomizeTarget } from './discover';
import type { Kustomization } from './kustomization';
import { assembleKustomize } from './kustomize-map';
import { emptyMap, problemAt, type RenderProblem, type RenderResult } from './result';
import { type RunResult, runTool, sandboxEnv, type ToolLocation } from './tools';

export interface KustomizeOptions {
  readonly timeoutMs: number;
}

export interface KustomizeContext {
  readonly workDir: string;
  readonly emptyDir: string;
  /** The kustomizations of the build (entry first). */
  readonly graph: readonly Kustomization[];
  readonly pause?: () => Promise<void>;
}

/** The command shown in messages: `kustomize build DIR` or `kubectl kustomize DIR`. */
export function kustomizeCommand(tool: ToolLocation | 'kustomize', dir: string): string[] {
  const name = tool === 'kustomize' ? 'kustomize' : tool.name;
  return name === 'kubectl' ? ['kubectl', 'kustomize', dir] : ['kustomize', 'build', dir];
}

export async function renderKustomization(
  target: KustomizeTarget,
  tool: ToolLocation,
  options: KustomizeOptions,
  ctx: KustomizeContext,
  inputs: readonly string[],
): Promise<RenderResult> {
  const entryText = readFileSync(target.entryFile, 'utf8');
  const problems: RenderProblem[] = [];
  const base = {
    target,
    id: target.entryFile,
    uri: `netlens-render:${target.entryFile}`,
    label: `${kustomizeCommand(tool, target.dir).join(' ')}`,
    inputs,
    namespace: undefined,
    missingDependencies: [],
    command: kustomizeCommand(tool, target.dir),
    fromCache: false,
  };
  const refused = refusedBuild(target, entryText, ctx.graph);
  if (refused.length > 0) return { ...base, text: '', map: emptyMap(), problems: refused, toolMs: 0, mapMs: 0 };

  const { run, wrapper, rel } = await build(target, tool, options, ctx);
  if (run.timedOut || run.code !== 0) {
    const why = run.timedOut
      ? t('{0} did not finish within {1} s and was stopped.', base.command.slice(0, 2).join(' '), Math.round(options.timeoutMs / 1000))
      : run.spawnError
        ? t('{0} could not be started ({1}): {2}.', tool.name, tool.path, run.spawnError)
        : t('{0} failed:\n{1}', base.command.slice(0, 2).join(' '), cleanStderr(run.stderr, wrapper, rel, target.dir));
    problems.push(problemAt(target.entryFile, entryText, 0, 0, run.timedOut ? 'render-timeout' : 'render-failed', 'error', why));
    return { ...base, text: '', map: emptyMap(), problems, toolMs: run.ms, mapMs: 0 };
  }
  const started = Date.now();
  const assembled = await assembleKustomize(run.stdout, {
    resolveOrigin: (p) => resolve(wrapper, p),
    read: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    patches: ctx.graph.flatMap((k) => k.patches),
    generatorInputs: (file) => ctx.graph.find((k) => k.file === file)?.generatorFiles ?? [],
    ...(ctx.pause ? { pause: ctx.pause } : {}),
  });
  if (assembled.unmapped > 0) {
    problems.push(
      problemAt(
        target.entryFile,
        entryText,
        0,
        0,
        'unmapped-output',
        'information',
        assembled.unmapped === 1
          ? t('1 rendered object has no source file NetLens can open (no origin annotation, or a file it cannot read); findings there are shown on this file.')
          : t(
              '{0} rendered objects have no source file NetLens can open (no origin annotation, or a file it cannot read); findings there are shown on this file.',
              assembled.unmapped,
            ),
      ),
    );
  }
  return { ...base, text: assembled.text, map: assembled.map, problems, toolMs: run.ms, mapMs: Date.now() - started };
}

/**
 * Problems that keep a build from running: a remote resource (kustomize would fetch it) or a kustomization that
 * cannot be read, each on its own file; none when the build may run.
 */
function refusedBuild(target: KustomizeTarget, entryText: string, graph: readonly Kustomization[]): RenderProblem[] {
  const problems: RenderProblem[] = [];
  for (const k of graph) {
    for (const r of k.remote) {
      const text = k.file === target.entryFile ? entryText : readFileSync(k.file, 'utf8');
      const at = Math.max(0, text.indexOf(r));
      problems.push(
        problemAt(
          k.file,
          text,
          at,
          at + r.length,
          'remote-refused',
          // NetLens declines to fetch it: nothing is wrong with the kustomization, and the other builds are checked.
          'warning',
          t('{0} would be fetched over the network; NetLens builds only what is on disk, so this build was not run.', r),
        ),
      );
    }
  }
  for (const k of graph.filter((k) => k.error !== undefined))
    problems.push(
      problemAt(k.file, readFileSync(k.file, 'utf8'), 0, 0, 'render-failed', 'error', t('This kustomization cannot be read: {0}', String(k.error))),
    );
  return problems;
}

/**
 * Runs the build through a wrapper kustomization in a temporary folder, which includes the user's folder by a
 * relative path and asks for origin annotations; the folder is removed when the build ends.
 */
async function build(
  target: KustomizeTarget,
  tool: ToolLocation,
  options: KustomizeOptions,
  ctx: KustomizeContext,
): Promise<{ run: RunResult; wrapper: string; rel: string }> {
  const wrapper = mkdtempSync(join(ctx.workDir, 'kustomize-'));
  const rel = relative(wrapper, target.dir).split('\\').join('/');
  writeFileSync(
    join(wrapper, 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ${JSON.stringify(rel)}\nbuildMetadata: [originAnnotations]\n`,
  );
  const args = tool.name === 'kubectl' ? ['kustomize', wrapper] : ['build', wrapper];
  let run: RunResult;
  try {
    run = await runTool(tool.path, args, { env: sandboxEnv(join(ctx.workDir, 'kustomize-home'), ctx.emptyDir), cwd: wrapper, timeoutMs: options.timeoutMs });
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
  return { run, wrapper, rel };
}

/** Kustomize's stderr, with the wrapper's folder and relative path shown as the user's folder. */
function cleanStderr(stderr: string, wrapper: string, rel: string, dir: string): string {
  const lines = stderr.split(wrapper).join('<wrapper>').split(rel).join(dir).trim().split('\n');
  return lines.slice(0, 40).join('\n') + (lines.length > 40 ? `\n… (${lines.length - 40} more lines)` : '');
}
