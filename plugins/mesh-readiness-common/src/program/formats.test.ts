import { addIsoDuration, linkProblem, parseIsoDuration } from './formats';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('addIsoDuration', () => {
  it('adds calendar months and years in UTC, clamping to the month end', () => {
    const add = (from: string, duration: string) =>
      iso(addIsoDuration(at(from), parseIsoDuration(duration)!));
    expect(add('2027-01-31T10:00:00.000Z', 'P1M')).toBe(
      '2027-02-28T10:00:00.000Z',
    );
    expect(add('2028-01-31T00:00:00.000Z', 'P1M')).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    expect(add('2027-11-15T00:00:00.000Z', 'P3M')).toBe(
      '2028-02-15T00:00:00.000Z',
    );
    expect(add('2028-02-29T00:00:00.000Z', 'P1Y')).toBe(
      '2029-02-28T00:00:00.000Z',
    );
    expect(add('2027-01-10T00:00:00.000Z', 'P90D')).toBe(
      '2027-04-10T00:00:00.000Z',
    );
    expect(add('2027-01-10T00:00:00.000Z', 'P2WT12H30M15S')).toBe(
      '2027-01-24T12:30:15.000Z',
    );
  });
});

describe('linkProblem', () => {
  it('accepts http(s) and relative links only', () => {
    expect(linkProblem('https://istio.io/latest/docs/')).toBeUndefined();
    expect(linkProblem('/docs/default/component/x/')).toBeUndefined();
    expect(linkProblem('mailto:team@example.com')).toMatch(/mailto: scheme/);
    expect(linkProblem('vbscript:msgbox')).toMatch(/vbscript: scheme/);
    expect(linkProblem('java\nscript:alert(1)')).toMatch(/control characters/);
    expect(linkProblem('\\\\evil\\share')).toMatch(/protocol-relative/);
  });
});
