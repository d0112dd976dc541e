import { compareMeshVersions, parseMeshVersion } from './meshVersions';

describe('mesh versions', () => {
  it.each([
    ['1.22.3', '1.24.1', 'older'],
    ['1.9.0', '1.10.0', 'older'],
    ['1.24.1', '1.24.1-distroless', 'same'],
    ['1.24', '1.24.0', 'same'],
    ['1.25.0', '1.24.9', 'newer'],
    ['1.25.0-beta.0', '1.25.0', 'older'],
    ['1.25.0-rc.1', '1.25.0-beta.2', 'newer'],
    ['1-22-3', '1.24.1', 'older'],
    ['stable-2.14.10', 'stable-2.14.10', 'same'],
    ['stable-2.13.7', 'enterprise-2.14.1', 'older'],
    ['edge-24.11.8', 'edge-25.1.1', 'older'],
    ['edge-24.11.8', 'stable-2.14.10', 'incomparable'],
    ['latest', '1.24.1', 'incomparable'],
    ['canary', 'canary', 'same'],
  ])('%s against %s is %s', (proxy, controlPlane, expected) => {
    expect(compareMeshVersions(proxy, controlPlane)).toBe(expected);
  });

  it('reads channels, numbers and pre-releases', () => {
    expect(parseMeshVersion('edge-24.11.8')).toEqual({
      channel: 'edge',
      numbers: [24, 11, 8],
    });
    expect(parseMeshVersion('v1.25.0-beta.1-debug')).toEqual({
      channel: '',
      numbers: [1, 25, 0],
      preRelease: 'beta.1',
    });
    expect(parseMeshVersion('sha256:abc')).toBeUndefined();
  });
});
