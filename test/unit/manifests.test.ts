import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCustomResourceDefinition, ManifestCache } from '../../src/core/incremental';
import { MAX_ALIAS_COUNT, MAX_DEPTH, type ParsedManifest, parseManifest, positionOf } from '../../src/core/manifests';
import { buildWorkspaceModel } from '../../src/core/workspace';

/** 1-based line and column of the first occurrence of `needle` in `text`, counted by hand. */
function lineColOf(text: string, needle: string, from = 0): { line: number; column: number; offset: number } {
  const offset = text.indexOf(needle, from);
  assert.ok(offset >= 0, `${JSON.stringify(needle)} is not in the text`);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, offset };
}

function names(m: ParsedManifest): string[] {
  return m.objects.map((o) => o.name);
}

/** A billion-laughs document: `levels` anchors, each a list of ten aliases of the one before. */
function aliasBomb(name: string, levels: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`, 'data:', `  a0: &a0 [${Array(10).fill('"lol"').join(', ')}]`];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `  a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

describe('parseManifest: multi-document files keep positions', () => {
  const text = [
    '# Licensed under the Apache License, Version 2.0',
    '# a header comment before the first document',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: alpha',
    '  namespace: one',
    'spec:',
    '  ports: [{port: 80}]',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: "beta", labels: {app: beta}}',
    'spec: {replicas: 2}',
    '--- # a comment after the marker',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  labels:',
    '    name: not-this-one',
    '  name: gamma',
    'data:',
    '  name: nor-this-one',
    '',
  ].join('\n');
  const m = parseManifest('file:///w/app.yaml', text);

  it('finds every object, in order, with kind, apiVersion, name and namespace', () => {
    assert.deepEqual(
      m.objects.map((o) => [o.apiVersion, o.kind, o.name, o.namespace]),
      [
        ['v1', 'Service', 'alpha', 'one'],
        ['apps/v1', 'Deployment', 'beta', undefined],
        ['v1', 'ConfigMap', 'gamma', undefined],
      ],
    );
    assert.deepEqual(m.problems, []);
    assert.equal(m.skipped, 0);
    for (const o of m.objects) assert.equal(o.uri, 'file:///w/app.yaml');
  });

  it('the document range of each object is its own text', () => {
    const [a, b, c] = m.objects;
    assert.equal(a!.source.start, text.indexOf('apiVersion: v1'));
    assert.ok(text.slice(a!.source.start, a!.source.end).startsWith('apiVersion: v1\nkind: Service'));
    assert.ok(!text.slice(a!.source.start, a!.source.end).includes('---'), 'the first range stops before the next marker');
    assert.equal(b!.source.start, text.indexOf('apiVersion: apps/v1'));
    assert.ok(text.slice(b!.source.start, b!.source.end).includes('replicas: 2'));
    assert.ok(!text.slice(b!.source.start, b!.source.end).includes('ConfigMap'));
    assert.equal(c!.source.start, text.indexOf('apiVersion: v1', text.indexOf('--- # a comment')));
    assert.ok(a!.source.end <= b!.source.start && b!.source.end <= c!.source.start);
  });

  it('the name range covers metadata.name, not another "name" key', () => {
    for (const o of m.objects) {
      const raw = text.slice(o.source.nameStart, o.source.nameEnd);
      assert.equal(raw.replace(/^"|"$/g, ''), o.name, `${o.kind} name range`);
    }
    const gamma = m.objects[2]!;
    assert.equal(gamma.source.nameStart, text.indexOf('gamma'));
    assert.deepEqual(positionOf(m, gamma.source.nameStart), { line: 21, column: 9 });
    const alpha = m.objects[0]!;
    const expected = lineColOf(text, 'alpha');
    assert.deepEqual(positionOf(m, alpha.source.nameStart), { line: expected.line, column: expected.column });
  });

  it('keeps positions with CRLF line ends', () => {
    const crlf = 'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: b\r\n';
    const p = parseManifest('crlf.yaml', crlf);
    assert.deepEqual(names(p), ['a', 'b']);
    for (const o of p.objects) assert.equal(crlf.slice(o.source.nameStart, o.source.nameEnd), o.name);
    assert.deepEqual(positionOf(p, p.objects[1]!.source.nameStart), { line: 9, column: 9 });
  });

  it('reads an empty metadata.namespace as "not given"', () => {
    const p = parseManifest('ns.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ""}\n');
    assert.equal(p.objects[0]!.namespace, undefined);
  });

  it('value() gives the object as plain data, converted once', () => {
    const a = m.objects[0]!;
    const v = a.value();
    assert.deepEqual(v.spec, { ports: [{ port: 80 }] });
    assert.equal(a.value(), v);
    assert.deepEqual(m.objects[2]!.value().data, { name: 'nor-this-one' });
  });
});

