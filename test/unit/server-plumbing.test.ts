// The plumbing between the connection and the server: the one guard of every handler, diagnostics sent only when
// they change, and files on disk that change nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { DiagnosticsPublisher } from '../../src/server/diagnostics';
import { guardWith } from '../../src/server/guard';
import { NetLensServer } from '../../src/server/server';

describe('guard', () => {
  const guarded = () => {
    const logged: string[] = [];
    return { guard: guardWith((level, message) => logged.push(`${level}: ${message.split('\n')[0]}`)), logged };
  };

  it('passes answers through, sync and async', async () => {
    const { guard, logged } = guarded();
    assert.equal(guard('sync', (x: number) => x + 1, 0)(1), 2);
    assert.equal(await guard('async', async (x: number) => x + 1, 0)(1), 2);
    assert.deepEqual(logged, []);
  });

  it('a handler that throws or rejects is logged and answers its fallback', async () => {
    const { guard, logged } = guarded();
    assert.equal(
      guard(
        'hover',
        (): string | null => {
          throw new Error('boom');
        },
        null,
      )(),
      null,
    );
    assert.deepEqual(await guard('object', async (): Promise<string[]> => Promise.reject(new Error('gone')), [])(), []);
    assert.deepEqual(logged, ['error: hover failed: Error: boom', 'error: object failed: Error: gone']);
  });
});

describe('diagnostics publisher', () => {
  const d = (message: string): Diagnostic => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message });

  it("sends a document's diagnostics only when they change, whatever its version", () => {
    const sent: PublishDiagnosticsParams[] = [];
    const p = new DiagnosticsPublisher((x) => sent.push(x));
    p.publish('file:///a', 1, [d('x')]);
    p.publish('file:///a', 2, [d('x')]);
    p.publish('file:///b', undefined, [d('x')]);
    p.publish('file:///a', 3, [d('y')]);
    p.publish('file:///a', 4, []);
    p.publish('file:///a', undefined, []);
    assert.deepEqual(
      sent.map((x) => [x.uri, x.version, x.diagnostics.map((y) => y.message).join()]),
      [
        ['file:///a', 1, 'x'],
        ['file:///b', undefined, 'x'],
        ['file:///a', 3, 'y'],
        ['file:///a', 4, ''],
      ],
    );
  });
});

describe('files on disk', () => {
  it('a file written again with the same text changes nothing: no new model, no diagnostics', () => {
    let published = 0;
    let changes = 0;
    const server = new NetLensServer({ publishDiagnostics: () => void published++, log: () => undefined, workspaceChanged: () => void changes++ });
    server.open('file:///ws/open.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata: {API_ADDR: "api.shop:80"}\n', 1);
    const text = 'apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {ports: [{port: 80}]}\n';
    server.setDiskFile('file:///ws/svc.yaml', text);
    const before = { published, changes };
    server.setDiskFiles(
      new Map([
        ['file:///ws/svc.yaml', text],
        ['file:///ws/gone.yaml', undefined],
      ]),
    );
    assert.deepEqual({ published, changes }, before);
  });
});
