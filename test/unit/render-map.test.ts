// The pure mapping logic of rendering (src/render): Go template lines as patterns, their alignment with what
// `helm template` printed, the source map's answers, and the Kustomize origin map. Small fixtures, no tools.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isScalar, parseDocument } from 'yaml';
import { alignTemplate } from '../../src/render/align';
import { assembleHelm, namespaceInsertion, splitHelmOutput } from '../../src/render/helm-map';
import { assembleKustomize, inlineOffset, inlineText, stripOrigin } from '../../src/render/kustomize-map';
import { type SourceMapTable, toRendered, toSource } from '../../src/render/source-map';
import { matchLine, scanActions, templateLines } from '../../src/render/template-lines';

/** The template line (1-based) and how each rendered line was produced, as `line:l|e` strings. */
function alignment(template: string, rendered: string): string[] {
  const tpl = templateLines(template);
  return alignTemplate(tpl, rendered.split('\n')).map((a) => {
    const kinds = new Set(a.parts.map((p) => p.produced[0]));
    return `${a.templateLine + 1}:${[...kinds].sort().join('')}`;
  });
}

/** Offsets of the n-th occurrence (0-based) of `needle`. */
function at(text: string, needle: string, nth = 0): number {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `${JSON.stringify(needle)} (#${nth}) is not in the text`);
  }
  return i;
}

describe('Go template actions', () => {
  it('finds actions, trim markers, and skips braces inside strings and comments', () => {
    const text = 'a: {{- printf "}}" -}} b {{/* c }} */}} {{ .X }}{{-3}}';
    const actions = scanActions(text);
    assert.deepEqual(
      actions.map((a) => [text.slice(a.start, a.end), a.trimLeft, a.trimRight, a.output]),
      [
        ['{{- printf "}}" -}}', true, true, true],
        ['{{/* c }} */}}', false, false, false],
        ['{{ .X }}', false, false, true],
        // `{{-3}}` is the number -3, not a trim marker: text/template requires a space after the dash.
        ['{{-3}}', false, false, true],
      ],
    );
  });

  it('knows which actions write nothing', () => {
    const bodies = scanActions('{{ if .A }}{{ else if .B }}{{ end }}{{ $x := 1 }}{{ range .L }}{{ include "n" . | nindent 4 }}{{ template "t" . }}').map(
      (a) => [a.keyword ?? '', a.output, a.indent ?? null],
    );
    assert.deepEqual(bodies, [
      ['if', false, null],
      ['else', false, null],
      ['end', false, null],
      ['', false, null],
      ['range', false, null],
      ['', true, 4],
      ['', true, null],
    ]);
  });

  it('applies trim markers to the literal pieces of a line', () => {
    const tpl = templateLines('metadata:\n  labels:\n    {{- include "x" . | nindent 4 }}\n  name: {{ .N }}-redis\n');
    const third = tpl.lines[2]!;
    // The indentation before `{{-` is trimmed away: the line is one gap and cannot be matched by its blanks.
    assert.deepEqual(
      third.pieces.map((p) => p.kind),
      ['gap'],
    );
    assert.equal(third.weight, 0);
    // The newline of line 2 is trimmed too, so the include's output continues that line.
    assert.equal(tpl.lines[1]!.anchoredEnd, false);
    const fourth = tpl.lines[3]!;
    assert.deepEqual(
      fourth.pieces.map((p) => (p.kind === 'text' ? p.text : 'GAP')),
      ['  name: ', 'GAP', '-redis'],
    );
  });

  it('matches a line pattern against rendered text, literal pieces anchored at the ends', () => {
    const tl = templateLines('  name: {{ .N }}-redis\n').lines[0]!;
    assert.deepEqual(matchLine(tl, '  name: rel-podinfo-redis'), [
      { start: 0, end: 8 },
      { start: 8, end: 19 },
      { start: 19, end: 25 },
    ]);
    assert.equal(matchLine(tl, '    name: rel-podinfo-redis'), undefined, 'the indentation is literal');
    assert.equal(matchLine(tl, '  name: rel-podinfo-redis-x'), undefined, 'the last piece ends the line');
    // A gap at the end of a line that prints nothing leaves the trailing blank of the piece before it.
    const trailing = templateLines('  imagePullSecrets: {{ toYaml .S | nindent 8 }}\n').lines[0]!;
    assert.ok(matchLine(trailing, '  imagePullSecrets:'));
  });
});