describe('parseManifest: malformed YAML', () => {
  it('reports the line and column of a bad document and keeps the others', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: before}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '\tname: tabbed',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: after}',
      '',
    ].join('\n');
    const m = parseManifest('bad.yaml', text);
    assert.deepEqual(names(m), ['before', 'after']);
    assert.ok(m.problems.length >= 1);
    const p = m.problems[0]!;
    assert.equal(p.code, 'yaml-syntax');
    assert.equal(p.severity, 'error');
    assert.equal(p.uri, 'bad.yaml');
    assert.deepEqual([p.line, p.column], [8, 1]);
    assert.equal(p.offset, text.indexOf('\tname'));
    assert.match(p.message, /^YAML syntax: /);
    assert.ok(!p.message.includes('\n'), 'one line per problem');
  });

  it('a duplicate key is read as kubectl reads it (the later value wins) and reported at the second key', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\n';
    const m = parseManifest('dup.yaml', text);
    assert.deepEqual(names(m), ['b', 'c']);
    const at = lineColOf(text, 'name: b');
    assert.deepEqual(
      m.problems.map((p) => [p.code, p.severity, p.line, p.column]),
      [['duplicate-key', 'warning', at.line, at.column]],
    );
    assert.match(m.problems[0]!.message, /"name" is written twice .*first on line 4.*later value/);
    assert.equal(m.objects[0]!.value().metadata && (m.objects[0]!.value().metadata as { name: string }).name, 'b');
  });

  it('a Deployment that repeats `resources:` keeps the later one, as kubectl applies it', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          resources: {limits: {cpu: "1"}}',
      '          resources: {}',
      '',
    ].join('\n');
    const m = parseManifest('dup.yaml', text);
    assert.deepEqual(names(m), ['web']);
    const c = (m.objects[0]!.value().spec as { template: { spec: { containers: { resources: unknown }[] } } }).template.spec.containers[0]!;
    assert.deepEqual(c.resources, {});
    assert.deepEqual(
      m.problems.map((p) => [p.code, p.line, p.column]),
      [['duplicate-key', 10, 11]],
    );
  });

  it('merge keys (<<) are expanded, as go-yaml does', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n  base: &b {A: "1"}\n  more:\n    <<: *b\n    B: "2"\n';
    const m = parseManifest('merge.yaml', text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual((m.objects[0]!.value().data as Record<string, unknown>).more, { A: '1', B: '2' });
  });

  it('an unclosed flow sequence is reported inside its document, which is dropped', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata: {name: good1}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [bad\n  x: y\n---\napiVersion: v1\nkind: Service\nmetadata: {name: good2}\n';
    const m = parseManifest('flow.yaml', text);
    assert.deepEqual(names(m), ['good1', 'good2']);
    assert.ok(m.problems.length > 0);
    for (const p of m.problems) {
      assert.equal(p.code, 'yaml-syntax');
      assert.ok(p.line >= 5 && p.line <= 9, `line ${p.line} lies in the second document`);
      assert.deepEqual(positionOf(m, p.offset), { line: p.line, column: p.column });
    }
  });

  it('a Helm template read as YAML: errors after a scalar over several lines keep their lines (found by fuzzing)', () => {
    // `{{` opens a flow mapping, so the rest is read while recovering, with "Service … - a" as one scalar over three
    // lines: the YAML parser's own line count missed those lines and put the last error on line 2.
    const text = '{{ x }}\nkind: Service\n\n  - a\n  b: c\n';
    const m = parseManifest('template.yaml', text);
    const last = m.problems.find((p) => p.offset === text.indexOf('b: c') + 1);
    assert.ok(last, m.problems.map((p) => `${p.offset} ${p.message}`).join('; '));
    const at = lineColOf(text, ': c');
    assert.deepEqual({ line: last.line, column: last.column }, { line: at.line, column: at.column });
    for (const p of m.problems) {
      const before = text.slice(0, p.offset);
      assert.deepEqual({ line: p.line, column: p.column }, { line: before.split('\n').length, column: p.offset - before.lastIndexOf('\n') }, p.message);
      assert.deepEqual(positionOf(m, p.offset), { line: p.line, column: p.column });
    }
  });
});

