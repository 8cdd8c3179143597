/**
 * A small client for the two calls the live model makes: paginated lists and watches. Authentication and TLS
 * come from the kubeconfig through @kubernetes/client-node (tokens, client certificates, exec plugins); the
 * bytes are read here so that objects are reduced as they arrive, without building typed models first.
 * Errors become an ApiError with a kind a person can act on; messages never carry a credential.
 */

import * as http from 'node:http';
import * as https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';

export type ApiErrorKind =
  | 'unauthorized' // 401: the credentials are not accepted
  | 'forbidden' // 403: RBAC does not allow it
  | 'not-found' // 404
  | 'gone' // 410: the resourceVersion is too old; list again
  | 'unreachable' // no connection to the server
  | 'tls' // the server's certificate is not the one the kubeconfig trusts
  | 'credentials' // the kubeconfig's credentials could not be obtained (an exec plugin failed, a file is missing)
  | 'timeout'
  | 'aborted'
  | 'http'; // another status

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED']);
const TLS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function classify(e: unknown, server: string): ApiError {
  if (e instanceof ApiError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? '';
  if (err?.name === 'AbortError' || code === 'ABORT_ERR') return new ApiError('aborted', 'The request was cancelled.');
  if (UNREACHABLE.has(code)) return new ApiError('unreachable', `Cannot reach the API server at ${server} (${code}).`);
  if (TLS.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) {
    return new ApiError('tls', `The API server at ${server} presented a certificate the kubeconfig does not trust (${code}).`);
  }
  return new ApiError('http', `Request to ${server} failed: ${err?.message ?? String(e)}`);
}

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: Record<string, unknown>;
}

export class ApiClient {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(
    private readonly kubeConfig: KubeConfig,
    readonly server: string,
    private readonly requestTimeoutMs = 30_000,
  ) {
    this.base = new URL(server);
    const opts = { keepAlive: true, maxSockets: 32 };
    this.agent = this.base.protocol === 'http:' ? new http.Agent(opts) : new https.Agent(opts);
  }

  close(): void {
    this.agent.destroy();
  }

  private async requestOptions(path: string): Promise<https.RequestOptions> {
    const url = new URL(path, this.base);
    const opts: https.RequestOptions = {
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port,
      path: `${this.base.pathname.replace(/\/$/, '')}${url.pathname}${url.search}`,
      method: 'GET',
      headers: { Accept: 'application/json' },
      agent: this.agent,
    };
    try {
      await this.kubeConfig.applyToHTTPSOptions(opts);
    } catch (e) {
      // An exec plugin's stderr may be long; its first line says what went wrong without any secret.
      const msg = String((e as Error).message ?? e).split('\n')[0];
      throw new ApiError('credentials', `The kubeconfig's credentials could not be obtained: ${msg}`);
    }
    opts.agent = this.agent;
    return opts;
  }

  private send(opts: https.RequestOptions, signal?: AbortSignal): Promise<http.IncomingMessage> {
    return new Promise((resolvePromise, reject) => {
      const mod = this.base.protocol === 'http:' ? http : https;
      const req = mod.request({ ...opts, ...(signal ? { signal } : {}) }, resolvePromise);
      req.setTimeout(this.requestTimeoutMs, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => reject(classify(e, this.server)));
      req.end();
    });
  }

  /** GET a JSON document; non-2xx statuses become ApiErrors. */
  async getJson(path: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const res = await this.send(await this.requestOptions(path), signal);
    const body = await readBody(res).catch((e) => {
      throw classify(e, this.server);
    });
    if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) throw statusError(res.statusCode ?? 0, body, path);
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw new ApiError('http', `The API server answered ${path} with something that is not JSON.`);
    }
  }

  /**
   * Streams watch events to `onEvent` until the server ends the watch (resolves) or it fails (rejects).
   * `onOpen` runs once the server has accepted the watch.
   */
  async watch(path: string, onEvent: (event: WatchEvent) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    const opts = await this.requestOptions(path);
    const res = await this.send({ ...opts }, signal);
    if (res.statusCode !== 200) throw statusError(res.statusCode ?? 0, await readBody(res).catch(() => ''), path);
    // A watch may stay quiet for minutes; the request timeout must not end it.
    res.socket.setTimeout(0);
    onOpen?.();
    await new Promise<void>((resolvePromise, reject) => {
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      let failed = false;
      lines.on('line', (line) => {
        if (failed || line === '') return;
        let event: WatchEvent;
        try {
          event = JSON.parse(line) as WatchEvent;
        } catch {
          return;
        }
        if (event.type === 'ERROR') {
          const status = event.object as { code?: number; message?: string; reason?: string };
          failed = true;
          res.destroy();
          reject(
            status.code === 410
              ? new ApiError('gone', status.message ?? 'resource version too old', 410)
              : statusError(status.code ?? 0, JSON.stringify(status), path),
          );
          return;
        }
        try {
          onEvent(event);
        } catch (e) {
          failed = true;
          res.destroy();
          reject(e);
        }
      });
      const onError = (e: unknown) => {
        if (!failed) reject(classify(e, this.server));
        failed = true;
      };
      // readline re-emits its input's errors: both need a listener, or an aborted watch crashes the process.
      res.on('error', onError);
      lines.on('error', onError);
      res.on('aborted', () => {
        if (!failed) reject(new ApiError('unreachable', `The watch of ${path} was cut off by ${this.server}.`));
        failed = true;
      });
      lines.on('close', () => {
        if (!failed) resolvePromise();
      });
    });
  }
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
  });
}

function statusError(status: number, body: string, path: string): ApiError {
  let message = '';
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? '';
  } catch {
    message = body.slice(0, 200);
  }
  switch (status) {
    case 401:
      return new ApiError('unauthorized', `The API server does not accept the kubeconfig's credentials (401 Unauthorized).`, 401);
    case 403:
      return new ApiError('forbidden', message || `Access to ${path} is forbidden (403).`, 403);
    case 404:
      return new ApiError('not-found', message || `${path} does not exist on this API server (404).`, 404);
    case 410:
      return new ApiError('gone', message || 'The resource version is too old (410 Gone).', 410);
    default:
      return new ApiError('http', `The API server answered ${path} with ${status}${message ? `: ${message}` : ''}.`, status);
  }
}
