import { evaluationOrder } from './evaluationOrder';

/** callee → callers, as `dependencyOf` relations list them. */
function graph(edges: Record<string, string[]>) {
  return new Map(Object.entries(edges));
}

describe('evaluationOrder', () => {
  it('puts every caller in a level before the services it calls', () => {
    // gateway calls checkout, checkout calls payments; ledger calls payments.
    const { levels, cycles } = evaluationOrder(
      graph({
        payments: ['checkout', 'ledger'],
        checkout: ['gateway'],
        gateway: [],
        ledger: [],
        search: [],
      }),
    );
    expect(levels).toEqual([
      ['gateway', 'ledger', 'search'],
      ['checkout'],
      ['payments'],
    ]);
    expect(cycles).toEqual([]);
  });

  it('ignores callers that are not entities of the run', () => {
    const { levels } = evaluationOrder(
      graph({ payments: ['checkout', 'outside'], checkout: [] }),
    );
    expect(levels).toEqual([['checkout'], ['payments']]);
  });

  it('breaks a cycle in ref order, whatever order the catalog lists it in', () => {
    // a → b → c → a, and entry calls b.
    const forward = evaluationOrder(
      graph({ b: ['a', 'entry'], c: ['b'], a: ['c'], entry: [] }),
    );
    const backward = evaluationOrder(
      graph({ entry: [], a: ['c'], c: ['b'], b: ['entry', 'a'] }),
    );
    // a does not wait for c (later in ref order); b waits for a and entry.
    expect(forward.levels).toEqual([['a', 'entry'], ['b'], ['c']]);
    expect(backward).toEqual(forward);
    expect(forward.cycles).toEqual([['a', 'b', 'c']]);
  });

  it('does not wait for a service that calls itself', () => {
    const { levels, cycles } = evaluationOrder(
      graph({ worker: ['worker', 'scheduler'], scheduler: [] }),
    );
    expect(levels).toEqual([['scheduler'], ['worker']]);
    expect(cycles).toEqual([]);
  });

  it('orders a chain of 20,000 services without running out of stack', () => {
    const edges: Record<string, string[]> = {};
    const name = (i: number) => `svc-${String(i).padStart(5, '0')}`;
    for (let i = 0; i < 20_000; i++) {
      edges[name(i)] = i === 0 ? [] : [name(i - 1)];
    }
    // and the last calls the first: one cycle of all of them.
    edges[name(0)] = [name(19_999)];
    const { levels, cycles } = evaluationOrder(graph(edges));
    expect(levels).toHaveLength(20_000);
    expect(levels[0]).toEqual([name(0)]);
    expect(levels[19_999]).toEqual([name(19_999)]);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(20_000);
  });
});
