// document.domain: HTML's "is a registrable domain suffix of or is equal to" table, the WPT setter asserts, the
// host parser it relies on, one test per step of the setter, and properties over any input.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  canSetDocumentDomain,
  isARegistrableDomainSuffixOfOrIsEqualTo,
  parseHost,
  type RegistrableSuffixStep,
} from '../../src/shared/document-domain.ts';
import { newOpaqueOrigin, originOfURL, type Origin } from '../../src/shared/origin.ts';
import { registrableDomain } from '../../src/shared/site.ts';

describe('isARegistrableDomainSuffixOfOrIsEqualTo', () => {
  // HTML, "is a registrable domain suffix of or is equal to", example table (vectors README: S3c, 13 rows).
  // originalHost is a host; here it is given serialized, as origins carry it (the table's ::1 is "[::1]").
  test.each([
    ['0.0.0.0', '0.0.0.0', true],
    ['0x10203', '0.1.2.3', true],
    ['[0::1]', '[::1]', true],
    ['example.com', 'example.com', true],
    ['example.com', 'example.com.', false], // trailing dot is directly compared
    ['example.com.', 'example.com', false],
    ['example.com', 'www.example.com', true],
    ['com', 'example.com', false], // not a registrable domain suffix
    ['example', 'example', true],
    ['compute.amazonaws.com', 'example.compute.amazonaws.com', false],
    ['example.compute.amazonaws.com', 'www.example.compute.amazonaws.com', false],
    ['amazonaws.com', 'www.example.compute.amazonaws.com', false],
    ['amazonaws.com', 'test.amazonaws.com', true],
  ])('HTML table: %j for %j → %s', (hostSuffixString, originalHost, expected) => {
    expect(isARegistrableDomainSuffixOfOrIsEqualTo(hostSuffixString, originalHost)).toBe(expected);
  });

  // WPT html/browsers/origin/relaxing-the-same-origin-restriction/document_domain_setter.html, where
  // ORIGINAL_HOST is web-platform.test, SUFFIX_HOST "test", REMOTE_HOST "www1.web-platform.test".
  test.each([
    ['test', false],
    ['.test', false],
    ['www1.web-platform.test', false],
    ['example.com', false],
    ['', false], // step 1
  ])('WPT document_domain_setter: %j for web-platform.test → %s', (value, expected) => {
    expect(isARegistrableDomainSuffixOfOrIsEqualTo(value, 'web-platform.test')).toBe(expected);
  });

  test('the same WPT file relies on www1.web-platform.test setting "web-platform.test" [derived]', () => {
    expect(isARegistrableDomainSuffixOfOrIsEqualTo('web-platform.test', 'www1.web-platform.test')).toBe(true);
  });

  test('the value is host-parsed: case, percent-encoding and IDNA are applied before comparing', () => {
    expect(isARegistrableDomainSuffixOfOrIsEqualTo('EXAMPLE.com', 'www.example.com')).toBe(true);
    expect(isARegistrableDomainSuffixOfOrIsEqualTo('%65xample.com', 'www.example.com')).toBe(true);
    expect(isARegistrableDomainSuffixOfOrIsEqualTo('例え.テスト', 'www.xn--r8jz45g.xn--zckzah')).toBe(true);
  });

  test.each([
    ['example.com/', 'a path would end the host inside a URL'],
    ['example.com:443', 'a port'],
    ['user@example.com', 'credentials'],
    ['example.com#x', 'a fragment'],
    ['example.com?x', 'a query'],
    ['example.com\\x', 'a backslash'],
    ['exam\tple.com', 'a tab, which the URL parser would remove'],
    ['exam\nple.com', 'a newline'],
  ])('%j for www.example.com is false: the host parser fails on %s', (value) => {
    expect(isARegistrableDomainSuffixOfOrIsEqualTo(value, 'www.example.com')).toBe(false);
  });

  test('IP addresses are only ever equal to themselves (step 4.1)', () => {
    const t: RegistrableSuffixStep[] = [];
    expect(isARegistrableDomainSuffixOfOrIsEqualTo('0.1', '1.0.0.1', t)).toBe(false);
    expect(t[0]).toMatchObject({ step: 4.1, reason: 'not-a-domain' });
    expect(isARegistrableDomainSuffixOfOrIsEqualTo('example.com', '[::1]')).toBe(false);
  });

  test('the trace records the deciding step with its values', () => {
    const run = (s: string, h: string) => { const t: RegistrableSuffixStep[] = []; isARegistrableDomainSuffixOfOrIsEqualTo(s, h, t); return t; };
    expect(run('', 'a.example')).toEqual([{ step: 1, result: false, reason: 'empty-string' }]);
    expect(run('a b', 'a.example')).toEqual([{ step: 3, result: false, reason: 'host-parse-failure', hostSuffixString: 'a b' }]);
    expect(run('other.example', 'www.example.com'))
      .toEqual([{ step: 4.2, result: false, reason: 'not-a-suffix', hostSuffix: 'other.example', originalHost: 'www.example.com' }]);
    expect(run('com', 'example.com'))
      .toEqual([{ step: 4.3, result: false, reason: 'is-a-public-suffix', hostSuffix: 'com', publicSuffix: 'com' }]);
    expect(run('amazonaws.com', 'www.example.compute.amazonaws.com')).toEqual([{
      step: 4.3, result: false, reason: 'within-public-suffix', hostSuffix: 'amazonaws.com',
      originalHost: 'www.example.compute.amazonaws.com', publicSuffix: 'example.compute.amazonaws.com',
    }]);
    expect(run('example.com', 'www.example.com'))
      .toEqual([{ step: 5, result: true, reason: 'registrable-suffix', hostSuffix: 'example.com', originalHost: 'www.example.com' }]);
    expect(run('0x10203', '0.1.2.3')).toEqual([{ step: 5, result: true, reason: 'equal', host: '0.1.2.3' }]);
  });
});

