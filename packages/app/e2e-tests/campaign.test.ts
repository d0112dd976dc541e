import { expect, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAsGuest } from './signIn';

/*
 * The campaign view of the sample's enforcement wave (istio-adoption's
 * enforce-2027: the payments, storefront and identity teams to reach
 * Enforce by the end of September 2027), opened from the Overview's wave
 * list as a user would. product-catalog (storefront team) is at Expand, so
 * it is among the services behind, linked to its Mesh readiness tab.
 */

test("a wave's title on the Overview opens its campaign: burn-up, days left, services behind and owners", async ({
  page,
}) => {
  await signInAsGuest(page);

  await page.goto('/mesh-readiness');
  // The title (the wave's counts link to the filtered services list).
  await page
    .getByRole('link', { name: 'Istio enforcement wave', exact: true })
    .click();
  await expect(page).toHaveURL(
    /\/mesh-readiness\/campaigns\/istio-adoption\/enforce-2027$/,
  );
  await expect(
    page.getByRole('heading', { name: 'Campaign: Istio enforcement wave' }),
  ).toBeVisible();
  await expect(page.getByLabel('Days left')).toHaveText(
    /^\d+ days? left$|^due today$|^\d+ days? overdue$/,
  );

  // The burn-up chart draws its lines and marks the due date.
  await expect(
    page.getByText(/services at Enforce or beyond today/),
  ).toBeVisible();
  const chart = page.locator('.recharts-surface').first();
  await expect(chart).toBeVisible();
  await expect(chart.locator('.recharts-line-curve')).toHaveCount(3);
  for (const legend of ['In scope', 'At Enforce', 'Ideal']) {
    await expect(
      page.locator('.recharts-legend-item-text', { hasText: legend }),
    ).toBeVisible();
  }
  await expect(chart.getByText(/^Due /)).toBeVisible();

  const behind = page.getByRole('table', { name: 'Services behind' });
  const row = behind
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: 'Product catalogue' }) });
  await expect(row.getByLabel('Phase: Expand')).toBeVisible();
  await expect(
    row.getByRole('link', { name: 'Product catalogue' }),
  ).toHaveAttribute(
    'href',
    '/catalog/default/component/product-catalog/mesh-readiness',
  );

  const owners = page.getByRole('table', { name: 'Owners' });
  await expect(
    owners.locator('a[href="/catalog/default/group/storefront-team"]'),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'campaign-enforce-2027');

  // From the services behind to the service's scorecard.
  await row.getByRole('link', { name: 'Product catalogue' }).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/product-catalog\/mesh-readiness$/,
  );
  await expect(page.getByLabel('Phase: Expand').first()).toBeVisible();
});