describe('parseManifest: what is not a Kubernetes object', () => {
  it('skips and counts documents without apiVersion and kind', () => {
    const text = [
      'just: data',
      '---',
      '- a',
      '- list',
      '---',
      'a plain scalar',
      '---',
      'apiVersion: v1',
      'metadata: {name: no-kind}',
      '---',
      'kind: Service',
      'metadata: {name: no-api-version}',
      '---',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: real}',
      '',
    ].join('\n');
    const m = parseManifest('mixed.yaml', text);
    assert.deepEqual(names(m), ['real']);
    assert.equal(m.skipped, 6);
    assert.deepEqual(m.problems, []);
  });

  it('an object without metadata.name is kept with an empty name', () => {
    const m = parseManifest('noname.yaml', 'apiVersion: v1\nkind: Service\nspec: {}\n');
    assert.equal(m.objects.length, 1);
    assert.equal(m.objects[0]!.name, '');
  });
});

describe('parseManifest: kind List', () => {
  const text = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: Service',
    '  metadata: {name: listed-svc, namespace: n1}',
    '  spec: {ports: [{port: 53, protocol: UDP}]}',
    '- apiVersion: apps/v1',
    '  kind: Deployment',
    '  metadata:',
    '    name: listed-deploy',
    '- not: an object',
    '',
  ].join('\n');
  const m = parseManifest('list.yaml', text);

  it('turns each item into an object, with its own range and name position', () => {
    assert.deepEqual(
      m.objects.map((o) => [o.kind, o.name, o.namespace]),
      [
        ['Service', 'listed-svc', 'n1'],
        ['Deployment', 'listed-deploy', undefined],
      ],
    );
    assert.ok(!m.objects.some((o) => o.kind === 'List'), 'the List itself is not an object');
    const [svc, deploy] = m.objects;
    assert.ok(text.slice(svc!.source.start, svc!.source.end).includes('listed-svc'));
    assert.ok(!text.slice(svc!.source.start, svc!.source.end).includes('listed-deploy'));
    assert.equal(text.slice(deploy!.source.nameStart, deploy!.source.nameEnd), 'listed-deploy');
    assert.deepEqual(positionOf(m, deploy!.source.nameStart), { line: 11, column: 11 });
  });

  it('an item value() is the item alone', () => {
    const v = m.objects[0]!.value();
    assert.equal(v.kind, 'Service');
    assert.equal(v.items, undefined);
    assert.deepEqual(v.spec, { ports: [{ port: 53, protocol: 'UDP' }] });
  });

  it('counts an item that is not a Kubernetes object as skipped', () => {
    assert.equal(m.skipped, 1);
  });

  it('typed lists (ServiceList) are read the same way', () => {
    const p = parseManifest(
      'sl.yaml',
      'apiVersion: v1\nkind: ServiceList\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: x}}\n- {apiVersion: v1, kind: Service, metadata: {name: y}}\n',
    );
    assert.deepEqual(names(p), ['x', 'y']);
  });
});

