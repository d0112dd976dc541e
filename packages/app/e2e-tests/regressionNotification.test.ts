import fs from 'node:fs';
import path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAs } from './signIn';

/*
 * A regression reaches its owners: storefront-web (storefront team, Istio,
 * pilot in examples/README.md) passes `k8s.pod.hostnet` in the sample. The
 * test gives its Deployment `hostNetwork: true`, re-evaluates it from the tab
 * as Sofia Rossi (storefront team, so an owner), restores the manifest at once,
 * and follows the regression notification from the notifications page to
 * the tab, where the failing check is open, highlighted and focused. At the
 * end the service is re-evaluated with its own manifest, back to pilot, as
 * the other tests and `yarn check:sample-org` expect.
 */

const SERVICE = 'storefront-web';
const CHECK_ID = 'k8s.pod.hostnet';
const CHECK_TITLE = 'Pods do not use the host network';
const OWNER = 'Sofia Rossi';
const TAB = `/catalog/default/component/${SERVICE}/mesh-readiness`;
const MANIFEST = path.resolve(
  __dirname,
  '../../../examples/services',
  SERVICE,
  'k8s/deployment.yaml',
);
const POD_SPEC_LINE = `      serviceAccountName: ${SERVICE}\n`;

const original = fs.readFileSync(MANIFEST, 'utf8');

// Signing in twice, a refresh and the notifications page in the dev portal.
test.slow();

function restoreManifest() {
  if (fs.readFileSync(MANIFEST, 'utf8') !== original) {
    fs.writeFileSync(MANIFEST, original);
  }
}

/** Re-evaluates the service from its tab and waits for the phase shown. */
async function reEvaluate(page: Page, phaseTitle: string) {
  await page.getByRole('button', { name: 'Re-evaluate now' }).click();
  await expect(page.getByLabel(`Phase: ${phaseTitle}`).first()).toBeVisible();
}

test.afterAll(async ({ browser }) => {
  restoreManifest();
  // Back to the phase its sample reaches, for the other tests.
  const page = await browser.newPage();
  try {
    await signInAs(page, OWNER);
    await page.goto(TAB);
    await reEvaluate(page, 'Pilot');
  } finally {
    await page.close();
  }
});

test('a regression notifies the owning team, and its notification opens the failing check', async ({
  page,
}) => {
  expect(original).toContain(POD_SPEC_LINE);
  expect(original).not.toContain('hostNetwork');

  await signInAs(page, OWNER);
  await page.goto(TAB);
  await expect(page.getByLabel('Phase: Pilot').first()).toBeVisible();

  try {
    fs.writeFileSync(
      MANIFEST,
      original.replace(
        POD_SPEC_LINE,
        `${POD_SPEC_LINE}      hostNetwork: true\n`,
      ),
    );
    // A pilot check fails: the service drops out of pilot.
    await reEvaluate(page, 'Not started');
    await screenshot(page, 'regression-tab-after-refresh');

    await page.goto('/notifications');
    const notification = page.getByRole('link', {
      name: `Storefront web now fails "${CHECK_TITLE}"`,
    });
    // The notification is sent after the scorecard is stored.
    await expect(async () => {
      await page.reload();
      await expect(notification).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 60_000 });
    await expectNoErrorPanel(page);
    await screenshot(page, 'regression-notification');

    await notification.click();
    await expect(page).toHaveURL(
      `${TAB}?check=${encodeURIComponent(CHECK_ID)}`,
    );
    const summary = page.locator(`[id="check-${CHECK_ID}-summary"]`);
    await expect(summary).toBeVisible();
    await expect(summary).toContainText('Fail');
    await expect(summary).toHaveAttribute('aria-expanded', 'true');
    await expect(summary).toBeFocused();
    await expect(
      page.locator('[aria-current="true"]').filter({ has: summary }),
    ).toBeVisible();
    await expect(page.getByText('Pilot: checks')).toBeVisible();
    await expect(summary).toBeInViewport();
    await expectNoErrorPanel(page);
    await screenshot(page, 'regression-notification-failing-check');
  } finally {
    // Until here the manifest stays worse, so that a scheduled evaluation
    // in between finds nothing changed and keeps the regression shown.
    restoreManifest();
  }
});
