// Hover markup: text escaped only where it could start markup, code spans that nothing inside can close, one
// line per string, tables only in markdown; and a hover on hostile manifest strings that stays text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Block, code, em, intro, list, paragraph, renderMarkdown, renderPlaintext, strong } from '../../src/server/markup';
import { NetLensServer } from '../../src/server/server';

const md = (...blocks: Block[]) => renderMarkdown(blocks);

describe('markup: markdown', () => {
  it('leaves punctuation that starts no markup alone: names and addresses read as written', () => {
    assert.equal(
      md(paragraph('api.shop.svc.cluster.local:8080 (ClusterIP) - "web", 10.96.0.10!')),
      'api.shop.svc.cluster.local:8080 (ClusterIP) - "web", 10.96.0.10!',
    );
  });

  it('escapes what could start inline markup or HTML', () => {
    assert.equal(
      md(paragraph('*a* _b_ `c` [d](e) <img src=x> &amp; ~~f~~ \\')),
      '\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\<img src=x\\> \\&amp; \\~\\~f\\~\\~ \\\\',
    );
  });

  it('escapes what would make a line a heading, a quote, a list item or a rule, and nothing else at a line start', () => {
    const cases: [string, string][] = [
      ['# title', '\\# title'],
      ['> quoted', '\\> quoted'],
      ['- item', '\\- item'],
      ['+ item', '\\+ item'],
      ['1. item', '1\\. item'],
      ['2) item', '2\\) item'],
      ['---', '\\---'],
      ['   indented', 'indented'],
      ['10.96.0.10 belongs to nothing', '10.96.0.10 belongs to nothing'],
      ['-1 is no port', '-1 is no port'],
      ['#hashtag', '#hashtag'],
    ];
    for (const [text, expected] of cases) assert.equal(md(paragraph(text)), expected, text);
  });

  it('code spans: a fence longer than any run of backticks inside, padding where the content starts or ends with one', () => {
    assert.equal(md(paragraph(code('web.shop'))), '`web.shop`');
    assert.equal(md(paragraph(code('a`b'))), '``a`b``');
    assert.equal(md(paragraph(code('a``b`'))), '``` a``b` ```');
    assert.equal(md(paragraph(code('`'))), '`` ` ``');
    assert.equal(md(paragraph(code('<script>*x*</script>'))), '`<script>*x*</script>`', 'nothing inside a code span is markup');
  });

  it('a string cannot start a block of its own: line breaks become spaces', () => {
    assert.equal(md(paragraph('first\n# second\r\n- third')), 'first # second - third');
    assert.equal(md(paragraph(code('a\n\n# b'))), '`a # b`');
  });

  it('a list follows the paragraph that introduces it; other blocks are a blank line apart', () => {
    assert.equal(md(intro(strong('Owners')), list([['pod ', code('shop/db-0')]]), paragraph(em('Source: x'))), '**Owners**\n- pod `shop/db-0`\n\n_Source: x_');
    assert.equal(md(paragraph('a'), list([]), paragraph('b')), 'a\n\nb', 'empty blocks leave no separator');
  });

  it('tables escape | in cells, code spans included', () => {
    const table: Block = { kind: 'table', header: ['port', 'name'], rows: [[['80'], [code('a|b')]]], lines: [['80 ', code('a|b')]] };
    assert.equal(md(table), '| port | name |\n| --- | --- |\n| 80 | `a\\|b` |');
  });
});

describe('markup: plain text', () => {
  it('adds no markup, and reads tables as lines', () => {
    const table: Block = { kind: 'table', header: ['port', 'name'], rows: [[['80'], [code('http')]]], lines: [['80/TCP ', code('http')]] };
    assert.equal(
      renderPlaintext([intro(strong('Service'), ' ', code('shop/web')), list([['*x*']]), table, paragraph(em('Source: y'))]),
      'Service shop/web\n- *x*\n\n- 80/TCP http\n\nSource: y',
    );
  });
});

describe('markup: a hover on hostile manifest strings', () => {
  // An ExternalName and port names are free text in a manifest: they must reach the hover as text.
  const text = `apiVersion: v1
kind: Service
metadata: {name: evil, namespace: shop}
spec:
  type: ExternalName
  externalName: "x.example.com\`) <img src=x onerror=alert(1)> [click](command:netlens.refresh) **bold**"
---
apiVersion: v1
kind: Service
metadata: {name: ports, namespace: shop}
spec:
  clusterIP: 10.96.5.5
  ports: [{name: "a|b\`c", port: 80, targetPort: "<b>x</b>"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: c
          env:
            - {name: EVIL_HOST, value: "evil"}
            - {name: PORTS_ADDR, value: "ports:80"}
`;

  it('every hostile string stays inside a code span or is escaped', () => {
    const server = new NetLensServer({ publishDiagnostics: () => undefined, log: () => undefined });
    server.open('file:///ws/evil.yaml', text, 1);
    const evil = server.hover('file:///ws/evil.yaml', text.indexOf('"evil"') + 2)!;
    const value = (evil.contents as { value: string }).value;
    assert.match(
      value,
      /^\*\*Service\*\* `shop\/evil` · ExternalName → ``x\.example\.com`\) <img src=x onerror=alert\(1\)> \[click\]\(command:netlens\.refresh\) \*\*bold\*\*``$/m,
    );
    // Outside code spans, no tag, link or emphasis opens.
    const outside = value.replace(/(`+)[^`]*?(?:`(?!\1)[^`]*?)*\1/g, '');
    assert.doesNotMatch(outside, /(^|[^\\])[<[]|(^|[^\\])\*\*bold/);

    const ports = server.hover('file:///ws/evil.yaml', text.indexOf('"ports:80"') + 2)!;
    assert.match((ports.contents as { value: string }).value, /^\| 80 ← \| ``a\\\|b`c`` \| TCP \| `<b>x<\/b>` \|$/m);
  });
});
