import { matchesRequirements, parseLabelSelector } from './labelSelector';

function parse(text: string) {
  const result = parseLabelSelector(text);
  if (!result.ok) throw new Error(result.message);
  return result.requirements;
}

function problem(text: string) {
  const result = parseLabelSelector(text);
  return result.ok ? undefined : result.message;
}

describe('parseLabelSelector', () => {
  it('reads equality requirements', () => {
    expect(parse('app=checkout, tier==web,track!=canary')).toEqual([
      { key: 'app', operator: 'in', values: ['checkout'] },
      { key: 'tier', operator: 'in', values: ['web'] },
      { key: 'track', operator: 'not-in', values: ['canary'] },
    ]);
  });

  it('reads set-based requirements and existence', () => {
    expect(
      parse(
        'app.kubernetes.io/name in (checkout, cart),env notin (dev),release,!legacy',
      ),
    ).toEqual([
      {
        key: 'app.kubernetes.io/name',
        operator: 'in',
        values: ['checkout', 'cart'],
      },
      { key: 'env', operator: 'not-in', values: ['dev'] },
      { key: 'release', operator: 'exists' },
      { key: 'legacy', operator: 'does-not-exist' },
    ]);
  });

  it('reads numeric comparisons and the empty value', () => {
    expect(parse('generation>2,weight<10,tier=')).toEqual([
      { key: 'generation', operator: 'greater-than', value: 2 },
      { key: 'weight', operator: 'less-than', value: 10 },
      { key: 'tier', operator: 'in', values: [''] },
    ]);
  });

  it.each([
    ['', 'the selector is empty (it would select every pod)'],
    ['app=', undefined],
    ['app in (a', 'expected "," or ")" at position 10, found the end'],
    ['app in ()', 'the values of in must not be empty'],
    ['app in a', 'expected "(" after in at position 8, found "a"'],
    [
      'app = checkout extra',
      'expected "," or the end at position 16, found "extra"',
    ],
    ['app,,tier', 'expected a label key at position 5, found ","'],
    [
      'App_/x=1',
      "the prefix of label key \"App_/x\" must be a DNS subdomain (lower case letters, digits, '-' and '.')",
    ],
    ['app=no spaces', 'expected "," or the end at position 8, found "spaces"'],
    [
      'app=-bad',
      "label value \"-bad\" may contain only letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    ],
    [
      'weight>heavy',
      'expected an integer after ">" at position 8, found "heavy"',
    ],
    [
      'app ~ x',
      'expected an operator (=, ==, !=, in, notin, <, >), "," or the end at position 5, found "~"',
    ],
  ])('%j → %s', (text, message) => {
    expect(problem(text)).toBe(message);
  });
});

describe('matchesRequirements', () => {
  const labels = { app: 'checkout', tier: 'web', generation: '3' };

  it.each([
    ['app=checkout', true],
    ['app=cart', false],
    ['app!=cart', true],
    ['missing!=x', true],
    ['app in (cart,checkout)', true],
    ['app notin (checkout)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['generation>2', true],
    ['generation<3', false],
    ['app>1', false],
    ['app=checkout,tier=api', false],
  ])('%s → %s', (text, expected) => {
    expect(matchesRequirements(parse(text), labels)).toBe(expected);
  });
});
