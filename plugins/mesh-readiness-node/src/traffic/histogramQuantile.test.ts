import { histogramQuantile } from './histogramQuantile';

describe('histogramQuantile', () => {
  const buckets = [
    { le: 10, count: 50 },
    { le: 100, count: 90 },
    { le: 1000, count: 100 },
    { le: Infinity, count: 100 },
  ];

  it('interpolates inside the bucket that holds the rank', () => {
    // rank 25 of 100 lies in [0, 10] holding 50: 10 * 25 / 50.
    expect(histogramQuantile(0.25, buckets)).toBe(5);
    // rank 70 lies in (10, 100] holding 40 from 50: 10 + 90 * 20 / 40.
    expect(histogramQuantile(0.7, buckets)).toBe(55);
  });

  it('reads buckets in any order', () => {
    expect(histogramQuantile(0.7, [...buckets].reverse())).toBe(55);
  });

  it('answers the largest finite bound when the rank lies in +Inf', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 10, count: 50 },
        { le: Infinity, count: 100 },
      ]),
    ).toBe(10);
  });

  it('has no answer without observations or without a +Inf bucket', () => {
    expect(
      histogramQuantile(0.5, [
        { le: 10, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeUndefined();
    expect(histogramQuantile(0.5, buckets.slice(0, 3))).toBeUndefined();
  });

  it('evens out counts that decrease', () => {
    expect(
      histogramQuantile(0.5, [
        { le: 10, count: 60 },
        { le: 100, count: 40 },
        { le: Infinity, count: 100 },
      ]),
    ).toBeCloseTo((10 * 50) / 60, 9);
  });
});
