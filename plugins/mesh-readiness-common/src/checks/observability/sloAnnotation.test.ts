import { parseSloAnnotation } from './sloAnnotation';

describe('parseSloAnnotation', () => {
  it('reads a success rate and one latency percentile', () => {
    expect(parseSloAnnotation('success=99.9%, p99=300ms')).toEqual({
      ok: true,
      slo: { successRate: 0.999, latency: { percentile: 'p99', ms: 300 } },
    });
    expect(parseSloAnnotation('p95=1.5s')).toEqual({
      ok: true,
      slo: { latency: { percentile: 'p95', ms: 1500 } },
    });
  });

  it.each([
    ['', 'is empty'],
    [
      'success=99.9',
      'entry 1 ("success=99.9"): success must be a percentage such as 99.9%',
    ],
    [
      'success=101%',
      'entry 1 ("success=101%"): success must be above 0% and at most 100%',
    ],
    [
      'success=1e2%',
      'entry 1 ("success=1e2%"): success must be above 0% and at most 100%',
    ],
    [
      'p99=300',
      'entry 1 ("p99=300"): p99 must be a duration above 0 such as 300ms or 1.5s (at most a day)',
    ],
    [
      'p99=300ms, p50=10ms',
      'entry 2 ("p50=10ms"): only one latency percentile may be set',
    ],
    [
      'success=99%, success=98%',
      'entry 2 ("success=98%") repeats the key success',
    ],
    [
      'availability=99%',
      'entry 1 ("availability=99%"): unknown key "availability"; known keys are success, p50, p90, p95, p99',
    ],
    ['success', 'entry 1 ("success") is not key=value'],
    ['x'.repeat(201), 'is longer than 200 characters'],
  ])('refuses %j: %s', (value, problem) => {
    expect(parseSloAnnotation(value)).toEqual({ ok: false, problem });
  });
});