describe('parseHost (the URL Standard host parser, isOpaque false)', () => {
  test.each([
    ['EXAMPLE.com', { host: 'example.com', kind: 'domain' }],
    ['%41.com', { host: 'a.com', kind: 'domain' }],
    ['食狮.中国', { host: 'xn--85x722f.xn--fiqs8s', kind: 'domain' }],
    ['0x10203', { host: '0.1.2.3', kind: 'ipv4' }],
    ['127.1', { host: '127.0.0.1', kind: 'ipv4' }],
    ['[0::1]', { host: '[::1]', kind: 'ipv6' }],
    ['example.com.', { host: 'example.com.', kind: 'domain' }],
  ])('%j → %o', (input, expected) => {
    expect(parseHost(input)).toEqual(expected);
  });
  // Each contains a forbidden host code point (literally or once percent-decoded), or is not an address.
  test.each([
    '', 'example.com/', 'example.com:80', 'a@b', 'a#b', 'a?b', 'a\\b', 'a b', 'a\tb', 'a\rb', 'a\nb', 'a%2Fb',
    'ex%40ample.com', '[::1]:80', '[::1', '[::1]x]', '[::g]', 'a[b]', '1.2.3.256', '<a>', 'a|b', 'a^b',
  ])('%j → failure', (input) => {
    expect(parseHost(input)).toBe('failure');
  });
});

