import { regressionOf } from './regressionsOf';
import { PHASES, scorecardWrite } from './__testUtils__/scorecardWrites';

const program = { spec: { phases: PHASES } };

describe('regressionOf', () => {
  it('finds a required check that passed and fails now, with when it started failing', () => {
    const write = scorecardWrite({
      checks: { 'k8s.svc.protocol': 'fail', 'k8s.probes': 'pass' },
      changes: [{ itemId: 'k8s.svc.protocol', from: 'pass', to: 'fail' }],
    });
    const regression = regressionOf(write, program);
    expect(regression?.checks.map(c => c.check.checkId)).toEqual([
      'k8s.svc.protocol',
    ]);
    expect(regression?.checks[0].failingSince).toBe('2026-12-01T10:00:00.000Z');
    expect(regression?.phaseDrop).toBeUndefined();
  });

  it('takes unknown (a source that did not answer) for no regression', () => {
    const write = scorecardWrite({
      checks: { 'k8s.svc.protocol': 'unknown' },
      changes: [{ itemId: 'k8s.svc.protocol', from: 'pass', to: 'unknown' }],
    });
    expect(regressionOf(write, program)).toBeUndefined();
  });

  it('takes a first evaluation for no regression, whatever fails', () => {
    const write = scorecardWrite({
      checks: { 'k8s.svc.protocol': 'fail' },
      changes: [{ itemId: 'k8s.svc.protocol', to: 'fail' }],
      phase: 'not-started',
      firstEvaluation: true,
    });
    expect(regressionOf(write, program)).toBeUndefined();
  });

  it('leaves out recommended checks, and checks failing before (warn, waived)', () => {
    const write = scorecardWrite({
      checks: { 'k8s.svc.protocol': 'fail', 'k8s.probes': 'fail' },
      changes: [
        { itemId: 'k8s.svc.protocol', from: 'pass', to: 'fail' },
        { itemId: 'k8s.probes', from: 'waived', to: 'fail' },
      ],
    });
    write.record.scorecard.checks[0].severity = 'recommended';
    expect(regressionOf(write, program)).toBeUndefined();
  });

  it('finds a phase drop in the program order, not-started included', () => {
    const write = scorecardWrite({
      checks: { 'k8s.svc.protocol': 'pass' },
      changes: [{ itemId: 'manual.on-call', from: 'attested', to: 'expired' }],
      phase: 'not-started',
      previousPhase: 'expand',
    });
    expect(regressionOf(write, program)?.phaseDrop).toEqual({
      from: 'expand',
      to: 'not-started',
      at: '2026-12-01T10:00:00.000Z',
    });
    // A rise is no drop.
    const rise = scorecardWrite({
      checks: { 'k8s.svc.protocol': 'pass' },
      changes: [{ itemId: 'k8s.svc.protocol', from: 'fail', to: 'pass' }],
      phase: 'expand',
      previousPhase: 'pilot',
    });
    expect(regressionOf(rise, program)).toBeUndefined();
  });

  it('reads the phase order from the scorecard when the program is gone', () => {
    const write = scorecardWrite({
      checks: { 'k8s.svc.protocol': 'pass' },
      changes: [],
      phase: 'pilot',
      previousPhase: 'enforce',
    });
    expect(regressionOf(write, undefined)?.phaseDrop?.from).toBe('enforce');
  });

  it('takes no phase drop from a verdict a source failed to answer for', () => {
    const write = scorecardWrite({
      checks: { 'k8s.svc.protocol': 'unknown' },
      changes: [{ itemId: 'k8s.svc.protocol', from: 'pass', to: 'unknown' }],
      phase: 'not-started',
      previousPhase: 'pilot',
      evidenceComplete: false,
    });
    expect(regressionOf(write, program)).toBeUndefined();
  });

  it('finds nothing without history (unchanged, or kept stale)', () => {
    expect(
      regressionOf(
        scorecardWrite({ checks: { 'k8s.svc.protocol': 'fail' } }),
        program,
      ),
    ).toBeUndefined();
  });
});
