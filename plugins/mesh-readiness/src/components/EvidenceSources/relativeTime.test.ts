import { relativeTime } from './relativeTime';

const NOW = Date.parse('2027-01-15T12:00:00.000Z');

describe('relativeTime', () => {
  it.each([
    ['2027-01-15T11:59:40.000Z', 'just now'],
    ['2027-01-15T11:55:00.000Z', '5 minutes ago'],
    ['2027-01-15T09:00:00.000Z', '3 hours ago'],
    ['2027-01-14T12:00:00.000Z', 'yesterday'],
    ['2027-01-12T12:00:00.000Z', '3 days ago'],
    ['2027-01-15T12:10:00.000Z', 'in 10 minutes'],
  ])('%s is %s', (iso, expected) => {
    expect(relativeTime(iso, NOW)).toBe(expected);
  });

  it('gives back what it cannot read', () => {
    expect(relativeTime('sometime', NOW)).toBe('sometime');
  });
});
