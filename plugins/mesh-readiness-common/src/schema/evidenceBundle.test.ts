import { emptyClusterSnapshot } from './clusterSnapshot';
import {
  EVIDENCE_BUNDLE_SCHEMA_VERSION,
  evidenceBundleSchema,
} from './evidenceBundle';

const snapshot = emptyClusterSnapshot('prod-eu', '2026-12-02T10:00:00Z');
const bundle = {
  schemaVersion: EVIDENCE_BUNDLE_SCHEMA_VERSION,
  cluster: 'prod-eu',
  collectedAt: '2026-12-02T10:00:05Z',
  collector: { name: 'mesh-readiness-cli', version: '0.1.0' },
  snapshot,
};
const traffic = {
  source: 'prometheus-eu',
  cluster: 'prod-eu',
  observedAt: '2026-12-02T10:00:03Z',
  windowSeconds: 604800,
  traffic: [],
  latency: [],
  dryRun: [],
};

function messages(value: unknown) {
  const result = evidenceBundleSchema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map(i => ({ path: i.path, message: i.message }));
}

describe('evidenceBundleSchema', () => {
  it('accepts a bundle with a snapshot', () => {
    expect(evidenceBundleSchema.parse(bundle)).toEqual(bundle);
  });

  it('accepts a bundle with traffic only', () => {
    const { snapshot: _, ...rest } = bundle;
    const parsed = evidenceBundleSchema.safeParse({
      ...rest,
      traffic: [traffic],
    });
    expect(parsed.error?.issues).toBeUndefined();
  });

  it('refuses an old or unknown schema version with one message naming the accepted ones', () => {
    // An old format: other field names too, yet only the version is reported.
    expect(
      messages({ schemaVersion: 0, clusterName: 'prod-eu', pods: [] }),
    ).toEqual([
      {
        path: ['schemaVersion'],
        message: 'schemaVersion 0 is not accepted; accepted: 1',
      },
    ]);
    expect(messages({ ...bundle, schemaVersion: 2 })[0].message).toBe(
      'schemaVersion 2 is not accepted; accepted: 1',
    );
    expect(messages({ ...bundle, schemaVersion: undefined })[0].message).toBe(
      'schemaVersion undefined is not accepted; accepted: 1',
    );
  });

  it('refuses a snapshot of another cluster', () => {
    expect(
      messages({
        ...bundle,
        snapshot: { ...snapshot, cluster: 'prod-us' },
      }),
    ).toEqual([
      {
        path: ['snapshot', 'cluster'],
        message:
          'the snapshot is of cluster "prod-us", the bundle of "prod-eu"',
      },
    ]);
  });

  it('refuses traffic of another cluster', () => {
    expect(
      messages({ ...bundle, traffic: [{ ...traffic, cluster: 'prod-us' }] }),
    ).toEqual([
      {
        path: ['traffic', 0, 'cluster'],
        message:
          'traffic from prometheus-eu is of cluster "prod-us", the bundle of "prod-eu"',
      },
    ]);
  });

  it('refuses a bundle without evidence', () => {
    const { snapshot: _, ...rest } = bundle;
    expect(messages(rest)).toEqual([
      {
        path: [],
        message: 'the bundle carries no evidence: add a snapshot or traffic',
      },
    ]);
  });

  it('refuses fields it does not know', () => {
    expect(messages({ ...bundle, token: 'secret' })[0].message).toMatch(
      /Unrecognized key.*token/,
    );
  });
});
