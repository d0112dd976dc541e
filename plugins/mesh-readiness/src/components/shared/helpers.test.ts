import { phaseTitle, titleCase, withoutEvidenceText } from './phases';
import { templatePath } from './templates';
import { serviceTrends } from './trends';
import { storedScorecard, history } from '../../__testUtils__/fixtures';
import { historySeries } from '../EntityMeshReadinessContent/historySeries';

describe('templatePath', () => {
  it.each([
    ['template:default/svc-protocol', '/create/templates/default/svc-protocol'],
    ['Template:platform/mtls', '/create/templates/platform/mtls'],
    ['default/x', '/create/templates/default/x'],
    ['x', '/create/templates/default/x'],
  ])('%s → %s', (ref, path) => {
    expect(templatePath(ref)).toBe(path);
  });

  it.each(['component:default/x', 'template:a/b/c', '', undefined, 'a b'])(
    'rejects %p',
    ref => {
      expect(templatePath(ref)).toBeUndefined();
    },
  );
});

describe('phases', () => {
  const { scorecard } = storedScorecard();

  it('names phases as the program does', () => {
    expect(phaseTitle(scorecard, 'expand')).toBe('Expand');
    expect(phaseTitle(scorecard, 'not-started')).toBe('Not started');
    expect(phaseTitle(scorecard, 'unknown-phase')).toBe('Unknown phase');
    expect(titleCase('not_started')).toBe('Not started');
  });

  it('says which evidence is missing', () => {
    expect(withoutEvidenceText([])).toBeUndefined();
    expect(withoutEvidenceText(['cluster'])).toBe('without cluster evidence');
    expect(withoutEvidenceText(['cluster', 'metrics'])).toBe(
      'without cluster and metrics evidence',
    );
    expect(withoutEvidenceText(['catalog', 'cluster', 'metrics'])).toBe(
      'without catalog, cluster and metrics evidence',
    );
  });
});

describe('historySeries', () => {
  it('recovers passing checks at each change by undoing newer transitions', () => {
    const { scorecard } = storedScorecard();
    const points = historySeries(scorecard, history.items);
    expect(points.map(p => [p.phase, p.phaseIndex, p.passingChecks])).toEqual([
      // 1 Nov: first evaluation, owner check failing → none passing.
      ['not-started', 0, 0],
      // 15 Nov: owner check passes → pilot.
      ['pilot', 1, 1],
      // Now (20 Nov): as the current scorecard says.
      ['pilot', 1, 1],
    ]);
    expect(
      points.map(p => new Date(p.time).toISOString().slice(0, 10)),
    ).toEqual(['2026-11-01', '2026-11-15', '2026-11-20']);
  });

  it('gives the current point alone without history', () => {
    const { scorecard } = storedScorecard();
    expect(historySeries(scorecard, [])).toHaveLength(1);
  });
});

describe('serviceTrends', () => {
  const base = {
    programId: 'p',
    programVersion: '1',
    changes: [],
  };
  it('marks reported regressions down, other phase changes up, the rest flat', () => {
    const trends = serviceTrends(
      [
        {
          ...base,
          id: '3',
          entityRef: 'a',
          at: '2026-11-20T00:00:00Z',
          phase: 'pilot',
          previousPhase: 'expand',
        },
        {
          ...base,
          id: '2',
          entityRef: 'b',
          at: '2026-11-19T00:00:00Z',
          phase: 'expand',
          previousPhase: 'pilot',
        },
        {
          ...base,
          id: '1',
          entityRef: 'a',
          at: '2026-11-18T00:00:00Z',
          phase: 'expand',
          previousPhase: 'pilot',
        },
        {
          ...base,
          id: '0',
          entityRef: 'c',
          at: '2026-11-17T00:00:00Z',
          phase: 'pilot',
          changes: [],
        },
        {
          ...base,
          id: '-1',
          entityRef: 'd',
          at: '2026-01-01T00:00:00Z',
          phase: 'expand',
          previousPhase: 'pilot',
        },
      ],
      [
        {
          entityRef: 'a',
          programId: 'p',
          fromPhase: 'expand',
          toPhase: 'pilot',
          at: '2026-11-20T00:00:00Z',
        },
      ],
      Date.parse('2026-10-21T00:00:00Z'),
    );
    expect(trends.get('a')).toBe('down');
    expect(trends.get('b')).toBe('up');
    expect(trends.has('c')).toBe(false);
    expect(trends.has('d')).toBe(false);
  });
});
