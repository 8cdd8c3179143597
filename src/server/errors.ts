/**
 * The server's failures, each a class, and the one place where an error becomes the `errorKind` the views show:
 * by its class and its typed kind, never by its message.
 */
import { ApiError } from '../cluster/api';
import { KubeconfigError } from '../cluster/kubeconfig-error';
import type { ClusterErrorKind, KubeconfigErrorKind, ModelErrorKind } from '../protocol/requests';

/** A setting whose value it may not take; the default is used instead. */
export class InvalidSettingError extends Error {
  constructor(
    /** The key under `netlens.`, dotted: `diagnostics.severity.NL001`. */
    readonly key: string,
    /** What it may be, for the message. */
    readonly expected: string,
  ) {
    // The value itself is left out: a setting may hold a path or a name that is nobody's business in a log.
    super(`netlens.${key} must be ${expected}; its default is used instead.`);
    this.name = 'InvalidSettingError';
  }
}

/** Why the live cluster cannot be read, as the views show it. */
export interface ModelFailure {
  readonly kind: ModelErrorKind;
  readonly message: string;
}

/**
 * The failure an error stands for: an API error keeps its kind, a kubeconfig error becomes `config:<code>`, and
 * anything else met while loading a kubeconfig is `config`. The annotations make a kind added to the cluster module
 * and not to the protocol a compile error.
 */
export function modelFailure(e: unknown): ModelFailure {
  if (e instanceof ApiError) {
    const kind: ClusterErrorKind = e.kind;
    return { kind, message: e.message };
  }
  if (e instanceof KubeconfigError) {
    const kind: KubeconfigErrorKind = `config:${e.code}`;
    return { kind, message: e.message };
  }
  return { kind: 'config', message: e instanceof Error ? e.message : String(e) };
}
