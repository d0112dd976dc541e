import { canonicalJson } from './canonicalJson';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(
      canonicalJson({
        b: 1,
        a: { d: [3, { z: true, y: null }], c: undefined },
      }),
    ).toBe('{"a":{"d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('writes what JSON cannot hold the way JSON.stringify does', () => {
    expect(canonicalJson([undefined, Number.NaN, Infinity, () => 1])).toBe(
      '[null,null,null,null]',
    );
    expect(canonicalJson({ when: new Date(Date.UTC(2027, 0, 1)) })).toBe(
      '{"when":"2027-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson('line\n"quoted"')).toBe(
      JSON.stringify('line\n"quoted"'),
    );
  });

  it('gives the same text for objects built in a different order', () => {
    const first = { x: 1, y: { p: 'a', q: 'b' } };
    const second = { y: { q: 'b', p: 'a' }, x: 1 };
    expect(canonicalJson(second)).toBe(canonicalJson(first));
  });
});
