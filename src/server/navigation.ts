/**
 * The requests that go from a Service to its uses and back, as standard LSP so that every editor gets them: find
 * references, rename (a Service in every spelling), completion in reference positions, code lenses above each
 * Service, document links from references to their Service, and workspace symbols. The logic is in the core
 * (navigate.ts, complete.ts); this module turns offsets into LSP positions and back.
 */
import {
  type CodeLens,
  type CompletionItem,
  CompletionItemKind,
  type DocumentLink,
  type Location,
  type Range,
  ResponseError,
  SymbolKind,
  type TextEdit,
  type WorkspaceEdit,
  type WorkspaceSymbol,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type Completion, completions } from '../core/complete';
import { t } from '../core/l10n';
import type { Service } from '../core/model';
import { nameSpan, type Occurrence, occurrences, renameEdits, type ScannedFile, type ServiceKey, serviceOf } from '../core/navigate';
import { type PortTarget, portAt, portOccurrences, portRenameEdits } from '../core/navigate-ports';
import { isNetworkPolicy } from '../core/policy/kinds';
import { readSelector } from '../core/policy/reduce';
import { selectorMatches } from '../core/policy/selector';
import type { Reference } from '../core/references';
import type { Resolver } from '../core/resolver';
import type { ClusterSnapshot } from '../core/snapshot';
import { SHOW_REFERENCES_COMMAND } from '../protocol/requests';

export { SHOW_REFERENCES_COMMAND };

/** What navigation needs from the server: every file with its references, and the models. */
export interface NavigationSource {
  /** Every workspace file (open documents as they are in the editor), its references scanned. */
  files(): readonly ScannedFile[];
  /** The file of `uri` with its references, when it is open or in the workspace. */
  file(uri: string): ScannedFile | undefined;
  /** The workspace manifests' model and resolver (renames change manifests). */
  workspace(): { snapshot: ClusterSnapshot; resolver: Resolver };
  /** What completion offers from: the live cluster when there is one, else the workspace. */
  shown(): ClusterSnapshot;
  readonly zone: string;
  readonly defaultNamespace: string;
  /** Whether NetworkPolicies let a reference's pods connect (core/reach), for the code lens. */
  readonly verdict?: (ref: Reference) => 'allowed' | 'blocked' | 'partial' | 'unknown' | undefined;
}

export class Navigation {
  constructor(private readonly source: NavigationSource) {}

  /** Every place that names the Service at `offset` (a reference to it, or its own name). */
  references(uri: string, offset: number, includeDeclaration: boolean): Location[] {
    const port = this.portAt(uri, offset);
    const target = port ? undefined : this.serviceAt(uri, offset);
    if (!port && !target) return [];
    const found: Occurrence[] = port ? this.portOccurrencesOf(port) : this.occurrencesOf(target!.key);
    const locations = found
      .filter((o) => includeDeclaration || o.kind !== 'declaration')
      .map((o) => this.location(o.uri, o.start, o.end))
      .filter((l): l is Location => l !== undefined);
    return target ? [...locations, ...this.selectedOf(target.key), ...this.policiesOf(target.key)] : locations;
  }

  /** The workloads and pods whose labels the Service's selector matches: where its traffic goes. */
  private selectedOf(key: ServiceKey): Location[] {
    const { snapshot } = this.source.workspace();
    const svc = snapshot.service(key.namespace, key.name);
    if (!svc?.selector || Object.keys(svc.selector).length === 0) return [];
    const out: Location[] = [];
    const seen = new Set<string>();
    for (const pod of snapshot.podsSelectedBy(key.namespace, svc.selector)) {
      const s = pod.source;
      if (!s || seen.has(`${s.uri}#${s.nameStart}`)) continue;
      seen.add(`${s.uri}#${s.nameStart}`);
      const l = this.location(s.uri, s.nameStart, s.nameEnd);
      if (l) out.push(l);
    }
    return out;
  }