describe('canSetDocumentDomain (the domain setter steps)', () => {
  const base = {
    origin: originOfURL('https://www.example.com/'),
    sandboxedDocumentDomainFlag: false,
    originKeyed: false,
  };

  test('step 1: no browsing context → throws', () => {
    expect(canSetDocumentDomain({ ...base, hasBrowsingContext: false })).toEqual({ works: 'throws', step: 1, reason: 'no-browsing-context' });
  });
  test('step 2: the sandboxed document.domain browsing context flag → throws (even with allow-same-origin)', () => {
    expect(canSetDocumentDomain({ ...base, sandboxedDocumentDomainFlag: true })).toEqual({ works: 'throws', step: 2, reason: 'sandboxed' });
  });
  test('step 3: the document-domain permissions policy disallows it → throws', () => {
    expect(canSetDocumentDomain({ ...base, permissionsPolicyAllows: false })).toEqual({ works: 'throws', step: 3, reason: 'permissions-policy' });
  });
  test('step 5: an opaque origin has no effective domain → throws', () => {
    const origin = newOpaqueOrigin({ kind: 'data-url' }, 'd');
    expect(canSetDocumentDomain({ ...base, origin })).toEqual({ works: 'throws', step: 5, reason: 'opaque-origin', origin });
  });
  test('step 6: a value that is not a registrable domain suffix → throws, with the deciding sub-step', () => {
    expect(canSetDocumentDomain({ ...base, value: 'com' })).toMatchObject({
      works: 'throws', step: 6, reason: 'not-a-registrable-domain-suffix', value: 'com', effectiveDomain: 'www.example.com',
      decidedBy: { step: 4.3, reason: 'is-a-public-suffix' },
    });
  });
  test('step 7: an origin-keyed agent cluster → no-op (returns early)', () => {
    expect(canSetDocumentDomain({ ...base, originKeyed: true, value: 'example.com' })).toEqual({
      works: 'no-op', step: 7, reason: 'origin-keyed', effectiveDomain: 'www.example.com', value: 'example.com',
    });
  });
  test('step 7: a cross-origin isolated agent cluster is origin-keyed → no-op', () => {
    expect(canSetDocumentDomain({ ...base, crossOriginIsolated: true })).toMatchObject({ works: 'no-op', step: 7, reason: 'cross-origin-isolated' });
  });
  test('step 8: otherwise it works, and sets the origin\'s domain to the parsed value', () => {
    expect(canSetDocumentDomain({ ...base, value: 'EXAMPLE.com' })).toEqual({
      works: 'yes', step: 8, effectiveDomain: 'www.example.com', value: 'EXAMPLE.com', newDomain: 'example.com',
    });
    // Without a value: document.domain = document.domain.
    expect(canSetDocumentDomain(base)).toMatchObject({ works: 'yes', newDomain: 'www.example.com' });
  });
  test('the effective domain is the domain already set, if any', () => {
    const origin: Origin = { ...(originOfURL('https://a.b.example.com/') as Extract<Origin, { type: 'tuple' }>), domain: 'b.example.com' };
    expect(canSetDocumentDomain({ ...base, origin, value: 'a.b.example.com' })).toMatchObject({ works: 'throws', step: 6 });
    expect(canSetDocumentDomain({ ...base, origin, value: 'example.com' })).toMatchObject({ works: 'yes', newDomain: 'example.com' });
  });
  test('steps run in order: a sandboxed opaque-origin document fails at step 2', () => {
    expect(canSetDocumentDomain({ ...base, origin: newOpaqueOrigin({ kind: 'data-url' }, 'x'), sandboxedDocumentDomainFlag: true }))
      .toMatchObject({ step: 2 });
  });
});

describe('properties', () => {
  const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.domain(), fc.ipV4(), fc.ipV6().map((a) => `[${a}]`));
  const anyOrigin: fc.Arbitrary<Origin> = fc.oneof(
    fc.webUrl().map((u) => originOfURL(u)),
    fc.string().map((s) => originOfURL(s)),
    fc.constant(newOpaqueOrigin({ kind: 'data-url' }, 'p')),
  );

  test('parseHost and isARegistrableDomainSuffixOfOrIsEqualTo return, never throw, on any strings', () => {
    fc.assert(fc.property(anyString, anyString, (s, h) => {
      parseHost(s);
      return typeof isARegistrableDomainSuffixOfOrIsEqualTo(s, h, []) === 'boolean';
    }), { numRuns: 2000 });
  });

  test('canSetDocumentDomain returns a verdict for any input', () => {
    fc.assert(fc.property(
      anyOrigin, fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.option(anyString, { nil: undefined }),
      (origin, sandboxed, originKeyed, coi, policy, value) => {
        const v = canSetDocumentDomain({
          origin, sandboxedDocumentDomainFlag: sandboxed, originKeyed, crossOriginIsolated: coi, permissionsPolicyAllows: policy,
          ...(value === undefined ? {} : { value }),
        });
        return ['yes', 'throws', 'no-op'].includes(v.works);
      },
    ), { numRuns: 1000 });
  });

  test('every non-empty host of an origin is a registrable domain suffix of or equal to itself', () => {
    fc.assert(fc.property(fc.webUrl(), (url) => {
      const origin = originOfURL(url);
      fc.pre(origin.type === 'tuple' && origin.host !== '');
      return isARegistrableDomainSuffixOfOrIsEqualTo((origin as { host: string }).host, (origin as { host: string }).host);
    }));
  });

  test('document.domain can only move within the site: a suffix that is allowed keeps the registrable domain', () => {
    fc.assert(fc.property(fc.domain(), fc.nat(), (host, drop) => {
      const labels = host.split('.');
      const suffix = labels.slice(drop % labels.length).join('.');
      if (isARegistrableDomainSuffixOfOrIsEqualTo(suffix, host)) {
        expect(registrableDomain(suffix)).toBe(registrableDomain(host));
      }
    }), { numRuns: 1000 });
  });
});
