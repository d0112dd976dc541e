import { safeHref } from './safeHref';

// Script URLs are built from parts: they are test data, never evaluated.
const scriptUrl = (scheme: string) => [scheme, 'alert(1)'].join(':');

describe('safeHref', () => {
  it.each([
    'https://example.com/x',
    'http://example.com',
    'HTTPS://EXAMPLE.COM/',
    '/docs/default/component/x/',
    './relative',
    '../up',
    '?q=1',
    '#anchor',
    'docs/page',
  ])('keeps %s', url => {
    expect(safeHref(url)).toBe(url);
  });

  it.each([
    scriptUrl('javascript'),
    scriptUrl('JavaScript'),
    scriptUrl('java\tscript'),
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox',
    'file:///etc/passwd',
    'ftp://example.com',
    '//evil.example.com/x',
    '/\\evil.example.com/x',
    '\\\\evil.example.com/x',
    '/\t/evil.example.com/x',
    'https://example.com\\@evil.example.com',
    '',
    '   ',
    undefined,
    null,
  ])('rejects %p', url => {
    expect(safeHref(url)).toBeUndefined();
  });

  it('security: safeHref rejects /\\host, which browsers read as //host', () => {
    expect(safeHref('/\\evil.example.com')).toBeUndefined();
  });

  it('trims surrounding white space', () => {
    expect(safeHref('  https://example.com  ')).toBe('https://example.com');
  });
});
