import { expect, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAsGuest } from './signIn';

/*
 * Smoke test of the portal: guest sign-in, the catalog with the sample
 * organisation, and one sample service page.
 */
test('the catalog lists the sample organisation', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog?filters[kind]=component');
  await expect(page.getByRole('link', { name: 'checkout-api' })).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'payments-ledger' }),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'catalog');
});

test('a sample service page renders without errors', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout-api');
  await expect(
    page.getByRole('heading', { name: 'checkout-api' }).first(),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'service-page');
});
