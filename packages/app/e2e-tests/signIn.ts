import { expect, Page } from '@playwright/test';

export const SCREENSHOT_DIR = 'artifacts/screenshots';

/** Signs in through the guest provider's "Enter" button. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  // The sidebar's Catalog link appears once the app has signed in.
  await expect(
    page.getByRole('link', { name: 'Catalog', exact: true }).first(),
  ).toBeVisible();
}

/**
 * Signs in as a person of the sample organisation through the sample
 * portal's development-only `sample-user` provider (README, "Security").
 */
export async function signInAs(page: Page, displayName: string) {
  await page.goto('/');
  const button = page.getByRole('button', {
    name: `Sign in as ${displayName}`,
  });
  await expect(button).toBeVisible();
  await button.click();
  await expect(
    page.getByRole('link', { name: 'Catalog', exact: true }).first(),
  ).toBeVisible();
}

/**
 * Fails when the page shows one of Backstage's error panels or a crashed
 * extension instead of content.
 */
export async function expectNoErrorPanel(page: Page) {
  const errorTexts = [
    /Error: /,
    /Something went wrong/i,
    /Could not load/i,
    /Failed to load/i,
    /is not available/i,
    /NotFoundError/,
  ];
  const body = await page.locator('main, body').first().innerText();
  for (const text of errorTexts) {
    expect(body, `page shows an error (${text})`).not.toMatch(text);
  }
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({
    path: `${SCREENSHOT_DIR}/${name}.png`,
    fullPage: true,
  });
}
