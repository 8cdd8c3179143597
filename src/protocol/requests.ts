/**
 * The custom requests between the extension and the language server, each declared once and imported by both.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { DnsAnswer, QueryType } from '../core/resolver';

export interface ResolveParams {
  readonly input: string;
  /** The namespace of the asking pod; the default namespace setting when absent. */
  readonly namespace?: string;
  readonly qtype?: QueryType;
}

export type ResolveResult =
  | { readonly ok: true; readonly answer: DnsAnswer; readonly source: string }
  | { readonly ok: false; readonly message: string };

/** Resolves a name or an IP as the cluster's DNS would, from the live cluster first, then the workspace. */
export const ResolveRequest = new RequestType<ResolveParams, ResolveResult, void>('netlens/resolve');
