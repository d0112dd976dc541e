import { NotFoundError } from '@backstage/errors';
import { describeDuration } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { ClusterEvidenceRecord } from '../../database/Store';
import { type ClusterEvidenceSettings } from '../../evidence/ClusterEvidenceConfig';
import type { PushedEvidenceStore } from '../../evidence/PushedEvidenceStore';
import { readEvidenceBundleBody } from '../evidenceBundleBodies';
import type { ApiRouter, RouteContext } from './routeContext';

/** What the evidence routes are given besides the route context. */
export interface EvidenceRoutesOptions {
  bundles: PushedEvidenceStore;
  settings: ClusterEvidenceSettings;
  /**
   * Called after a bundle was stored, so that the scorecards of its
   * cluster update; never throws.
   */
  onPushed(cluster: string): Promise<void>;
  clock?: () => Date;
}

/** A row of the cluster evidence table as the API states it. */
export function toApiClusterEvidence(
  record: ClusterEvidenceRecord,
  settings: ClusterEvidenceSettings,
  now: Date,
) {
  const maxAgeMs = settings.maxAgeMs[record.mode];
  const observedAt = record.collectedAt;
  let status: 'ok' | 'failed' | 'stale' = record.status;
  let reason = record.reason;
  const age = observedAt ? now.getTime() - Date.parse(observedAt) : 0;
  if (status === 'ok' && age > maxAgeMs) {
    status = 'stale';
    reason = `cluster evidence from ${record.cluster} is ${describeDuration(
      age,
    )} old; ${
      record.mode === 'push' ? 'pushed' : 'pulled'
    } evidence counts for ${describeDuration(
      maxAgeMs,
    )} (meshReadiness.evidence.cluster.maxAge)`;
  }
  return {
    cluster: record.cluster,
    mode: record.mode,
    status,
    ...(reason ? { reason } : {}),
    ...(observedAt ? { observedAt } : {}),
    receivedAt: record.receivedAt,
    ...(record.collector ? { collector: record.collector } : {}),
    ...(record.sizeBytes !== undefined ? { sizeBytes: record.sizeBytes } : {}),
    objects: record.objectCounts ?? {},
  };
}

/**
 * Cluster evidence: what the backend holds of each cluster, and the push
 * of an evidence bundle by a collector (`mesh-readiness collect`).
 *
 * A push is a service's call only (a Backstage external access token, or
 * another backend plugin): the token is checked before a byte of the body
 * is read. The body is read by this route, within
 * `meshReadiness.evidence.cluster.push.maxBundleBytes` on the wire and
 * inflated, then checked against common's `evidenceBundleSchema`; any
 * refusal (400, 401, 403, 409, 413) stores nothing. Every push is audited.
 */
export function evidenceRoutes(
  router: ApiRouter,
  ctx: RouteContext,
  options: EvidenceRoutesOptions,
) {
  const { bundles, settings } = options;
  const clock = options.clock ?? (() => new Date());

  router.get('/evidence/clusters', async (req, res) => {
    await ctx.canRead(req);
    const now = clock();
    const records = await bundles.list();
    res.json({
      items: records.map(r => toApiClusterEvidence(r, settings, now)),
      push: {
        enabled: settings.push.enabled,
        maxBundleBytes: settings.push.maxBundleBytes,
      },
    });
  });

  router.post('/evidence/clusters/:cluster', async (req, res) => {
    const { cluster } = req.params;
    const record = await ctx.audited(
      req,
      'cluster-evidence-push',
      { cluster },
      async event => {
        // Before the body: a caller without the right token sends it for nothing.
        const credentials = await ctx.httpAuth.credentials(req, {
          allow: ['service'],
        });
        if (!settings.push.enabled) {
          throw new NotFoundError(
            'pushing cluster evidence is disabled in this portal (meshReadiness.evidence.cluster.push.enabled)',
          );
        }
        const body = await readEvidenceBundleBody(req, {
          maxBytes: settings.push.maxBundleBytes,
        });
        const stored = await bundles.accept(cluster, body);
        await event.success({
          meta: {
            service: credentials.principal.subject,
            collectedAt: stored.collectedAt,
            collector: stored.collector
              ? `${stored.collector.name} ${stored.collector.version}`
              : undefined,
            sizeBytes: stored.sizeBytes,
          },
        });
        return stored;
      },
    );
    await options.onPushed(cluster);
    res.json(toApiClusterEvidence(record, settings, clock()));
  });
}
