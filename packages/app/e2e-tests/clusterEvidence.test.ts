import { expect, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAsGuest } from './signIn';

/*
 * Cluster evidence in the sample portal: the backend module
 * sampleClusterEvidence pushes the recorded cluster state of
 * examples/clusters through the push endpoint at start-up, as a collector
 * CronJob would. In prod-eu, cart-service runs one pod that started before
 * its namespace was labelled for injection (examples/clusters/README.md).
 */

const SERVICE = 'cart-service';
const POD_WITHOUT_PROXY = 'cart-service-9nlr4pjccg-9zsgk';
const POD_WITH_PROXY = 'cart-service-9nlr4pjccg-6bq2v';

// The evidence arrives after start-up; the first page of a fresh dev server
// may also take minutes to compile on a busy machine.
test.setTimeout(480_000);

test('a service page shows k8s.inject.present failing on the pod without a proxy, and when the cluster was observed', async ({
  page,
}) => {
  await signInAsGuest(page);
  const summary = page.locator('[id="check-k8s.inject.present-summary"]');
  const details = page.locator('[id="check-k8s.inject.present-details"]');
  // The bundle arrives shortly after start-up and triggers an evaluation,
  // which scores the catalog's entities once they are in: reload until the
  // scorecard carries it.
  await expect(async () => {
    await page.goto(`/catalog/default/component/${SERVICE}/mesh-readiness`);
    await expect(summary.getByText('Fail', { exact: true })).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 360_000 });

  // The failing check is open: its finding names cluster, namespace and pod.
  await expect(details).toBeVisible();
  const finding = details
    .getByRole('listitem')
    .filter({ hasText: POD_WITHOUT_PROXY });
  await expect(finding).toContainText(
    `cluster prod-eu: pod ${SERVICE}/${POD_WITHOUT_PROXY}`,
  );
  await expect(finding).toContainText('is not in the mesh');
  // Its injected sibling passes.
  await expect(
    details.getByRole('listitem').filter({ hasText: POD_WITH_PROXY }),
  ).toContainText('istio-proxy');

  // The cluster source with its observation time, a moment ago.
  const sources = page.getByRole('list', { name: 'Evidence sources' }).first();
  const cluster = sources
    .getByRole('listitem')
    .filter({ hasText: 'Cluster evidence' });
  await expect(cluster).toContainText(
    'Cluster evidence from prod-eu (pushed), observed',
  );
  const observedAt = await cluster.locator('time').getAttribute('datetime');
  expect(observedAt).not.toBeNull();
  const age = Date.now() - Date.parse(observedAt!);
  expect(age).toBeGreaterThanOrEqual(-60_000);
  expect(age).toBeLessThan(60 * 60_000);
  await expectNoErrorPanel(page);
  await screenshot(page, 'cluster-evidence-inject-present');

  // The overview card names the source too.
  await page.goto(`/catalog/default/component/${SERVICE}`);
  const card = page
    .locator('article, .MuiCard-root')
    .filter({ hasText: 'Mesh readiness' })
    .first();
  await expect(
    card.getByRole('list', { name: 'Evidence sources' }),
  ).toContainText('Cluster evidence from prod-eu (pushed)');
  await screenshot(page, 'cluster-evidence-card');
});