describe('aligning a template with its output', () => {
  it('maps literal lines, expression lines, include output and range passes', () => {
    const template = [
      'apiVersion: v1', // 1
      'kind: ConfigMap', // 2
      'metadata:', // 3
      '  name: {{ include "x.fullname" . }}', // 4
      '  labels:', // 5
      '    {{- include "x.labels" . | nindent 4 }}', // 6
      'data:', // 7
      '  {{- range $k, $v := .Values.upstreams }}', // 8
      '  {{ $k }}: {{ $v }}:8080', // 9
      '  {{- end }}', // 10
      '  redis: {{ include "x.fullname" . }}-redis:6379', // 11
      '  static: cache:11211', // 12
    ].join('\n');
    const rendered = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: rel-x',
      '  labels:',
      '    app: x',
      '    tier: web',
      'data:',
      '  a: web:8080',
      '  b: api:8080',
      '  c: db:8080',
      '  redis: rel-x-redis:6379',
      '  static: cache:11211',
    ].join('\n');
    assert.deepEqual(alignment(template, rendered), [
      '1:l',
      '2:l',
      '3:l',
      '4:el', // `  name: ` is literal, the name an expression
      '5:l',
      '6:e', // the include's output
      '6:e',
      '7:l',
      '9:el', // each pass of the range maps to the loop's body line
      '9:el',
      '9:el',
      '11:el',
      '12:l',
    ]);
  });

  it('does not take a later pass of a loop for the branch of an if that did not render', () => {
    const template = [
      'env:', // 1
      '  {{- range .Values.backends }}', // 2
      '  - name: {{ .name | upper }}_ADDR', // 3
      '    value: {{ $.Release.Name }}-{{ .name }}:{{ .port }}', // 4
      '  {{- end }}', // 5
      '  {{- if .Values.redis.external }}', // 6
      '  - name: REDIS_HOST', // 7
      '    value: {{ .Values.redis.host }}', // 8
      '  {{- else }}', // 9
      '  - name: REDIS_HOST', // 10
      '    value: {{ include "x.fullname" . }}-redis', // 11
      '  {{- end }}', // 12
    ].join('\n');
    const rendered = [
      'env:',
      '  - name: CART_ADDR',
      '    value: rel-cart:7070',
      '  - name: PAYMENTS_ADDR',
      '    value: rel-payments:50051',
      '  - name: REDIS_HOST',
      '    value: rel-x-redis',
    ].join('\n');
    assert.deepEqual(alignment(template, rendered), ['1:l', '3:el', '4:el', '3:el', '4:el', '10:l', '11:el']);
  });

  it('assigns the output of an action by its indentation when several are in between', () => {
    const template = ['spec:', '  a:', '    {{- toYaml .A | nindent 4 }}', '  b:', '    {{- toYaml .B | nindent 4 }}', 'end: true'].join('\n');
    const rendered = ['spec:', '  a:', '    x: 1', '    y:', '      z: 2', '  b:', '    w: 3', 'end: true'].join('\n');
    assert.deepEqual(alignment(template, rendered), ['1:l', '2:l', '3:e', '3:e', '3:e', '4:l', '5:e', '6:l']);
  });

  it('keeps a large template fast: unique literal lines anchor the alignment', () => {
    const n = 3000;
    const template = Array.from({ length: n }, (_, i) => (i % 10 === 5 ? `  key${i}: {{ .Values.v${i} }}` : `  line${i}: fixed`)).join('\n');
    const rendered = Array.from({ length: n }, (_, i) => (i % 10 === 5 ? `  key${i}: value${i}` : `  line${i}: fixed`)).join('\n');
    const started = performance.now();
    const a = alignTemplate(templateLines(template), rendered.split('\n'));
    const ms = performance.now() - started;
    assert.equal(a[2005]!.templateLine, 2005);
    assert.equal(a[2005]!.parts.at(-1)!.produced, 'expression');
    assert.ok(ms < 1000, `aligning ${n} lines took ${ms.toFixed(0)} ms`);
  });
});

