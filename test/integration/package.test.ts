// The extension's manifest as the marketplaces and VS Code read it: what the .vsix holds (vsce ls, from the
// `files` list), the icon's size, the license, the walkthrough's media and commands, and what Restricted Mode
// declares. The packaged extension itself is installed and driven in the e2e tier (test/e2e).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/repo';

const root = repoRoot();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
/** A manifest string as VS Code shows it in English: a `%key%` placeholder replaced by its text in package.nls.json. */
const text = (s: string): string => s.replace(/^%([^%]+)%$/, (_, key: string) => nls[key] ?? s);

describe('package.json for the marketplaces and npm', () => {
  it('vsce ls: the bundles, the commands, the media the manifest names, and the documents; nothing else', () => {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), [
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'bin/netlens-lsp.js',
      'bin/netlens.js',
      'dist/check-worker.js',
      'dist/cli-cluster.js',
      'dist/cli.js',
      'dist/extension.js',
      'dist/kube-client.js',
      'dist/server-main.js',
      'dist/server.js',
      'dist/webview.js',
      'l10n/bundle.l10n.es.json',
      'l10n/bundle.l10n.json',
      'l10n/bundle.l10n.ko.json',
      'l10n/bundle.l10n.zh-cn.json',
      'l10n/server/bundle.l10n.es.json',
      'l10n/server/bundle.l10n.json',
      'l10n/server/bundle.l10n.ko.json',
      'l10n/server/bundle.l10n.zh-cn.json',
      'media/icon.png',
      'media/map.css',
      'media/netlens.svg',
      'media/screenshots/hover.png',
      'media/screenshots/map.png',
      'media/walkthrough/check.png',
      'media/walkthrough/open-manifest.png',
      'package.json',
      'package.nls.es.json',
      'package.nls.json',
      'package.nls.ko.json',
      'package.nls.zh-cn.json',
    ]);
  });

  it('can be published: a license, the repository, a 128x128 PNG icon, not private', () => {
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.license, 'Apache-2.0');
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
    assert.equal(manifest.repository.url, 'https://github.com/netlens/netlens.git');
    assert.ok(manifest.bugs.url && manifest.homepage);
    const png = readFileSync(join(root, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    // The IHDR chunk follows the 8-byte signature and its 8-byte header: width, then height, big-endian.
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    assert.equal(manifest.dependencies, undefined, 'the bundles hold every runtime dependency');
  });

  it("the walkthrough: every media file exists, every command it links is contributed or VS Code's own, every step has a completion event", () => {
    const commands = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
    for (const walkthrough of manifest.contributes.walkthroughs) {
      for (const step of walkthrough.steps) {
        const media = step.media.image ?? step.media.markdown ?? step.media.svg;
        assert.ok(existsSync(join(root, media)), `${step.id}: ${media}`);
        assert.ok(step.completionEvents.length > 0, `${step.id} completes on an event`);
        for (const [, id] of text(step.description).matchAll(/\(command:([\w.]+)/g)) {
          assert.ok(commands.has(id!) || id!.startsWith('workbench.'), `${step.id} links ${id}`);
        }
        for (const event of step.completionEvents as string[]) {
          const command = /^onCommand:(.+)$/.exec(event)?.[1];
          if (command) assert.ok(commands.has(command), `${step.id} completes on ${command}, a command of the extension`);
        }
      }
    }
  });

  it('Restricted Mode: limited, with the restricted settings machine-scoped and declared', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.match(text(trust.description), /no program/);
    const properties = manifest.contributes.configuration.properties;
    for (const key of trust.restrictedConfigurations) assert.equal(properties[key]?.scope, 'machine', `${key} is a machine setting`);
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
  });
});
