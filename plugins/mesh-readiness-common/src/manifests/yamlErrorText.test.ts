import { parseManifests } from './parseManifests';

describe('YAML problems of manifests', () => {
  it('security: a YAML error names file, line and column and quotes none of the file', () => {
    // Texts for which the `yaml` library's own messages quote the input.
    const files = [
      { path: 'stream.yaml', content: '- a\nb: SECRET-1 root:x:0:0\n' },
      { path: 'token.yaml', content: 'x: |+2 SECRET-2\n  y\n' },
      { path: 'tag.yaml', content: 'a: !SECRET-3 foo\n' },
      { path: 'directive.yaml', content: '%SECRET-4 on\n---\na: 1\n' },
      { path: 'alias.yaml', content: 'a: *SECRET-5\n' },
    ];
    const { problems } = parseManifests(files);
    expect(new Set(problems.map(p => p.file))).toEqual(
      new Set(files.map(f => f.path)),
    );
    for (const problem of problems) {
      expect(problem.message).not.toMatch(/SECRET|root:x/);
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.column).toBeGreaterThanOrEqual(1);
    }
    expect(problems.find(p => p.file === 'stream.yaml')).toMatchObject({
      line: 2,
      message: expect.stringMatching(/^invalid YAML: /),
    });
  });
});
