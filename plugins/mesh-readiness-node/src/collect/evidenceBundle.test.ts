import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  EVIDENCE_BUNDLE_SCHEMA_VERSION,
  evidenceBundleSchema,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  buildEvidenceBundle,
  InvalidEvidenceBundleError,
  writeEvidenceBundle,
} from './evidenceBundle';
import { readKubectlDump } from './readKubectlDump';

const COLLECTOR = { name: '@mesh-readiness/cli', version: '0.1.0' };
const IDENTITY_EU = resolve(
  __dirname,
  '../../../../examples/clusters/identity-eu',
);

describe('evidence bundles', () => {
  it('bundles a snapshot in the versioned schema and writes it gzip-compressed', async () => {
    const snapshot = await readKubectlDump(IDENTITY_EU, {
      cluster: 'identity-eu',
      observedAt: '2026-12-01T08:00:00.000Z',
    });
    const bundle = buildEvidenceBundle({
      cluster: 'identity-eu',
      collector: COLLECTOR,
      snapshot,
      collectedAt: '2026-12-01T08:00:05.000Z',
    });
    expect(bundle).toEqual({
      schemaVersion: EVIDENCE_BUNDLE_SCHEMA_VERSION,
      cluster: 'identity-eu',
      collectedAt: '2026-12-01T08:00:05.000Z',
      collector: COLLECTOR,
      snapshot,
    });

    const dir = mkdtempSync(join(tmpdir(), 'evidence-bundle-'));
    try {
      const file = join(dir, 'identity-eu.json.gz');
      const bytes = await writeEvidenceBundle(file, bundle);
      const written = readFileSync(file);
      expect(written.length).toBe(bytes);
      const decoded = JSON.parse(gunzipSync(written).toString('utf8'));
      expect(evidenceBundleSchema.parse(decoded)).toEqual(bundle);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a snapshot of another cluster', async () => {
    const snapshot = await readKubectlDump(IDENTITY_EU, {
      cluster: 'identity-eu',
    });
    expect(() =>
      buildEvidenceBundle({
        cluster: 'prod-eu',
        collector: COLLECTOR,
        snapshot,
      }),
    ).toThrow("the snapshot is of cluster 'identity-eu', not 'prod-eu'");
  });

  it('refuses a bundle without evidence', () => {
    expect(() =>
      buildEvidenceBundle({ cluster: 'prod-eu', collector: COLLECTOR }),
    ).toThrow(InvalidEvidenceBundleError);
  });

  it('names the invalid values by their path', async () => {
    const snapshot = await readKubectlDump(IDENTITY_EU, {
      cluster: 'identity-eu',
    });
    const error = (() => {
      try {
        buildEvidenceBundle({
          cluster: 'identity-eu',
          collector: { name: '', version: '1' },
          snapshot: { ...snapshot, observedAt: 'yesterday' },
        });
      } catch (thrown) {
        return thrown as InvalidEvidenceBundleError;
      }
      throw new Error('the bundle was accepted');
    })();
    expect(error).toBeInstanceOf(InvalidEvidenceBundleError);
    expect(error.problems).toEqual([
      expect.stringMatching(/^collector\.name: /),
      expect.stringMatching(/^snapshot\.observedAt: /),
    ]);
  });
});
