import { ConfigReader, type JsonValue } from '@backstage/config';
import {
  DEFAULT_MAX_BUNDLE_BYTES,
  readClusterEvidenceSettings,
} from './ClusterEvidenceConfig';

const HOUR = 60 * 60 * 1000;

const settingsOf = (cluster: JsonValue) =>
  readClusterEvidenceSettings(new ConfigReader({ evidence: { cluster } }));

describe('readClusterEvidenceSettings', () => {
  it('defaults to 1 hour for pulled evidence, 1 day for pushed, push on, 20 MiB', () => {
    expect(readClusterEvidenceSettings(undefined)).toEqual({
      maxAgeMs: { pull: HOUR, push: 24 * HOUR },
      push: { enabled: true, maxBundleBytes: DEFAULT_MAX_BUNDLE_BYTES },
    });
  });

  it.each([
    ['2h', 2 * HOUR],
    ['3 days', 72 * HOUR],
    ['PT90M', 1.5 * HOUR],
    [{ hours: 2, minutes: 30 }, 2.5 * HOUR],
  ])('reads maxAge %p for both modes', (maxAge, ms) => {
    expect(settingsOf({ maxAge }).maxAgeMs).toEqual({ pull: ms, push: ms });
  });

  it('refuses a maxAge that is not a duration, naming the key', () => {
    expect(() => settingsOf({ maxAge: 'soon' })).toThrow(
      /meshReadiness|maxAge/,
    );
    expect(() => settingsOf({ maxAge: { hours: 0 } })).toThrow(
      'meshReadiness.evidence.cluster.maxAge must be a duration longer than 0',
    );
  });

  it('reads the push settings, sizes as bytes or with a unit', () => {
    expect(
      settingsOf({ push: { enabled: false, maxBundleBytes: '5mb' } }).push,
    ).toEqual({ enabled: false, maxBundleBytes: 5 * 1024 * 1024 });
    expect(() => settingsOf({ push: { maxBundleBytes: 'lots' } })).toThrow(
      /meshReadiness\.evidence\.cluster\.push\.maxBundleBytes: "lots" is not a size/,
    );
  });
});
