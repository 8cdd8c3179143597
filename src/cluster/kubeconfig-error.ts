/** Why a kubeconfig cannot be used; apart from the loader so that code that only tells errors apart loads no client. */

export type KubeconfigErrorCode = 'not-found' | 'malformed' | 'no-context' | 'unknown-context' | 'incomplete-context';

export class KubeconfigError extends Error {
  constructor(
    readonly code: KubeconfigErrorCode,
    message: string,
    readonly file?: string,
    readonly context?: string,
  ) {
    super(message);
    this.name = 'KubeconfigError';
  }
}
