import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandGlob, segmentMatcher } from './glob';

describe('expandGlob', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mesh-readiness-glob-'));
    for (const file of [
      'k8s/deployment.yaml',
      'k8s/service.yml',
      'k8s/notes.txt',
      'k8s/.hidden.yaml',
      'k8s/overlays/prod/patch.yaml',
      'node_modules/pkg/x.yaml',
      'a[1].yaml',
    ]) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), '');
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('matches one segment with * and braces, skipping dot files', () => {
    expect(expandGlob('k8s/*.{yaml,yml}', dir)).toEqual([
      'k8s/deployment.yaml',
      'k8s/service.yml',
    ]);
  });

  it('matches any depth with ** but not into node_modules', () => {
    expect(expandGlob('**/*.yaml', dir)).toEqual([
      'a[1].yaml',
      'k8s/deployment.yaml',
      'k8s/overlays/prod/patch.yaml',
    ]);
  });

  it('matches dot files when the pattern spells the dot', () => {
    expect(expandGlob('k8s/.*.yaml', dir)).toEqual(['k8s/.hidden.yaml']);
  });

  it('treats escaped brackets literally and ? as one character', () => {
    expect(expandGlob('a\\[1\\].yaml', dir)).toEqual(['a[1].yaml']);
    expect(expandGlob('k8s/service.y?l', dir)).toEqual(['k8s/service.yml']);
  });

  it('returns nothing for a pattern that matches nothing', () => {
    expect(expandGlob('helm/**/*.yaml', dir)).toEqual([]);
  });
});

describe('segmentMatcher', () => {
  it('supports character classes and negation', () => {
    expect(segmentMatcher('v[0-9].yaml').test('v1.yaml')).toBe(true);
    expect(segmentMatcher('v[!0-9].yaml').test('v1.yaml')).toBe(false);
    expect(segmentMatcher('v[!0-9].yaml').test('vx.yaml')).toBe(true);
  });
});
