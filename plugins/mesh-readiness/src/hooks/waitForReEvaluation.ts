import type {
  MeshReadinessApi,
  StoredScorecard,
} from '../api/MeshReadinessApi';

/** How often and how long to look for the re-evaluated scorecard. */
export interface WaitOptions {
  attempts?: number;
  intervalMs?: number;
}

/**
 * After an attestation or a waiver decision the backend re-evaluates the
 * entity in the background. Reads the stored scorecard until it was
 * evaluated after `previous` (bounded), and returns the newest one read.
 */
export async function waitForReEvaluation(
  api: MeshReadinessApi,
  entityRef: string,
  previous: StoredScorecard | undefined,
  options: WaitOptions = {},
): Promise<StoredScorecard | undefined> {
  const attempts = options.attempts ?? 10;
  const intervalMs = options.intervalMs ?? 400;
  let latest: StoredScorecard | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    latest = await api.getEntityScorecard(entityRef);
    if (
      !previous ||
      !latest ||
      latest.checkedAt !== previous.checkedAt ||
      latest.scorecard.evaluatedAt !== previous.scorecard.evaluatedAt
    ) {
      return latest;
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
  return latest;
}