  /** The NetworkPolicies that select the Service's pods: they decide who may reach it. */
  private policiesOf(key: ServiceKey): Location[] {
    const svc = this.source.workspace().snapshot.service(key.namespace, key.name);
    if (!svc?.selector || Object.keys(svc.selector).length === 0) return [];
    const pods = this.source.workspace().snapshot.podsSelectedBy(key.namespace, svc.selector);
    if (pods.length === 0) return [];
    const out: Location[] = [];
    for (const f of this.source.files()) {
      for (const o of f.manifest.objects) {
        if (!isNetworkPolicy(o.apiVersion, o.kind) || (o.namespace ?? o.impliedNamespace ?? this.source.defaultNamespace) !== key.namespace) continue;
        const selector = readSelector((o.value().spec as Record<string, unknown> | undefined)?.podSelector ?? {});
        if (!selector || !pods.some((p) => selectorMatches(selector, p.labels))) continue;
        const l = this.location(f.uri, o.source.nameStart, o.source.nameEnd);
        if (l) out.push(l);
      }
    }
    return out;
  }

  /** The range of the Service's name at `offset`, and the name, or an error saying why it cannot be renamed. */
  prepareRename(uri: string, offset: number): { range: Range; placeholder: string } | ResponseError<void> {
    const port = this.portAt(uri, offset);
    if (port) {
      const range = this.range(uri, port.start, port.end);
      return range ? { range, placeholder: port.name } : new ResponseError(0, t('The document is not open.'));
    }
    const target = this.serviceAt(uri, offset);
    if (!target?.span) return new ResponseError(0, t('Only the name of a Service or of a port, or a reference to one, can be renamed here.'));
    const range = this.range(uri, target.span.start, target.span.end);
    if (!range) return new ResponseError(0, t('The document is not open.'));
    return { range, placeholder: target.key.name };
  }

  /** One workspace edit that renames the Service at `offset` and every reference to it, each in its own spelling. */
  rename(uri: string, offset: number, newName: string): WorkspaceEdit | ResponseError<void> {
    const port = this.portAt(uri, offset);
    const target = port ? undefined : this.serviceAt(uri, offset);
    if (!port && !target) return new ResponseError(0, t('There is no Service or port here to rename.'));
    const texts = new Map(this.source.files().map((f) => [f.uri, f.text]));
    const result = port
      ? portRenameEdits(port, newName.trim(), this.portOccurrencesOf(port))
      : renameEdits(target!.key, newName.trim(), this.occurrencesOf(target!.key), texts);
    if (!result.ok) return new ResponseError(0, result.message);
    const changes: Record<string, TextEdit[]> = {};
    for (const e of result.edits) {
      const range = this.range(e.uri, e.start, e.end);
      if (!range) return new ResponseError(0, t('{0} could not be read.', e.uri));
      (changes[e.uri] ??= []).push({ range, newText: e.newText });
    }
    return { changes };
  }

  completion(uri: string, offset: number): CompletionItem[] {
    const file = this.source.file(uri);
    if (!file) return [];
    const items = completions(file.text, offset, { snapshot: this.source.shown(), zone: this.source.zone, defaultNamespace: this.source.defaultNamespace });
    const doc = TextDocument.create(uri, 'yaml', 0, file.text);
    return items.map((c, i) => completionItem(c, i, doc));
  }

  /** Above each Service a file declares: how many places name it, and how many endpoints are ready. */
  codeLenses(uri: string): CodeLens[] {
    const file = this.source.file(uri);
    if (!file) return [];
    const { snapshot } = this.source.workspace();
    const out: CodeLens[] = [];
    for (const svc of snapshot.services()) {
      if (svc.source?.uri !== uri) continue;
      const found = this.occurrencesOf({ namespace: svc.namespace, name: svc.name }).filter((o) => o.kind === 'reference');
      const ready = snapshot.endpointCounts(svc.namespace, svc.name).ready;
      // Above the object (its first line that is not a comment), where a reader looks for what it is.
      const range = this.range(uri, objectLineStart(file.text, svc.source.start, svc.source.nameStart), svc.source.nameEnd)!;
      const locations = found.map((o) => this.location(o.uri, o.start, o.end)).filter((l): l is Location => l !== undefined);
      const reach = this.clientsReaching(found, (snapshot.networkPolicies?.length ?? 0) > 0);
      const references = found.length === 1 ? t('1 reference') : t('{0} references', found.length);
      const endpoints =
        svc.type === 'ExternalName' ? 'ExternalName' : svc.headless ? t('headless') : ready === 1 ? t('1 ready endpoint') : t('{0} ready endpoints', ready);
      const title = `${references} · ${endpoints}${reach}`;
      out.push({ range, command: { title, command: SHOW_REFERENCES_COMMAND, arguments: [uri, range.start, locations] } });
    }
    return out;
  }

