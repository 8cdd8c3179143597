import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalIP, dashedIP, ipFromReverseName, parseIP, reverseName, undashIP } from '../../src/core/ip';

describe('parseIP', () => {
  const cases: [string, string | undefined, 4 | 6 | undefined][] = [
    ['10.1.2.3', '10.1.2.3', 4],
    ['0.0.0.0', '0.0.0.0', 4],
    ['255.255.255.255', '255.255.255.255', 4],
    ['010.1.2.3', undefined, undefined], // leading zeros: octal to inet_aton, rejected by Kubernetes
    ['10.1', undefined, undefined],
    ['0x0a.1.2.3', undefined, undefined],
    ['256.1.2.3', undefined, undefined],
    ['1.2.3.4.5', undefined, undefined],
    [' 1.2.3.4', undefined, undefined],
    ['FD00:0:0::1', 'fd00::1', 6],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', 6], // RFC 5952 4.2.3: the first of equal runs
    ['2001:0db8::0001', '2001:db8::1', 6],
    ['::', '::', 6],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3', 6],
    ['fe80::1%eth0', undefined, undefined],
    ['fd00::1::2', undefined, undefined],
    ['', undefined, undefined],
    ['web', undefined, undefined],
  ];
  for (const [input, text, family] of cases) {
    it(`${JSON.stringify(input)} → ${text ?? 'invalid'}`, () => {
      const parsed = parseIP(input);
      assert.equal(parsed?.text, text);
      assert.equal(parsed?.family, family);
      assert.equal(canonicalIP(input), text);
    });
  }
});

describe('parseIP, read again', () => {
  it('gives the same answers the second time, past the number of addresses it remembers', () => {
    const texts: string[] = [];
    for (let i = 0; i < 5000; i++) texts.push(`FD00:0:${i.toString(16)}::0${(i % 7).toString(16)}`, `fd00::${i.toString(16)}::1`);
    const first = texts.map((t) => parseIP(t));
    assert.equal(first[1], undefined, 'two "::" are not an address');
    for (let round = 0; round < 2; round++)
      assert.deepEqual(
        texts.map((t) => parseIP(t)),
        first,
      );
    assert.deepEqual(
      first.slice(0, 6).map((p) => p?.text),
      ['fd00::', undefined, 'fd00:0:1::1', undefined, 'fd00:0:2::2', undefined],
    );
  });
});

describe('reverse names', () => {
  it('IPv4 round trip', () => {
    assert.equal(reverseName('10.96.0.10'), '10.0.96.10.in-addr.arpa.');
    assert.equal(ipFromReverseName('10.0.96.10.in-addr.arpa.'), '10.96.0.10');
    assert.equal(ipFromReverseName('10.0.96.10.in-addr.arpa'), '10.96.0.10');
  });
  it('IPv6 round trip, nibble by nibble', () => {
    const name = reverseName('fd00:10:96::a')!;
    assert.equal(name, 'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.');
    assert.equal(ipFromReverseName(name), 'fd00:10:96::a');
  });
  it('partial or malformed reverse names name no address', () => {
    assert.equal(ipFromReverseName('0.96.10.in-addr.arpa.'), undefined);
    assert.equal(ipFromReverseName('x.0.96.10.in-addr.arpa.'), undefined);
    assert.equal(ipFromReverseName('1.0.96.300.in-addr.arpa.'), undefined);
    assert.equal(ipFromReverseName('a.b.ip6.arpa.'), undefined);
    assert.equal(ipFromReverseName('10.96.0.10.example.'), undefined);
  });
});

describe('dashed IPs', () => {
  it('as CoreDNS writes endpoint names', () => {
    assert.equal(dashedIP('10.1.2.3'), '10-1-2-3');
    assert.equal(dashedIP('fd00::1'), 'fd00--1');
  });
  it('as CoreDNS reads pod names: three dashes without "--" are IPv4, the rest IPv6', () => {
    assert.equal(undashIP('10-1-2-3'), '10.1.2.3');
    assert.equal(undashIP('fd00--1'), 'fd00::1');
    assert.equal(undashIP('1-2-3'), '1:2:3');
    assert.equal(undashIP('a-b-c-d'), 'a.b.c.d');
  });
});
