/**
 * What a folder tree holds for rendering: Helm charts (folders with Chart.yaml, not counting the sub-charts
 * vendored under another chart's charts/), Kustomize entry points (kustomizations that no other kustomization of
 * the tree includes as a resource or component, and that are not components themselves), and the plain manifests
 * that belong to neither: files inside a chart, files a kustomization reads and kustomization files themselves are
 * inputs of a render, not manifests to read on their own. A file that its folder's kustomization lists only in a
 * comment (`#- auth_proxy_service.yaml`: scaffolds such as kubebuilder's switch parts off so) is left out on purpose:
 * it is not deployed, and read neither as a manifest nor as an input.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { t } from '../core/l10n';
import { KUSTOMIZATION_FILES, type Kustomization, readKustomization } from './kustomization';

/** A list entry switched off in a kustomization: `#- file.yaml`, `# - file.yaml`, a file of its own folder. */
const COMMENTED_ENTRY = /^[ \t]*#[ \t]*-[ \t]*([^\s/#]+\.ya?ml)[ \t]*$/gim;

/** Folders a walk never enters: tool state and dependencies, not manifests (as the CLI's file walk). */
export const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.terraform', '.venv', 'vendor']);

export interface ChartTarget {
  readonly kind: 'helm';
  /** The chart's folder (absolute). */
  readonly dir: string;
  /** Its Chart.yaml, where problems of the render are shown. */
  readonly entryFile: string;
  /** `name` from Chart.yaml (empty when unreadable). */
  readonly name: string;
}

export interface KustomizeTarget {
  readonly kind: 'kustomize';
  readonly dir: string;
  /** The kustomization file, where problems of the build are shown. */
  readonly entryFile: string;
}

export type RenderTarget = ChartTarget | KustomizeTarget;

export interface Discovery {
  readonly charts: readonly ChartTarget[];
  readonly kustomizations: readonly KustomizeTarget[];
  /** YAML files that are neither inside a chart nor read by a kustomization. */
  readonly plainFiles: readonly string[];
  /** YAML files that kustomizations read (resources, patches): manifests only once built. */
  readonly kustomizeInputs: readonly string[];
  /** YAML files that their folder's kustomization lists only in a comment: switched off, left out on purpose. */
  readonly leftOut: readonly string[];
  /** Charts skipped, with why (library charts cannot be rendered on their own). */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

/**
 * Walks the given folders (relative ones from the current folder) and sorts what they hold. Asynchronous, a folder
 * and a file at a time: in the language server a workspace of thousands of folders is walked without holding the
 * event loop.
 */
export async function discover(roots: readonly string[]): Promise<Discovery> {
  const charts: ChartTarget[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const kustomizationFiles: string[] = [];
  const yamlFiles: string[] = [];
  const chartDirs: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const chart = entries.find((e) => e.isFile() && e.name === 'Chart.yaml');
    if (chart) {
      // A chart's folder belongs to the chart as a whole: its templates, values files and vendored sub-charts are
      // inputs of its render. No further chart or manifest is looked for below it.
      const entryFile = join(dir, 'Chart.yaml');
      const meta = await chartMeta(entryFile);
      chartDirs.push(dir);
      if (meta.type === 'library') skipped.push({ file: entryFile, reason: t('a library chart is not rendered on its own') });
      else charts.push({ kind: 'helm', dir, entryFile, name: meta.name });
      return;
    }
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) await walk(full);
      } else if (e.isFile()) {
        if (KUSTOMIZATION_FILES.includes(e.name)) kustomizationFiles.push(full);
        else if (/\.ya?ml$/i.test(e.name)) yamlFiles.push(full);
      }
    }
  };
  // Folders given twice, or one inside another, are walked once.
  const walked = new Set<string>();
  for (const r of roots.map((x) => resolve(x)).sort((a, b) => a.length - b.length)) {
    if ([...walked].some((w) => r === w || r.startsWith(w + sep))) continue;
    walked.add(r);
    await walk(r);
  }

  // A folder with two kustomization files is an error for kustomize; the first name in its order is used here.
  const byDir = new Map<string, Kustomization>();
  const commentedOut = new Set<string>();
  for (const f of kustomizationFiles) {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch {
      continue;
    }
    const k = readKustomization(f, text);
    if (byDir.has(k.dir)) continue;
    byDir.set(k.dir, k);
    for (const m of text.matchAll(COMMENTED_ENTRY)) commentedOut.add(join(k.dir, m[1]!));
  }
  const included = new Set<string>();
  const referenced = new Set<string>();
  for (const k of byDir.values()) {
    for (const d of k.includes) included.add(d);
    for (const f of [...k.resourceFiles, ...k.otherFiles]) referenced.add(f);
  }
  const kustomizations: KustomizeTarget[] = [];
  for (const k of byDir.values()) {
    if (k.kind === 'Component' || included.has(k.dir)) continue;
    kustomizations.push({ kind: 'kustomize', dir: k.dir, entryFile: k.file });
  }
  const outsideCharts = yamlFiles.filter((f) => !chartDirs.some((d) => f.startsWith(d + sep)));
  const unread = outsideCharts.filter((f) => !referenced.has(f));
  const leftOut = unread.filter((f) => commentedOut.has(f));
  const plainFiles = unread.filter((f) => !commentedOut.has(f));
  const kustomizeInputs = outsideCharts.filter((f) => referenced.has(f));
  return { charts, kustomizations, plainFiles, kustomizeInputs, leftOut, skipped };
}

/** `name` and `type` of a Chart.yaml; empty strings when unreadable. */
async function chartMeta(file: string): Promise<{ name: string; type: string }> {
  try {
    const doc = parseDocument(await readFile(file, 'utf8'));
    if (!isMap(doc.contents)) return { name: '', type: '' };
    const name = doc.contents.get('name', true);
    const type = doc.contents.get('type', true);
    return { name: isScalar(name) ? String(name.value) : '', type: isScalar(type) ? String(type.value) : '' };
  } catch {
    return { name: '', type: '' };
  }
}
