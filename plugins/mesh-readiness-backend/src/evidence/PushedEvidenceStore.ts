import { ConflictError, InputError } from '@backstage/errors';
import {
  ACCEPTED_EVIDENCE_BUNDLE_SCHEMA_VERSIONS,
  canonicalJson,
  EVIDENCE_BUNDLE_SCHEMA_VERSION,
  evidenceBundleSchema,
  explainSchemaIssues,
  formatSchemaPath,
  type ClusterSnapshot,
  type EvidenceBundle,
  type SnapshotKind,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type {
  ClusterEvidenceKey,
  ClusterEvidenceRecord,
  Store,
} from '../database/Store';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Problems named in a refusal; the rest are counted. */
const PROBLEMS_SHOWN = 5;

/** Objects per kind of a snapshot, by the kinds' resource names. */
export function countSnapshotObjects(
  snapshot: ClusterSnapshot,
): Partial<Record<SnapshotKind, number>> {
  const workloads = (kind: string) =>
    snapshot.workloads.filter(w => w.kind === kind).length;
  const routes = (kind: string) =>
    snapshot.routes.filter(r => r.kind === kind).length;
  const all: Record<SnapshotKind, number> = {
    namespaces: snapshot.namespaces.length,
    pods: snapshot.pods.length,
    services: snapshot.services.length,
    'deployments.apps': workloads('Deployment'),
    'statefulsets.apps': workloads('StatefulSet'),
    'daemonsets.apps': workloads('DaemonSet'),
    'peerauthentications.security.istio.io':
      snapshot.istio.peerAuthentications.length,
    'authorizationpolicies.security.istio.io':
      snapshot.istio.authorizationPolicies.length,
    'sidecars.networking.istio.io': snapshot.istio.sidecars.length,
    'gateways.gateway.networking.k8s.io': snapshot.gateways.length,
    'httproutes.gateway.networking.k8s.io': routes('HTTPRoute'),
    'grpcroutes.gateway.networking.k8s.io': routes('GRPCRoute'),
    'servers.policy.linkerd.io': snapshot.linkerd.servers.length,
    'authorizationpolicies.policy.linkerd.io':
      snapshot.linkerd.authorizationPolicies.length,
    'meshtlsauthentications.policy.linkerd.io':
      snapshot.linkerd.meshTlsAuthentications.length,
  };
  // A kind that is not installed has no objects to count.
  const counts: Partial<Record<SnapshotKind, number>> = {};
  for (const [kind, count] of Object.entries(all) as Array<
    [SnapshotKind, number]
  >) {
    if (snapshot.kinds[kind] !== 'not-installed') counts[kind] = count;
  }
  return counts;
}

/** A bundle ready to store: its canonical JSON compressed, and its digest. */
export interface EncodedBundle {
  contentDigest: string;
  sizeBytes: number;
  bundle: Buffer;
  objectCounts?: Record<string, number>;
}

/** Encodes a (validated) bundle for the cluster evidence table. */
export async function encodeEvidenceBundle(
  bundle: EvidenceBundle,
): Promise<EncodedBundle> {
  const json = Buffer.from(canonicalJson(bundle), 'utf8');
  return {
    contentDigest: createHash('sha256').update(json).digest('hex'),
    sizeBytes: json.length,
    bundle: await gzipAsync(json),
    objectCounts: bundle.snapshot
      ? countSnapshotObjects(bundle.snapshot)
      : undefined,
  };
}

/**
 * Checks a posted value against common's `evidenceBundleSchema`: 400 with
 * the paths of the first problems (an unknown `schemaVersion` is the one
 * problem named then, with the versions accepted), 400 when the bundle
 * speaks for another cluster than the path names.
 */
export function validatePushedBundle(
  cluster: string,
  body: unknown,
): EvidenceBundle {
  // The version first: a bundle of another version is refused with that
  // one problem, not with every field its format does differently.
  const version =
    body && typeof body === 'object' && !Array.isArray(body)
      ? (body as { schemaVersion?: unknown }).schemaVersion
      : undefined;
  if (!ACCEPTED_EVIDENCE_BUNDLE_SCHEMA_VERSIONS.some(v => v === version)) {
    throw new InputError(
      `schemaVersion: ${
        version === undefined ? 'missing' : JSON.stringify(version)
      } is not accepted; accepted: ${ACCEPTED_EVIDENCE_BUNDLE_SCHEMA_VERSIONS.join(
        ', ',
      )}. Collect the bundle again with a collector of this portal's version`,
    );
  }
  const parsed = evidenceBundleSchema.safeParse(body);
  if (!parsed.success) {
    const problems = explainSchemaIssues(
      evidenceBundleSchema,
      body,
      parsed.error.issues,
    );
    const shown = problems
      .slice(0, PROBLEMS_SHOWN)
      .map(p => `${formatSchemaPath(p.path) || '(the bundle)'}: ${p.message}`);
    const more = problems.length - shown.length;
    throw new InputError(
      `the evidence bundle does not match schema version ${ACCEPTED_EVIDENCE_BUNDLE_SCHEMA_VERSIONS.join(
        ' or ',
      )}: ${shown.join('; ')}${more > 0 ? `; and ${more} more problems` : ''}`,
    );
  }
  if (parsed.data.cluster !== cluster) {
    throw new InputError(
      `cluster: the bundle is of cluster ${JSON.stringify(
        parsed.data.cluster,
      )}, posted to the cluster ${JSON.stringify(cluster)}`,
    );
  }
  return parsed.data;
}

/** A stored bundle as the evidence providers read it. */
export interface StoredEvidenceBundle {
  record: ClusterEvidenceRecord;
  /** Undefined when the stored bytes no longer read as a bundle. */
  bundle?: EvidenceBundle;
  /** Why the stored bundle cannot be read. */
  problem?: string;
}

const keyOf = (key: ClusterEvidenceKey) => `${key.mode}\u0000${key.cluster}`;

/**
 * The evidence bundles kept in the database: the latest one collectors
 * pushed per cluster (`accept`, `latestBundles`) and the last good
 * snapshot pulled per cluster (`keep`, `readBundles('pull')`). Readers get
 * decoded bundles; a bundle is decoded again only when its digest changed,
 * so an evaluation run over unchanged clusters reads only the table's
 * small columns.
 */
export class PushedEvidenceStore {
  private readonly decoded = new Map<
    string,
    { contentDigest: string; bundle?: EvidenceBundle; problem?: string }
  >();

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Validates and stores a pushed bundle as its cluster's latest: 400 when
   * it does not match the schema or names another cluster, 409 when the
   * stored bundle was collected later. Nothing is stored on a refusal.
   */
  async accept(cluster: string, body: unknown): Promise<ClusterEvidenceRecord> {
    const bundle = validatePushedBundle(cluster, body);
    const encoded = await encodeEvidenceBundle(bundle);
    const record: ClusterEvidenceRecord = {
      cluster,
      mode: 'push',
      status: 'ok',
      collectedAt: new Date(bundle.collectedAt).toISOString(),
      receivedAt: this.clock().toISOString(),
      collector: bundle.collector,
      schemaVersion: bundle.schemaVersion,
      contentDigest: encoded.contentDigest,
      sizeBytes: encoded.sizeBytes,
      objectCounts: encoded.objectCounts,
    };
    const outcome = await this.store.putClusterEvidence({
      ...record,
      collectedAt: record.collectedAt!,
      contentDigest: encoded.contentDigest,
      bundle: encoded.bundle,
    });
    if (!outcome.stored) {
      throw new ConflictError(
        `the bundle of ${cluster} collected at ${record.collectedAt} is older than the one stored, collected at ${outcome.storedCollectedAt}; nothing was changed`,
      );
    }
    return record;
  }

  /**
   * Keeps a pulled snapshot as its cluster's last good one (what tells,
   * after a restart or on another replica, which entities a failing
   * cluster runs). The bundle is rewritten only when the snapshot's
   * content changed; its observation time alone is not a change (the
   * caller moves the row's times with the read's status).
   * @returns whether the stored bundle was rewritten
   */
  async keepPulled(
    snapshot: ClusterSnapshot,
    options: {
      collector: { name: string; version: string };
      receivedAt: string;
      stored?: ClusterEvidenceRecord;
    },
  ): Promise<boolean> {
    const contentDigest = createHash('sha256')
      .update(canonicalJson({ ...snapshot, observedAt: '' }))
      .digest('hex');
    if (options.stored?.contentDigest === contentDigest) return false;
    const bundle: EvidenceBundle = {
      schemaVersion: EVIDENCE_BUNDLE_SCHEMA_VERSION,
      cluster: snapshot.cluster,
      collectedAt: snapshot.observedAt,
      collector: options.collector,
      snapshot,
    };
    const encoded = await encodeEvidenceBundle(bundle);
    const key = { cluster: snapshot.cluster, mode: 'pull' as const };
    await this.store.putClusterEvidence({
      ...key,
      status: 'ok',
      collectedAt: new Date(snapshot.observedAt).toISOString(),
      receivedAt: options.receivedAt,
      collector: options.collector,
      schemaVersion: bundle.schemaVersion,
      ...encoded,
      contentDigest,
    });
    this.decoded.set(keyOf(key), { contentDigest, bundle });
    return true;
  }

  /** Every row of the table, without bundles, by cluster then mode. */
  async list(): Promise<ClusterEvidenceRecord[]> {
    return this.store.listClusterEvidence();
  }

  /**
   * The stored bundles of one mode, decoded and checked against the
   * schema again (a bundle stored by an older backend may no longer read).
   */
  async readBundles(
    mode: 'pull' | 'push',
    records?: ClusterEvidenceRecord[],
  ): Promise<StoredEvidenceBundle[]> {
    const rows = (records ?? (await this.store.listClusterEvidence())).filter(
      r => r.mode === mode && r.contentDigest,
    );
    const changed = rows.filter(
      r => this.decoded.get(keyOf(r))?.contentDigest !== r.contentDigest,
    );
    const fetched = await this.store.getClusterEvidenceBundles(changed);
    await Promise.all(
      fetched.map(async ({ cluster, bundle }) => {
        const row = changed.find(r => r.cluster === cluster)!;
        let entry: { bundle?: EvidenceBundle; problem?: string };
        try {
          const json = JSON.parse((await gunzipAsync(bundle)).toString('utf8'));
          const parsed = evidenceBundleSchema.safeParse(json);
          entry = parsed.success
            ? { bundle: parsed.data }
            : {
                problem: `the stored bundle of ${cluster} no longer matches the bundle schema (${
                  parsed.error.issues[0]?.message ?? 'invalid'
                }); collect and push it again`,
              };
        } catch (error) {
          entry = {
            problem: `the stored bundle of ${cluster} cannot be read: ${
              (error as Error).message
            }`,
          };
        }
        this.decoded.set(keyOf(row), {
          contentDigest: row.contentDigest!,
          ...entry,
        });
      }),
    );
    return rows.map(record => {
      const entry = this.decoded.get(keyOf(record));
      return entry && entry.contentDigest === record.contentDigest
        ? { record, bundle: entry.bundle, problem: entry.problem }
        : { record, problem: `the stored bundle of ${record.cluster} is gone` };
    });
  }

  /**
   * The latest bundle each collector pushed, decoded: what the cluster
   * and metrics evidence providers read (`snapshot` and `traffic`).
   * Bundles that no longer read are left out.
   */
  async latestBundles(): Promise<
    Array<{ bundle: EvidenceBundle; record: ClusterEvidenceRecord }>
  > {
    return (await this.readBundles('push')).flatMap(({ record, bundle }) =>
      bundle ? [{ record, bundle }] : [],
    );
  }
}
