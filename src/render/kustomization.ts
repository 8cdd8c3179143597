/**
 * Reads a kustomization file for what it refers to: the resources and components it includes (folders with
 * their own kustomization, or manifest files), the patches it applies (files, or inline text with its position in
 * the kustomization), and the other files it reads (generator inputs, replacements, configurations). Discovery
 * uses it to tell entry points from included kustomizations and plain manifests from referenced files; the
 * Kustomize renderer uses it to hash the inputs of a build and to find the patch that introduced a value.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { inlineText, type PatchRef } from './kustomize-map';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface Kustomization {
  readonly dir: string;
  readonly file: string;
  readonly kind: 'Kustomization' | 'Component';
  /** Folders included as resources or components (each holds a kustomization). */
  readonly includes: readonly string[];
  /** Manifest files included as resources. */
  readonly resourceFiles: readonly string[];
  readonly patches: readonly PatchRef[];
  /** Every other file it reads: patch files, generator inputs, replacements, configurations, CRDs. */
  readonly otherFiles: readonly string[];
  /** The files its ConfigMap and Secret generators read (`files`, `envs`, `env`). */
  readonly generatorFiles: readonly string[];
  /** References the build would fetch over the network (remote bases, URLs): refused. */
  readonly remote: readonly string[];
  /** The kustomization could not be read as YAML. */
  readonly error?: string;
}

/** The kustomization file of a folder, if it has one. */
function kustomizationFileIn(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const f = join(dir, name);
    try {
      if (statSync(f).isFile()) return f;
    } catch {
      // Not this name.
    }
  }
  return undefined;
}

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=|\/\/.*\?/i;

/** Reads a kustomization file (given its text, or from disk). */
export function readKustomization(file: string, text = readFileSync(file, 'utf8')): Kustomization {
  const dir = dirname(file);
  const doc = parseDocument(text);
  const found: Found = { includes: [], resourceFiles: [], patches: [], otherFiles: [], generatorFiles: [], remote: [] };
  const base = { dir, file, ...found };
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    return { ...base, kind: 'Kustomization', error: doc.errors[0]?.message ?? 'not a YAML map' };
  }
  const root = doc.contents;
  const kindNode = root.get('kind', true);
  const kind = isScalar(kindNode) && String(kindNode.value) === 'Component' ? 'Component' : 'Kustomization';
  const r: Reading = {
    file,
    text,
    root,
    found,
    strings: (key) => {
      const seq = root.get(key, true);
      if (!isSeq(seq)) return [];
      return seq.items.filter(isScalar).map((s) => String((s as Scalar).value));
    },
    local: (p) => {
      if (REMOTE.test(p)) {
        found.remote.push(p);
        return undefined;
      }
      return resolve(dir, p);
    },
  };
  // In this order, which is the order of `otherFiles`.
  readResources(r);
  readPatches(r);
  readGeneratorInputs(r);
  readOtherInputs(r);
  return { ...base, kind };
}

/** What a kustomization refers to, gathered as its fields are read. */
interface Found {
  readonly includes: string[];
  readonly resourceFiles: string[];
  readonly patches: PatchRef[];
  readonly otherFiles: string[];
  readonly generatorFiles: string[];
  readonly remote: string[];
}

/** A kustomization being read: its file, text and root map, and what was found so far. */
interface Reading {
  readonly file: string;
  readonly text: string;
  readonly root: YAMLMap;
  readonly found: Found;
  /** A field's list of strings (empty when it is absent or not a list). */
  strings(key: string): string[];
  /** A path relative to the kustomization, resolved; a remote one is noted and gives undefined. */
  local(path: string): string | undefined;
}

/** `resources`, `bases` and `components` (folders or files), and `crds`. */
function readResources({ strings, local, found }: Reading): void {
  for (const r of [...strings('resources'), ...strings('bases'), ...strings('components')]) {
    const p = local(r);
    if (!p) continue;
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) found.includes.push(p);
    else found.resourceFiles.push(p);
  }
  for (const c of strings('crds')) {
    const p = local(c);
    if (p) found.otherFiles.push(p);
  }
}

