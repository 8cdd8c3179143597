// The language server's first stage (src/server/early.ts): it answers `initialize` before the server is loaded, with
// the answer the server itself gives, and hands over every byte it read; the server's own answer is not sent again.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createConnection } from 'vscode-languageserver/node';
import {
  type ClientCapabilities,
  createProtocolConnection,
  InitializeRequest,
  type Message,
  type MessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { serve } from '../../src/server/connection';
import { answerToInitialize, firstMessage, type ServeStdio, startStdio } from '../../src/server/early';
import { withoutAnswerTo } from '../../src/server/main';

function frame(message: unknown, header = 'Content-Length'): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`${header}: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

const initialize = (id: number | string, capabilities: ClientCapabilities) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { processId: null, rootUri: null, capabilities },
});

/** Client capabilities as three kinds of editor declare them. */
const CLIENTS: Record<string, ClientCapabilities> = {
  'none declared': {},
  'a plain one': { textDocument: { hover: { contentFormat: ['plaintext'] }, codeAction: {} }, workspace: { applyEdit: true } },
  'a full one': {
    workspace: {
      configuration: true,
      workspaceFolders: true,
      applyEdit: true,
      didChangeWatchedFiles: { dynamicRegistration: true },
      inlayHint: { refreshSupport: true },
    },
    textDocument: {
      hover: { contentFormat: ['markdown', 'plaintext'] },
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
      rename: { prepareSupport: true },
    },
  },
};

/** The server's own answer to `initialize`, over in-memory streams. */
async function serversAnswer(capabilities: ClientCapabilities): Promise<unknown> {
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  serve(server);
  const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  client.listen();
  try {
    return await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities, initializationOptions: { cluster: false } });
  } finally {
    client.dispose();
    server.dispose();
  }
}

describe('the first message on stdin', () => {
  const whole = frame(initialize(1, {}));

  it('is incomplete until its header and its whole body are there', () => {
    assert.equal(firstMessage(whole.subarray(0, 10)), undefined);
    assert.equal(firstMessage(whole.subarray(0, whole.length - 1)), undefined);
    assert.equal(firstMessage(whole)?.method, 'initialize');
  });

  it('is read by its length, whatever follows it, in a header of any case and beside a Content-Type', () => {
    const next = frame({ jsonrpc: '2.0', method: 'initialized', params: {} });
    assert.equal(firstMessage(Buffer.concat([whole, next]))?.id, 1);
    const typed = Buffer.from('content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}');
    assert.deepEqual(firstMessage(typed), {});
    assert.equal(firstMessage(frame({ id: 'é', method: 'initialize' }))?.id, 'é', 'the length counts bytes, not characters');
  });

  it('is null when it has no length or is not a JSON object, and gets no early answer', () => {
    assert.equal(firstMessage(Buffer.from('X-Other: 1\r\n\r\n{}')), null);
    assert.equal(firstMessage(Buffer.from('Content-Length: 3\r\n\r\n{{{')), null);
    assert.equal(firstMessage(Buffer.from('Content-Length: 2\r\n\r\n[]')), null);
    assert.equal(answerToInitialize(null), undefined);
    assert.equal(answerToInitialize({ jsonrpc: '2.0', method: 'initialized' }), undefined);
    assert.equal(answerToInitialize({ jsonrpc: '2.0', method: 'initialize' }), undefined, 'a notification is not answered');
  });
});

describe('the early answer to initialize', () => {
  for (const [client, capabilities] of Object.entries(CLIENTS)) {
    it(`is the server's own answer, for a client with ${client}`, async () => {
      const early = answerToInitialize(initialize(7, capabilities));
      assert.ok(early);
      assert.equal(early.id, 7);
      const [head, body] = early.frame.split('\r\n\r\n');
      assert.equal(head, `Content-Length: ${Buffer.byteLength(body!)}`);
      const message = JSON.parse(body!) as { id: number; result: unknown };
      assert.equal(message.id, 7);
      assert.deepEqual(message.result, await serversAnswer(capabilities));
    });
  }
});

describe('the hand-over', () => {
  it('answers at once, and gives the server every byte read, in order, with the id it answered', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const handed: { input: NodeJS.ReadableStream; answered: number | string | undefined }[] = [];
    const serveStdio: ServeStdio = (input, answered) => void handed.push({ input, answered });
    let loaded = 0;
    startStdio(
      () => {
        loaded++;
        return serveStdio;
      },
      stdin,
      stdout,
    );
    const first = frame(initialize('a', {}));
    const second = frame({ jsonrpc: '2.0', method: 'initialized', params: {} });
    stdin.write(first.subarray(0, 5));
    stdin.write(first.subarray(5, 40));
    assert.equal(loaded, 0, 'nothing loaded before the whole first message');
    const answer = new Promise<Buffer>((resolve) => stdout.once('data', resolve));
    stdin.write(Buffer.concat([first.subarray(40), second.subarray(0, 3)]));
    const answered = JSON.parse((await answer).toString('utf8').split('\r\n\r\n')[1]!) as { id: string; result: { capabilities: object } };
    assert.equal(answered.id, 'a');
    assert.ok(answered.result.capabilities);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(loaded, 1);
    assert.equal(handed.length, 1);
    assert.equal(handed[0]!.answered, 'a');
    stdin.end(second.subarray(3));
    const chunks: Buffer[] = [];
    for await (const chunk of handed[0]!.input) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), Buffer.concat([first, second]));
  });

  it('hands over without an answer when the first message is not initialize', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const handed: (number | string | undefined)[] = [];
    startStdio(() => (_input, answered) => void handed.push(answered), stdin, stdout);
    stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'shutdown' }));
    assert.deepEqual(handed, [undefined]);
    assert.equal(stdout.read(), null, 'nothing written');
  });
});

describe("the server's own answer, after the early one", () => {
  it('is not written; every other message is, a request of the server with the same id and a later answer too', async () => {
    const written: Message[] = [];
    const writer = {
      write: (m: Message) => {
        written.push(m);
        return Promise.resolve();
      },
    } as unknown as MessageWriter;
    const filtered = withoutAnswerTo(writer, 1);
    await filtered.write({ jsonrpc: '2.0', id: 1, method: 'client/registerCapability', params: {} } as Message);
    await filtered.write({ jsonrpc: '2.0', id: 1, result: { capabilities: {} } } as Message);
    await filtered.write({ jsonrpc: '2.0', id: 2, result: null } as Message);
    await filtered.write({ jsonrpc: '2.0', id: 1, result: null } as Message);
    assert.deepEqual(
      written.map((m) => [(m as { id?: number }).id, 'method' in m]),
      [
        [1, true],
        [2, false],
        [1, false],
      ],
    );
  });
});
