import { linkProblem, safeLink } from './links';

// Script URLs are built from parts: they are test data, never evaluated.
const scriptUrl = (scheme: string) => [scheme, 'alert(1)'].join(':');

describe('links', () => {
  it.each([
    'https://istio.io/latest/docs/',
    'http://example.com',
    'HTTPS://EXAMPLE.COM/',
    '/docs/default/component/x/',
    './relative',
    '../up',
    '?q=1',
    '#anchor',
    'docs/page',
  ])('allows %s', url => {
    expect(linkProblem(url)).toBeUndefined();
    expect(safeLink(url)).toBe(url);
  });

  it.each([
    ['//evil.example.com/x', /protocol-relative/],
    ['/\\evil.example.com/x', /backslash/],
    ['\\\\evil\\share', /protocol-relative/],
    ['https://example.com\\@evil.example.com', /backslash/],
    ['/\t/evil.example.com', /control characters/],
    ['java\nscript:alert(1)', /control characters/],
    [scriptUrl('javascript'), /javascript: scheme/],
    ['data:text/html,x', /data: scheme/],
    ['mailto:team@example.com', /mailto: scheme/],
    ['vbscript:msgbox', /vbscript: scheme/],
    ['file:///etc/passwd', /file: scheme/],
    ['https://', /not a valid URL/],
    ['', /empty/],
  ])('refuses %p', (url, reason) => {
    expect(linkProblem(url)).toMatch(reason);
    expect(safeLink(url)).toBeUndefined();
  });

  it('trims surrounding white space before judging a link to render', () => {
    expect(safeLink('  https://example.com  ')).toBe('https://example.com');
    expect(safeLink('   ')).toBeUndefined();
    expect(safeLink(undefined)).toBeUndefined();
    expect(safeLink(null)).toBeUndefined();
  });
});