  /**
   * ` · reachable from 2 of 4 clients` when NetworkPolicies are in play: the objects whose pods name the Service, and
   * how many of them the policies let through (a client counts as reaching it when one of its references may).
   * Clients whose verdict is unknown are left out of both counts.
   */
  private clientsReaching(found: readonly Occurrence[], policies: boolean): string {
    const judge = this.source.verdict;
    if (!policies || !judge) return '';
    const clients = new Map<string, boolean>();
    for (const o of found) {
      const v = o.reference && judge(o.reference);
      if (!v || v === 'unknown') continue;
      const key = `${o.uri}#${o.reference!.object.kind}/${o.reference!.object.name}`;
      clients.set(key, clients.get(key) === true || v === 'allowed');
    }
    if (clients.size === 0) return '';
    const allowed = [...clients.values()].filter(Boolean).length;
    return ` · ${clients.size === 1 ? t('reachable from {0} of 1 client', allowed) : t('reachable from {0} of {1} clients', allowed, clients.size)}`;
  }

  /** Each reference that reaches a Service links to the Service's declaration. */
  documentLinks(uri: string): DocumentLink[] {
    const file = this.source.file(uri);
    if (!file) return [];
    const { resolver, snapshot } = this.source.workspace();
    const out: DocumentLink[] = [];
    for (const ref of file.references) {
      const key = serviceOf(ref, resolver);
      const svc = key && snapshot.service(key.namespace, key.name);
      if (!svc?.source || (svc.source.uri === uri && svc.source.nameStart <= ref.hostStart && ref.hostEnd <= svc.source.nameEnd)) continue;
      const range = this.range(uri, ref.hostStart, ref.hostEnd);
      const target = this.location(svc.source.uri, svc.source.nameStart, svc.source.nameEnd);
      if (!range || !target) continue;
      out.push({
        range,
        target: `${target.uri}#L${target.range.start.line + 1},${target.range.start.character + 1}`,
        tooltip: `Service ${svc.namespace}/${svc.name}`,
      });
    }
    return out;
  }

  /** Services, workloads and NetworkPolicies of the workspace (and the live cluster's Services), by name. */
  symbols(query: string): WorkspaceSymbol[] {
    const q = query.toLowerCase();
    const matches = (name: string) => q === '' || fuzzy(name.toLowerCase(), q);
    const out: WorkspaceSymbol[] = [];
    const { snapshot } = this.source.workspace();
    const seen = new Set<string>();
    const add = (name: string, kind: SymbolKind, container: string, uri: string, start: number, end: number) => {
      const key = `${uri}#${start}`;
      if (seen.has(key) || !matches(name)) return;
      seen.add(key);
      const location = this.location(uri, start, end);
      if (location) out.push({ name, kind, containerName: container, location });
    };
    for (const s of snapshot.services())
      if (s.source) add(s.name, SymbolKind.Interface, `Service · ${s.namespace}`, s.source.uri, s.source.nameStart, s.source.nameEnd);
    for (const f of this.source.files()) {
      for (const o of f.manifest.objects) {
        if (o.kind === 'Service') continue;
        const kind = o.kind === 'NetworkPolicy' ? SymbolKind.Key : WORKLOAD_KINDS.has(o.kind) ? SymbolKind.Class : undefined;
        if (kind !== undefined)
          add(o.name, kind, `${o.kind} · ${o.namespace ?? o.impliedNamespace ?? this.source.defaultNamespace}`, f.uri, o.source.nameStart, o.source.nameEnd);
      }
    }
    // The live cluster's Services that the workspace does not declare have no file: they are left to the tree.
    return out.slice(0, 500);
  }

