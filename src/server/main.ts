/**
 * The language server proper (dist/server-main.js), started by its first stage (start.ts): it creates the LSP
 * connection (stdio handed over by the first stage, or `--node-ipc`, `--socket`, `--pipe`) and serves it. Nothing
 * but LSP is written to stdout.
 */
import { format } from 'node:util';
import { type Connection, createConnection, type Message, type MessageWriter, ProposedFeatures, StreamMessageWriter } from 'vscode-languageserver/node';
import { serve } from './connection';

/** Serves the transport the command line names. */
export function main(): void {
  run(createConnection(ProposedFeatures.all));
}

/**
 * Serves LSP over stdio, reading `input`: stdin, with what the first stage read of it first. When the first stage has
 * answered `initialize` (the request `answered`), the server's own answer to it is not written a second time.
 */
export function serveStdio(input: NodeJS.ReadableStream, answered: number | string | undefined): void {
  const stdout = new StreamMessageWriter(process.stdout);
  const output = answered === undefined ? stdout : withoutAnswerTo(stdout, answered);
  // A stream in and a writer out: the library takes each as it is (vscode-jsonrpc's createMessageConnection), and the
  // stream form keeps its exit when stdin ends; only its typings want both of one kind.
  const connection = createConnection(ProposedFeatures.all, input, output as unknown as NodeJS.WritableStream);
  // Only LSP on stdout: what anything logs with `console` goes to the client's log instead.
  for (const level of ['log', 'info', 'warn', 'error'] as const) console[level] = (...args: unknown[]) => connection.console[level](format(...args));
  console.debug = console.log;
  run(connection);
}

/** `writer`, except that the first answer to the request `id` is not written. */
export function withoutAnswerTo(writer: MessageWriter, id: number | string): MessageWriter {
  let dropped = false;
  return {
    get onError() {
      return writer.onError;
    },
    get onClose() {
      return writer.onClose;
    },
    write(message: Message): Promise<void> {
      if (!dropped && (message as { id?: unknown }).id === id && !('method' in message)) {
        dropped = true;
        return Promise.resolve();
      }
      return writer.write(message);
    },
    end: () => writer.end(),
    dispose: () => writer.dispose(),
  };
}

function run(connection: Connection): void {
  // A failure outside a handler is logged to the client, and the server goes on.
  process.on('uncaughtException', (e) => connection.console.error(`Uncaught: ${e.stack ?? e}`));
  process.on('unhandledRejection', (e) => connection.console.error(`Unhandled rejection: ${(e as Error)?.stack ?? e}`));
  serve(connection);
}
