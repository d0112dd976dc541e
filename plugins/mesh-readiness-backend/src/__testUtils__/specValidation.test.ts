import { specProblems } from './specValidation';

describe('specProblems', () => {
  it('accepts a response that matches the spec', () => {
    expect(
      specProblems('GET', '/programs', 200, 'application/json', { items: [] }),
    ).toEqual([]);
    expect(
      specProblems(
        'GET',
        '/export.csv',
        200,
        'text/csv; charset=utf-8',
        'a,b\r\n',
      ),
    ).toEqual([]);
  });

  it('reports bodies, statuses and paths the spec does not declare', () => {
    expect(
      specProblems('GET', '/programs', 200, 'application/json', {
        items: [{ wrong: 1 }],
      }),
    ).toEqual([
      expect.stringMatching(
        /^GET \/programs 200: \/items\/0 must have required property/,
      ),
      expect.anything(),
      expect.anything(),
      expect.anything(),
      expect.anything(),
      expect.anything(),
    ]);
    expect(
      specProblems(
        'GET',
        '/scorecards/component/default/a',
        200,
        'application/json',
        {},
      ),
    ).not.toEqual([]);
    expect(
      specProblems('GET', '/nowhere', 200, 'application/json', {}),
    ).toEqual(['GET /nowhere: no operation in the spec']);
    expect(specProblems('GET', '/programs', 200, 'text/plain', 'x')).toEqual([
      'GET /programs 200: content type text/plain is not declared',
    ]);
  });
});
