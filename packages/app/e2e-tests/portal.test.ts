import { expect, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAsGuest } from './signIn';

/*
 * Smoke test of the portal: guest sign-in, the catalog with the sample
 * organisation, and one sample service page.
 */
test('the catalog lists the sample organisation', async ({ page }) => {
  await signInAsGuest(page);
  // The sample portal mounts the catalog at the root.
  await page.goto('/?filters[kind]=component');
  await expect(
    page.getByRole('link', { name: 'Checkout service' }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Payments service' }),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'catalog');
});

test('a sample service page renders without errors', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout-service');
  await expect(
    page.getByRole('heading', { name: 'Checkout service' }).first(),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'service-page');
});