describe('helm template output: documents, namespaces and the map', () => {
  const service = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: {{ include "x.fullname" . }}', 'spec:', '  ports:', '    - port: 80'].join('\n');
  const deployment = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  namespace: fixed',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          env:',
    '            - name: API_URL',
    '              value: http://{{ include "x.fullname" . }}:80',
    '            - name: CACHE_ADDR',
    '              value: memcached:11211',
  ].join('\n');
  const stdout = [
    '---',
    '# Source: x/templates/service.yaml',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: rel-x',
    'spec:',
    '  ports:',
    '    - port: 80',
    '---',
    '# Source: x/templates/deployment.yaml',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  namespace: fixed',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          env:',
    '            - name: API_URL',
    '              value: http://rel-x:80',
    '            - name: CACHE_ADDR',
    '              value: memcached:11211',
    '',
  ].join('\n');
  const files: Record<string, string> = { '/c/x/templates/service.yaml': service, '/c/x/templates/deployment.yaml': deployment };
  const sourceOf = (p: string) => {
    const path = `/c/${p}`;
    return files[path] === undefined ? undefined : { path, text: files[path]! };
  };

  it('splits documents by their # Source: headers', () => {
    assert.deepEqual(
      splitHelmOutput(stdout).map((d) => [d.sourcePath, d.text.split('\n').length]),
      [
        ['x/templates/service.yaml', 7],
        ['x/templates/deployment.yaml', 15],
      ],
    );
  });

  it('writes the release namespace into objects that name none, on a line without a source', async () => {
    const r = await assembleHelm(splitHelmOutput(stdout), { namespace: 'shop', sourceOf });
    const doc = parseDocument(r.text.split('---\n')[1]!);
    assert.ok(isMap(doc.contents));
    assert.equal(doc.getIn(['metadata', 'namespace']), 'shop');
    assert.equal(r.text.match(/namespace: /g)!.length, 2, 'the Deployment keeps its own namespace, unchanged');
    const added = r.text.split('\n').indexOf('  namespace: shop');
    assert.equal(r.map.lines[added], null);
  });

  it('maps a literal reference exactly and an expression to the action that wrote it', async () => {
    const r = await assembleHelm(splitHelmOutput(stdout), { namespace: 'shop', sourceOf });
    const lit = at(r.text, 'memcached:11211');
    const s = toSource(r.map, lit, lit + 'memcached'.length)!;
    assert.equal(s.path, '/c/x/templates/deployment.yaml');
    assert.equal(s.produced, 'literal');
    assert.equal(deployment.slice(s.start, s.end), 'memcached');
    assert.deepEqual([s.line, s.column], [15, 22]);

    const expr = at(r.text, 'rel-x:80');
    const e = toSource(r.map, expr, expr + 'rel-x'.length)!;
    assert.equal(e.produced, 'expression');
    assert.equal(deployment.slice(e.start, e.end), '{{ include "x.fullname" . }}');
    assert.equal(e.line, 13);

    // Back from the template: the rendered text of the literal and of the action.
    const back = toRendered(r.map, '/c/x/templates/deployment.yaml', at(deployment, 'memcached'), at(deployment, 'memcached') + 9);
    assert.deepEqual(
      back.map((b) => r.text.slice(b.start, b.end)),
      ['memcached'],
    );
    const backExpr = toRendered(r.map, '/c/x/templates/deployment.yaml', at(deployment, '{{ include'), at(deployment, '{{ include') + 3);
    assert.deepEqual(
      backExpr.map((b) => [r.text.slice(b.start, b.end), b.produced]),
      [['rel-x', 'expression']],
    );
  });

  it('finds where to write a namespace only in namespaced objects without one', () => {
    assert.deepEqual(namespaceInsertion('apiVersion: v1\nkind: Service\nmetadata:\n    name: a\n', 'ns'), { line: 3, indent: 4 });
    assert.equal(namespaceInsertion('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n', 'ns'), undefined);
    assert.equal(namespaceInsertion('apiVersion: v1\nkind: Service\nmetadata:\n  namespace: b\n  name: a\n', 'ns'), undefined);
    assert.equal(namespaceInsertion('apiVersion: v1\nkind: Service\nmetadata: {name: a}\n', 'ns'), undefined);
  });
});