  /** The Service at `offset`: a reference that reaches one, or a Service's own `metadata.name`. */
  private serviceAt(uri: string, offset: number): { key: ServiceKey; span?: { start: number; end: number } } | undefined {
    const file = this.source.file(uri);
    if (!file) return undefined;
    const { resolver, snapshot } = this.source.workspace();
    for (const svc of snapshot.services()) {
      const s = svc.source;
      if (s?.uri === uri && s.nameStart <= offset && offset <= s.nameEnd)
        return { key: { namespace: svc.namespace, name: svc.name }, span: { start: s.nameStart, end: s.nameEnd } };
    }
    const ref = referenceAt(file.references, offset);
    const key = ref && serviceOf(ref, resolver);
    if (!ref || !key) return undefined;
    const span = nameSpan(ref, key, resolver.zone);
    return { key, ...(span ? { span } : {}) };
  }

  /** The port name at `offset` (of a Service, a reference, or a container), if the cursor is on one. */
  private portAt(uri: string, offset: number): PortTarget | undefined {
    const file = this.source.file(uri);
    return file && portAt(file, offset, this.source.workspace().resolver, this.source.defaultNamespace);
  }

  private portOccurrencesOf(port: PortTarget): Occurrence[] {
    return portOccurrences(port, this.source.files(), this.source.workspace().resolver, this.source.defaultNamespace);
  }

  private occurrencesOf(key: ServiceKey) {
    const { resolver, snapshot } = this.source.workspace();
    const declared: Service | undefined = snapshot.service(key.namespace, key.name);
    return occurrences(key, this.source.files(), resolver, declared, this.source.defaultNamespace);
  }

  private range(uri: string, start: number, end: number): Range | undefined {
    const file = this.source.file(uri);
    if (!file) return undefined;
    const doc = TextDocument.create(uri, 'yaml', 0, file.text);
    return { start: doc.positionAt(start), end: doc.positionAt(end) };
  }

  private location(uri: string, start: number, end: number): Location | undefined {
    const range = this.range(uri, start, end);
    return range && { uri, range };
  }
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod', 'Rollout']);

/** The offset of the first line of `start..limit` that holds more than a comment or blanks (else `limit`). */
function objectLineStart(text: string, start: number, limit: number): number {
  let at = start;
  while (at < limit) {
    const eol = text.indexOf('\n', at);
    const line = text.slice(at, eol < 0 ? text.length : eol).trim();
    if (line !== '' && !line.startsWith('#') && line !== '---') return at;
    if (eol < 0) break;
    at = eol + 1;
  }
  return limit;
}

function referenceAt(refs: readonly Reference[], offset: number): Reference | undefined {
  let best: Reference | undefined;
  for (const r of refs) if (r.start <= offset && offset <= r.end && (!best || r.end - r.start < best.end - best.start)) best = r;
  return best;
}

/** The letters of the query in order (VS Code's symbol search does the same). */
function fuzzy(name: string, query: string): boolean {
  let i = 0;
  for (const c of name) if (c === query[i]) i++;
  return i === query.length;
}

const COMPLETION_KINDS: Record<Completion['kind'], CompletionItemKind> = {
  service: CompletionItemKind.Module,
  namespace: CompletionItemKind.Folder,
  zone: CompletionItemKind.Module,
  endpoint: CompletionItemKind.Reference,
  port: CompletionItemKind.Value,
  label: CompletionItemKind.Property,
};

function completionItem(c: Completion, i: number, doc: TextDocument): CompletionItem {
  return {
    label: c.label,
    kind: COMPLETION_KINDS[c.kind],
    detail: c.detail,
    textEdit: { range: { start: doc.positionAt(c.start), end: doc.positionAt(c.end) }, newText: c.insertText },
    // Keep the core's order: names of the pod's own namespace first.
    sortText: String(i).padStart(4, '0'),
  };
}