describe('parseManifest: aliases', () => {
  it('expands ordinary aliases', () => {
    const m = parseManifest('alias.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: &l {app: web}\nspec:\n  selector: *l\n');
    assert.deepEqual(m.objects[0]!.value().spec, { selector: { app: 'web' } });
    assert.deepEqual(m.problems, []);
  });

  it('refuses an object that contains itself through an alias, and keeps the others (found by fuzzing)', () => {
    // `&b [1, 2, *b]` is a list that holds itself: the NetworkPolicy's reduction turned it into JSON and threw,
    // which ended `netlens check` with an internal error.
    const policy =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: loop, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels:\n              app: &b [1, 2, *b]\n';
    const shared = 'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop, labels: &l {app: web}}\nspec: {selector: *l, ports: [{port: 80}]}\n';
    const m = parseManifest('loop.yaml', `${policy}---\n${shared}`);
    assert.deepEqual(m.objects[0]!.value(), {});
    assert.deepEqual(m.objects[1]!.value().spec, { selector: { app: 'web' }, ports: [{ port: 80 }] }, 'an alias used twice is no loop');
    assert.deepEqual(
      m.problems.map((p) => [p.code, p.line, p.message]),
      [['alias-limit', 1, 'NetworkPolicy loop: an alias stands inside its own anchor, so the object never ends.']],
    );
    const model = buildWorkspaceModel([m]);
    assert.ok([...model.snapshot.services()].some((svc) => svc.name === 's'));
  });

  it('refuses an alias bomb quickly in value(), reports alias-limit and keeps the other documents', () => {
    assert.ok(MAX_ALIAS_COUNT > 0);
    // 10^40 strings if it were expanded: only a refusal can finish.
    const text = `${aliasBomb('lol', 40)}---\napiVersion: v1\nkind: Service\nmetadata: {name: fine}\nspec: {ports: [{port: 80}]}\n`;
    const started = performance.now();
    const m = parseManifest('bomb.yaml', text);
    assert.deepEqual(names(m), ['lol', 'fine']);
    let value: Record<string, unknown> | undefined;
    assert.doesNotThrow(() => {
      value = m.objects[0]!.value();
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
    assert.deepEqual(value, {});
    const refused = m.problems.filter((p) => p.code === 'alias-limit');
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.uri, 'bomb.yaml');
    assert.equal(refused[0]!.severity, 'error');
    assert.deepEqual([refused[0]!.line, refused[0]!.column], [1, 1]);
    assert.match(refused[0]!.message, /ConfigMap lol/);
    // Asking again neither throws nor reports twice.
    assert.deepEqual(m.objects[0]!.value(), {});
    assert.equal(m.problems.filter((p) => p.code === 'alias-limit').length, 1);
    assert.deepEqual(m.objects[1]!.value().spec, { ports: [{ port: 80 }] });
  });

  it('many uses of one small anchor stay under the limit', () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: many}', 'data:', '  base: &b "1"'];
    for (let i = 0; i < 200; i++) lines.push(`  k${i}: *b`);
    const m = parseManifest('many.yaml', `${lines.join('\n')}\n`);
    const data = m.objects[0]!.value().data as Record<string, string>;
    assert.equal(Object.keys(data).length, 201);
    assert.equal(data.k199, '1');
    assert.deepEqual(m.problems, []);
  });
});

