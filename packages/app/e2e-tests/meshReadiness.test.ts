import { expect, test } from '@playwright/test';
import {
  expectNoErrorPanel,
  screenshot,
  signInAs,
  signInAsGuest,
} from './signIn';

/*
 * Mesh Readiness in the running portal with the sample organisation
 * (examples/README.md lists each sample service and the phase its
 * manifests and seeded attestations were written to reach).
 */

test('a service page shows the scorecard with the phase its sample reaches', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/payments-service');
  const card = page
    .locator('article, .MuiCard-root')
    .filter({ hasText: 'Mesh readiness' })
    .first();
  await expect(card.getByLabel('Phase: Sustain')).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'service-overview-card');

  await page.goto('/catalog/default/component/payments-service/mesh-readiness');
  await expect(page.getByLabel('Phase: Sustain').first()).toBeVisible();
  await expect(page.getByText('k8s.availability').first()).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'service-scorecard-tab');
});

test('attesting the last checklist item moves a service to its next phase', async ({
  page,
}) => {
  // The item is attested by the platform role: Priya is in platform-team.
  await signInAs(page, 'Priya Raman');
  await page.goto('/catalog/default/component/fraud-scoring/mesh-readiness');
  await expect(page.getByLabel('Phase: Expand').first()).toBeVisible();
  await screenshot(page, 'attest-before');

  await page
    .getByRole('button', {
      name: 'Attest Change-window approval for enforcement',
    })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  // The item allows one role (platform), which the dialog preselects.
  await expect(dialog.getByRole('button', { name: 'platform' })).toBeVisible();
  await dialog
    .getByLabel('Evidence link')
    .fill('https://change.example.com/CHG-2041');
  await dialog
    .getByLabel('Comment')
    .fill('Approved for the Tuesday change window.');
  await screenshot(page, 'attest-dialog');
  await dialog.getByRole('button', { name: 'Attest', exact: true }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByLabel('Phase: Enforce').first()).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'attest-after');
});

test('the group page shows the team and its services', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/group/payments-team');
  const services = page.getByRole('table', { name: 'Team services' });
  await expect(services).toBeVisible();
  for (const service of [
    'Payments service',
    'Payments ledger',
    'Fraud scoring',
  ]) {
    await expect(services.getByRole('link', { name: service })).toBeVisible();
  }
  await expect(page.getByRole('link', { name: 'Amara Okafor' })).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'group-card');
});

test('the Mesh Readiness page shows the sample teams', async ({ page }) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Mesh Readiness' }).first().click();
  await expect(page).toHaveURL(/\/mesh-readiness/);
  const teams = page.getByRole('table', { name: 'Teams' });
  for (const team of [
    'Payments team',
    'Storefront team',
    'Identity team',
    'Data team',
  ]) {
    await expect(teams.getByRole('link', { name: team })).toBeVisible();
  }
  await expect(page.getByText(/Sustain: 1/).first()).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'mesh-readiness-page');

  await page.getByRole('tab', { name: 'Library' }).click();
  await expect(page.getByText('k8s.availability').first()).toBeVisible();
  await screenshot(page, 'mesh-readiness-library');
});