describe('kustomize build output: origins, patches and transformers', () => {
  const base = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: server',
    '          env:',
    '            - name: API_ADDR',
    '              value: "api:8080"',
    '            - name: CACHE_ADDR',
    '              value: cache:6379',
    '',
  ].join('\n');
  const kustomization = [
    'resources:',
    '- ../base',
    'namePrefix: dev-',
    'patches:',
    '- patch: |-',
    '    apiVersion: apps/v1',
    '    kind: Deployment',
    '    metadata:',
    '      name: web',
    '    spec:',
    '      template:',
    '        spec:',
    '          containers:',
    '            - name: server',
    '              env:',
    '              - name: CACHE_ADDR',
    '                value: "redis:6379"',
    '',
  ].join('\n');
  const stdout = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  annotations:',
    '    config.kubernetes.io/origin: |',
    '      path: ../base/web.yaml',
    '  name: dev-web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - env:',
    '        - name: API_ADDR',
    '          value: api:8080',
    '        - name: CACHE_ADDR',
    '          value: redis:6379',
    '        name: server',
    '',
  ].join('\n');

  it('removes the origin annotation (and the annotations key left empty) and reads it', () => {
    const { text, origin } = stripOrigin(stdout);
    assert.deepEqual(origin, { path: '../base/web.yaml' });
    assert.ok(!text.includes('annotations'));
    assert.ok(!text.includes('config.kubernetes.io'));
    const kept = stripOrigin(stdout.replace('  annotations:\n', '  annotations:\n    team: a\n'));
    assert.ok(kept.text.includes('  annotations:\n    team: a\n  name: dev-web'), kept.text);
  });

  it('maps values to the base, to the patch that introduced them, and prefixed names as computed', async () => {
    const doc = parseDocument(kustomization);
    const patchNode = isMap(doc.contents) ? (doc.getIn(['patches', 0, 'patch'], true) as unknown) : undefined;
    assert.ok(isScalar(patchNode));
    const files: Record<string, string> = { '/w/base/web.yaml': base, '/w/dev/kustomization.yaml': kustomization };
    const r = await assembleKustomize(stdout, {
      resolveOrigin: (p) => `/w/dev/${p}`.replace('/dev/../', '/'),
      read: (p) => files[p],
      patches: [{ file: '/w/dev/kustomization.yaml', inline: inlineText(kustomization, patchNode), json6902: false }],
    });
    assert.ok(!r.text.includes('config.kubernetes.io'));
    const api = at(r.text, 'api:8080');
    const s = toSource(r.map, api, api + 3)!;
    assert.equal(s.path, '/w/base/web.yaml');
    assert.equal(base.slice(s.start, s.end), 'api');
    assert.equal(s.produced, 'literal');

    const redis = at(r.text, 'redis:6379');
    const p = toSource(r.map, redis, redis + 5)!;
    assert.equal(p.path, '/w/dev/kustomization.yaml');
    assert.equal(kustomization.slice(p.start, p.end), 'redis');
    assert.equal(p.line, 17);

    const name = at(r.text, 'dev-web');
    const n = toSource(r.map, name, name + 7)!;
    assert.equal(n.path, '/w/base/web.yaml');
    assert.equal(base.slice(n.start, n.end), 'web');
    assert.equal(n.produced, 'expression', 'the prefix is not in the source: a rename there must not be offered');
  });

  it('maps offsets inside an inline patch to the kustomization', () => {
    const doc = parseDocument(kustomization);
    const node = doc.getIn(['patches', 0, 'patch'], true);
    assert.ok(isScalar(node));
    const inline = inlineText(kustomization, node);
    const inValue = inline.value.indexOf('redis:6379');
    assert.equal(kustomization.slice(inlineOffset(inline, inValue), inlineOffset(inline, inValue) + 10), 'redis:6379');
  });
});

describe('source map answers', () => {
  const map: SourceMapTable = {
    sources: [{ path: '/s.yaml', text: 'key: {{ .X }}-suffix\n' }],
    lineStarts: [0, 16],
    lines: [
      {
        source: 0,
        line: 0,
        parts: [
          { start: 0, end: 5, sourceStart: 0, sourceEnd: 5, produced: 'literal' },
          { start: 5, end: 8, sourceStart: 5, sourceEnd: 13, produced: 'expression' },
          { start: 8, end: 15, sourceStart: 13, sourceEnd: 20, produced: 'literal' },
        ],
      },
      null,
    ],
  };

  it('gives the union of the parts a range covers, computed when any of them is', () => {
    const s = toSource(map, 5, 15)!;
    assert.deepEqual([s.start, s.end, s.produced], [5, 20, 'expression']);
    const lit = toSource(map, 9, 14)!;
    assert.deepEqual([lit.start, lit.end, lit.produced, lit.column], [14, 19, 'literal', 15]);
    assert.equal(toSource(map, 16, 17), undefined, 'a line without a source');
  });
});