describe('parseManifest: the YAML library says nothing of its own', () => {
  it('a template key (`{{ x }}: 1`) made a string raises no process warning (found by fuzzing)', async () => {
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(w.message);
    process.on('warning', listen);
    try {
      const m = parseManifest('tpl.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels:\n    {{ .Values.key }}: 1\n');
      assert.deepEqual(m.objects[0]!.value().metadata, { name: 'x', labels: { '{ ? { .Values.key } }': 1 } });
      // process.emitWarning emits on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    assert.deepEqual(warnings, []);
  });
});

describe('parseManifest: nesting', () => {
  const service = 'apiVersion: v1\nkind: Service\nmetadata: {name: kept}\n';

  it('refuses a document nested thousands of levels deep, at the level beyond the limit, and keeps the others (found by fuzzing)', () => {
    // Each of the four ways of nesting; parsed three times, since the second parse used to end the process.
    const deep = [
      `${'- '.repeat(2_000)}1\n`,
      // A line less indented closes every level at once, which the YAML parser does by recursion.
      `${'- '.repeat(3_000)}1\nkind: x\n`,
      `x: ${'['.repeat(5_000)}1${']'.repeat(5_000)}\n`,
      `x: ${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}\n`,
      `${Array.from({ length: 1_500 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`,
    ];
    for (const doc of deep) {
      for (let run = 0; run < 3; run++) {
        const text = `${doc}---\n${service}`;
        const m = parseManifest('deep.yaml', text);
        assert.deepEqual(names(m), ['kept']);
        assert.deepEqual(
          m.problems.map((p) => p.code),
          ['too-deep'],
        );
        const p = m.problems[0]!;
        assert.ok(p.offset < doc.length, `offset ${p.offset} lies in the deep document`);
        assert.deepEqual(positionOf(m, p.offset), { line: p.line, column: p.column });
      }
    }
  });

  it(`reads a document nested ${MAX_DEPTH} levels deep, and refuses one level more`, () => {
    // The object's mapping is the first level, each bracket one more.
    const nested = (levels: number) => `${service}spec: ${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)}\n`;
    const read = parseManifest('a.yaml', nested(MAX_DEPTH));
    assert.deepEqual([names(read), read.problems], [['kept'], []]);
    assert.equal(JSON.stringify(read.objects[0]!.value().spec).length, 2 * (MAX_DEPTH - 1) + 1);
    const refused = parseManifest('b.yaml', nested(MAX_DEPTH + 1));
    assert.deepEqual([names(refused), refused.problems.map((p) => p.code)], [[], ['too-deep']]);
  });
});

describe('parseManifest: empty input', () => {
  for (const text of ['', '\n\n', '   ', '# only a comment\n', '---\n', '---\n---\n...\n']) {
    it(`${JSON.stringify(text)} gives no objects and no problems`, () => {
      const m = parseManifest('empty.yaml', text);
      assert.deepEqual(m.objects, []);
      assert.deepEqual(m.problems, []);
      assert.equal(m.text, text);
    });
  }
});

describe('ManifestCache: CustomResourceDefinitions are recognised, not parsed', () => {
  const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  versions:
    - name: v1
      schema:
        openAPIV3Schema:
          description: "Points at web.shop.svc.cluster.local:8080 and 10.96.0.10, which reach nothing from here."
`;
  const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{port: 80}]
  # kind: CustomResourceDefinition
`;
  const CLIENT = `apiVersion: v1
kind: ConfigMap
metadata: {name: client, namespace: shop}
data:
  URL: http://web.shop.svc.cluster.local:80
  KIND_NOTE: |
    kind: CustomResourceDefinition
`;

  it('a CRD piece yields no object and no reference; the pieces around it are parsed as before', () => {
    assert.equal(isCustomResourceDefinition(CRD), true);
    const cache = new ManifestCache({ zone: 'cluster.local', defaultNamespace: 'default', maxReferences: 1000 });
    const text = `${SERVICE}---\n${CRD}---\n${CLIENT}`;
    const chunked = cache.parse('file:///ws/all.yaml', text);
    assert.equal(chunked.pieces, 3);
    assert.deepEqual(
      chunked.manifest.objects.map((o) => `${o.kind}/${o.name}`),
      ['Service/web', 'ConfigMap/client'],
    );
    assert.equal(chunked.manifest.skipped, 1);
    assert.deepEqual(
      chunked.references.map((r) => text.slice(r.start, r.end)),
      ['http://web.shop.svc.cluster.local:80'],
      'the URL in the ConfigMap; none from the CRD',
    );
  });

  it('only a document whose top-level kind and apiVersion say so is taken for a CRD', () => {
    assert.equal(isCustomResourceDefinition(SERVICE), false, 'a commented-out kind');
    assert.equal(isCustomResourceDefinition(CLIENT), false, 'a kind inside a block scalar');
    assert.equal(isCustomResourceDefinition(CRD.replace('apiextensions.k8s.io/v1', 'example.com/v1')), false, 'another API group');
    assert.equal(isCustomResourceDefinition(CRD.replace('kind: CustomResourceDefinition', 'kind: "CustomResourceDefinition"')), true, 'a quoted kind');
  });
});

describe('ManifestCache.prepare: a large file parsed a piece at a time', () => {
  it('parses each new piece once, pausing after each; parse then parses nothing again', async () => {
    const docs = Array.from(
      { length: 5 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: shop}\ndata: {URL: "http://web.shop:${8000 + i}"}\n`,
    );
    const text = docs.join('---\n');
    const cache = new ManifestCache({ zone: 'cluster.local', defaultNamespace: 'default', maxReferences: 1000 });
    let pauses = 0;
    await cache.prepare('file:///ws/big.yaml', text, async () => void pauses++);
    assert.equal(pauses, 5);
    const chunked = cache.parse('file:///ws/big.yaml', text);
    assert.equal(chunked.parsedPieces, 0, 'every piece was prepared');
    assert.equal(chunked.pieces, 5);
    assert.deepEqual(
      chunked.references.map((r) => text.slice(r.start, r.end)),
      docs.map((_, i) => `http://web.shop:${8000 + i}`),
    );
    await cache.prepare('file:///ws/big.yaml', text, async () => void pauses++);
    assert.equal(pauses, 5, 'nothing left to prepare');
  });
});