/** `patches`, `patchesStrategicMerge` and `patchesJson6902`: files, or inline text with its place. */
function readPatches(r: Reading): void {
  const { root, file, text, local, found } = r;
  const patchList = root.get('patches', true);
  if (isSeq(patchList)) {
    for (const item of patchList.items) {
      if (!isMap(item)) continue;
      const { path, inline, target } = patchFields(item);
      if (path) {
        const p = local(path);
        if (p) {
          found.otherFiles.push(p);
          found.patches.push({ file: p, json6902: looksLikeJsonPatch(p), ...target });
        }
      } else if (isScalar(inline) && typeof inline.value === 'string') {
        const json6902 = /^\s*-\s*op\s*:/m.test(inline.value) || /^\s*\[/.test(inline.value);
        found.patches.push({ file, inline: inlineText(text, inline), json6902, ...target });
      }
    }
  }
  const smp = root.get('patchesStrategicMerge', true);
  if (isSeq(smp)) {
    for (const item of smp.items) {
      if (!isScalar(item) || typeof item.value !== 'string') continue;
      if (item.value.includes('\n')) found.patches.push({ file, inline: inlineText(text, item), json6902: false });
      else {
        const p = local(item.value);
        if (p) {
          found.otherFiles.push(p);
          found.patches.push({ file: p, json6902: false });
        }
      }
    }
  }
  const json = root.get('patchesJson6902', true);
  if (isSeq(json)) {
    for (const item of json.items) {
      if (!isMap(item)) continue;
      const { path, inline, target } = patchFields(item);
      if (path) {
        const p = local(path);
        if (p) {
          found.otherFiles.push(p);
          found.patches.push({ file: p, json6902: true, ...target });
        }
      } else if (isScalar(inline) && typeof inline.value === 'string')
        found.patches.push({ file, inline: inlineText(text, inline), json6902: true, ...target });
    }
  }
}

/** A patch entry's `path`, inline `patch` and `target` kind and name. */
function patchFields(item: YAMLMap) {
  const target = item.get('target', true);
  const targetKind = isMap(target) ? scalarText(target.get('kind', true)) : undefined;
  const targetName = isMap(target) ? scalarText(target.get('name', true)) : undefined;
  return {
    path: scalarText(item.get('path', true)),
    inline: item.get('patch', true),
    target: { ...(targetKind ? { targetKind } : {}), ...(targetName ? { targetName } : {}) },
  };
}

/** The files the ConfigMap and Secret generators read (`files`, `envs`, `env`). */
function readGeneratorInputs({ root, local, found }: Reading): void {
  for (const key of ['configMapGenerator', 'secretGenerator']) {
    const gens = root.get(key, true);
    if (!isSeq(gens)) continue;
    for (const g of gens.items) {
      if (!isMap(g)) continue;
      const inputs: string[] = [];
      for (const field of ['files', 'envs']) {
        const list = g.get(field, true);
        if (!isSeq(list)) continue;
        for (const f of list.items) {
          const v = scalarText(f);
          if (v) inputs.push(v.includes('=') ? v.slice(v.indexOf('=') + 1) : v);
        }
      }
      const env = scalarText(g.get('env', true));
      if (env) inputs.push(env);
      for (const input of inputs) {
        const p = local(input);
        if (p) found.otherFiles.push(p);
        if (p) found.generatorFiles.push(p);
      }
    }
  }
}

/** Files that other fields read: configurations, generators, transformers, validators, replacements, openapi. */
function readOtherInputs({ root, strings, local, found }: Reading): void {
  for (const key of ['configurations', 'generators', 'transformers', 'validators']) {
    for (const v of strings(key)) {
      if (v.includes('\n')) continue;
      const p = local(v);
      if (p) found.otherFiles.push(p);
    }
  }
  const replacements = root.get('replacements', true);
  if (isSeq(replacements)) {
    for (const r of replacements.items) {
      const path = isMap(r) ? scalarText(r.get('path', true)) : undefined;
      const p = path ? local(path) : undefined;
      if (p) found.otherFiles.push(p);
    }
  }
  const openapi = root.get('openapi', true);
  const openapiPath = isMap(openapi) ? scalarText(openapi.get('path', true)) : undefined;
  if (openapiPath) {
    const p = local(openapiPath);
    if (p) found.otherFiles.push(p);
  }
}

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function looksLikeJsonPatch(file: string): boolean {
  if (/\.json$/i.test(file)) return true;
  try {
    return /^\s*-\s*op\s*:/m.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/** The kustomizations of a build: the entry and every folder it includes, transitively (each read once). */
export function kustomizationGraph(entryFile: string, read: (file: string) => Kustomization = (f) => readKustomization(f)): Kustomization[] {
  const seen = new Map<string, Kustomization>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const k = read(file);
    seen.set(file, k);
    for (const inc of k.includes) {
      const f = kustomizationFileIn(inc);
      if (f) visit(f);
    }
  };
  visit(entryFile);
  return [...seen.values()];
}
