import { formatProblem } from './formatProblem';

describe('formatProblem', () => {
  it('writes file:line:col path: message', () => {
    expect(
      formatProblem({
        file: 'programs/istio.yaml',
        line: 12,
        column: 5,
        path: 'spec.checks[3].playbook',
        message: 'no playbook with id "x"',
      }),
    ).toBe(
      'programs/istio.yaml:12:5 spec.checks[3].playbook: no playbook with id "x"',
    );
  });

  it('leaves out an empty path', () => {
    expect(
      formatProblem({
        file: 'p.yaml',
        line: 1,
        column: 1,
        path: '',
        message: 'empty',
      }),
    ).toBe('p.yaml:1:1: empty');
  });
});
