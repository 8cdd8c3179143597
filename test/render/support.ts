/** Helpers of the render tier: the tools built by test/tools/build.sh, copies of the corpus, references of a render. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ManifestCache } from '../../src/core/incremental';
import { Resolver } from '../../src/core/resolver';
import { buildWorkspaceModel } from '../../src/core/workspace';
import type { RenderResult } from '../../src/render/result';
import { toSource } from '../../src/render/source-map';
import { corpusDir, repoRoot } from '../support/repo';

/**
 * The helm and kustomize binaries: NETLENS_HELM and NETLENS_KUSTOMIZE when the test runner built them, else built
 * here with test/tools/build.sh (cached after the first time).
 */
export function tools(): { helm: string; kustomize: string } {
  let helm = process.env.NETLENS_HELM;
  let kustomize = process.env.NETLENS_KUSTOMIZE;
  if (!helm || !kustomize) {
    const r = spawnSync('bash', [join(repoRoot(), 'test', 'tools', 'build.sh'), 'helm', 'kustomize'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `test/tools/build.sh helm kustomize failed:\n${r.stderr}`);
    [helm, kustomize] = r.stdout.trim().split('\n');
  }
  return { helm: helm!, kustomize: kustomize! };
}

/** A private copy of a corpus folder (the corpus is never written). */
export function corpusCopy(rel: string): string {
  const dest = mkdtempSync(join(tmpdir(), 'netlens-render-test-'));
  cpSync(join(corpusDir(), rel), dest, { recursive: true });
  return dest;
}

export interface RefRow {
  /** The reference as rendered (`host:port`, a URL, a Service name). */
  readonly rendered: string;
  /** What it reaches in its own build: `namespace/service`, or the DNS rcode when nothing. */
  readonly reaches: string;
  /** The source file (relative to `base`) and 1-based line, and how the text came to be. */
  readonly at: string;
  readonly produced: string;
}

/** Every reference of a render with what it reaches and where it comes from, in rendered order. */
export function referenceRows(render: RenderResult, base: string, defaultNamespace = 'default'): RefRow[] {
  const parsed = new ManifestCache({ zone: 'cluster.local', defaultNamespace }).parse(render.uri, render.text);
  const model = buildWorkspaceModel([parsed.manifest], { defaultNamespace });
  const resolver = new Resolver(model.snapshot, { sourceName: 'test' });
  return parsed.references.map((r) => {
    const name = r.kind === 'service' ? `${r.host}.${r.serviceNamespace ?? r.namespace}.svc.cluster.local` : r.host;
    const answer = resolver.resolve(name, { namespace: r.namespace, qtype: 'A' });
    const svc = answer.ok ? answer.answer.explanation.service : undefined;
    const reaches = !answer.ok
      ? 'invalid'
      : svc && answer.answer.rcode === 'NOERROR'
        ? `${svc.namespace}/${svc.name}`
        : answer.ok
          ? answer.answer.rcode
          : 'invalid';
    const s = toSource(render.map, r.hostStart, r.hostEnd);
    return {
      rendered: render.text.slice(r.start, r.end),
      reaches,
      at: s ? `${relative(base, s.path)}:${s.line}` : '?',
      produced: s?.produced ?? '?',
    };
  });
}

/** The 1-based line of the first line of a file that contains `needle` (counted here, not by the code under test). */
export function lineOf(text: string, needle: string, after = 0): number {
  const lines = text.split('\n');
  for (let i = after; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  assert.fail(`${JSON.stringify(needle)} is in no line of the file`);
}

/**
 * A kubebuilder scaffold's `config/` in `dir`: the default overlay renames namespace `system`, and `config/rbac`
 * lists only the ServiceAccount: the auth proxy's Service beside it is commented out of the build. Returns the files.
 */
export function writeKubebuilderConfig(dir: string): string[] {
  const files: Record<string, string> = {
    'config/default/kustomization.yaml': 'namespace: project-system\nnamePrefix: project-\nresources:\n- ../rbac\n- ../manager\n',
    'config/rbac/kustomization.yaml': 'resources:\n- service_account.yaml\n#- auth_proxy_service.yaml\n',
    'config/rbac/service_account.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: controller-manager, namespace: system}\n',
    'config/rbac/auth_proxy_service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata: {name: controller-manager-metrics-service, namespace: system}\nspec:\n  selector: {control-plane: controller-manager}\n  ports: [{name: https, port: 8443}]\n',
    'config/manager/kustomization.yaml': 'resources:\n- manager.yaml\n',
    'config/manager/manager.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: controller-manager, namespace: system}\nspec:\n  selector: {matchLabels: {control-plane: controller-manager}}\n  template:\n    metadata: {labels: {control-plane: controller-manager}}\n    spec: {containers: [{name: manager, image: controller:latest}]}\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return Object.keys(files);
}
