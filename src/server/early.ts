/**
 * The first stage of the language server over stdio (start.ts): it answers `initialize` from what the client declared
 * (capabilities.ts), before the server is loaded, and hands the connection over.
 */
import { PassThrough } from 'node:stream';
import { clientFeatures, SERVER_INFO, serverCapabilities } from './capabilities';

/** What the first stage hands the connection to: main.ts's `serveStdio`, loaded when it is called. */
export type ServeStdio = (input: NodeJS.ReadableStream, answered: number | string | undefined) => void;

const HEADER_END = '\r\n\r\n';

/** The first LSP message framed in `buffer`: undefined while incomplete, null when it is not a JSON object. */
export function firstMessage(buffer: Buffer): Record<string, unknown> | null | undefined {
  const end = buffer.indexOf(HEADER_END);
  if (end < 0) return undefined;
  const length = /^content-length:[ \t]*(\d+)[ \t]*$/im.exec(buffer.subarray(0, end).toString('ascii'))?.[1];
  if (length === undefined) return null;
  const start = end + HEADER_END.length;
  if (buffer.length < start + Number(length)) return undefined;
  try {
    const message: unknown = JSON.parse(buffer.subarray(start, start + Number(length)).toString('utf8'));
    return message && typeof message === 'object' && !Array.isArray(message) ? (message as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The framed answer to `message` when it is an `initialize` request, else undefined. */
export function answerToInitialize(message: Record<string, unknown> | null): { id: number | string; frame: string } | undefined {
  if (message?.method !== 'initialize' || (typeof message.id !== 'number' && typeof message.id !== 'string')) return undefined;
  const params = (message.params ?? {}) as { capabilities?: Parameters<typeof clientFeatures>[0] };
  const result = { capabilities: serverCapabilities(clientFeatures(params.capabilities ?? {})), serverInfo: { ...SERVER_INFO } };
  const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
  return { id: message.id, frame: `Content-Length: ${Buffer.byteLength(body, 'utf8')}${HEADER_END}${body}` };
}

/**
 * Reads stdin until its first message; answers it when it is `initialize`; then calls `serve` with a stream of what
 * was read followed by the rest of stdin, and the id of the request answered.
 */
export function startStdio(serve: () => ServeStdio, stdin: NodeJS.ReadableStream = process.stdin, stdout: NodeJS.WritableStream = process.stdout): void {
  const input = new PassThrough();
  let read = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    read = Buffer.concat([read, chunk]);
    const message = firstMessage(read);
    if (message !== undefined) handOver(message);
  };
  const onEnd = () => {
    // stdin closed before a whole message: the server reads what there is and ends as it would.
    input.end(read);
    serve()(input, undefined);
  };
  const handOver = (message: Record<string, unknown> | null) => {
    stdin.off('data', onData).off('end', onEnd);
    input.write(read);
    stdin.pipe(input);
    const answer = answerToInitialize(message);
    if (answer === undefined) serve()(input, undefined);
    else stdout.write(answer.frame, () => serve()(input, answer.id));
  };
  stdin.on('data', onData).on('end', onEnd);
}
