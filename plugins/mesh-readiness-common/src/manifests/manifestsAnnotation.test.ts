import { splitManifestsAnnotation } from './manifestsAnnotation';

describe('splitManifestsAnnotation', () => {
  it('splits at commas and trims the entries', () => {
    expect(
      splitManifestsAnnotation(' deploy/*.yaml , url:https://h/x.yaml,, '),
    ).toEqual(['deploy/*.yaml', 'url:https://h/x.yaml']);
  });

  it('keeps glob alternatives in one entry', () => {
    expect(
      splitManifestsAnnotation('deploy/{api,worker}.yaml,policies/{a,{b,c}}/'),
    ).toEqual(['deploy/{api,worker}.yaml', 'policies/{a,{b,c}}/']);
  });

  it('reads an unbalanced closing brace as text, not as a split point', () => {
    expect(splitManifestsAnnotation('a},b')).toEqual(['a}', 'b']);
    expect(splitManifestsAnnotation('a{,b')).toEqual(['a{,b']);
  });

  it('gives no entries for an empty value', () => {
    expect(splitManifestsAnnotation('  ')).toEqual([]);
  });
});
