import { expect, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAsGuest } from './signIn';

/*
 * Traffic evidence in the sample portal: the backend module
 * sampleClusterEvidence pushes the recorded Prometheus answers of
 * examples/clusters/<cluster>/prometheus with the cluster state, as
 * `mesh-readiness collect --prometheus` would. In prod-eu, product-catalog
 * is still called in plaintext by event-ingest (data team) and by clients
 * without identity; payments-service is fully on mTLS
 * (examples/clusters/README.md, "Recorded traffic").
 */

// Each waits for the pushed bundle's evaluation after start-up.
test.slow();

test('a service page shows its observed mTLS share and the plaintext callers STRICT would break', async ({
  page,
}) => {
  await signInAsGuest(page);
  const share = page.getByLabel('Observed mTLS share');
  // The bundle arrives shortly after start-up and triggers an evaluation:
  // reload until the scorecard carries the traffic.
  await expect(async () => {
    await page.goto(
      '/catalog/default/component/product-catalog/mesh-readiness',
    );
    await expect(share).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 300_000 });

  // The recording's figures: 230,000 of 233,000 requests over mTLS.
  await expect(share).toContainText('Inbound over mTLS in the last 7 days');
  await expect(share).toContainText('of 233,000 requests');
  await expect(
    page.getByRole('heading', {
      name: 'Switching to STRICT now would break these callers',
    }),
  ).toBeVisible();
  const callers = page.getByRole('table', { name: 'Plaintext callers' });
  const eventIngest = callers
    .getByRole('row')
    .filter({ hasText: 'event-ingest' });
  await expect(eventIngest).toContainText('2,400 requests');
  // The caller is a catalog entity of another team: linked, with its owner.
  await expect(
    eventIngest.locator('a[href$="/catalog/default/component/event-ingest"]'),
  ).toBeVisible();
  await expect(eventIngest).toContainText('Data team');
  await expect(
    callers.getByRole('row').filter({
      hasText: 'Clients outside the mesh (no identity)',
    }),
  ).toContainText('600 requests');
  await expectNoErrorPanel(page);
  await screenshot(page, 'traffic-evidence-plaintext-callers');

  // sec.mtls.observed is evaluated (not not-evaluated) and fails on them.
  const observed = page.locator('[id="check-sec.mtls.observed-summary"]');
  await expect(observed).toContainText('Fail');
});

test('a service fully on mTLS shows its share and no caller to break', async ({
  page,
}) => {
  await signInAsGuest(page);
  const share = page.getByLabel('Observed mTLS share');
  await expect(async () => {
    await page.goto(
      '/catalog/default/component/payments-service/mesh-readiness',
    );
    await expect(share).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 300_000 });
  await expect(share).toContainText('100 % of 160,000 requests');
  await expect(
    page.getByText(
      'No caller sent plaintext in the last 7 days: switching to STRICT would break none of the observed callers.',
    ),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'traffic-evidence-full-mtls');
});
