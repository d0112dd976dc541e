import { expect, Page, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAs } from './signIn';

/*
 * Roles are held, not claimed, in the running portal: the sample portal's
 * permission policy and the attestor roles let the owners of a service
 * attest its items and keep everyone else's attest buttons disabled, with
 * the reason. fraud-scoring is owned by payments-team (Jonas Weber's team);
 * Sofia Rossi is in storefront-team.
 */

const SLO_ITEM = /^(Re-attest|Attest) SLO with SLI queries and error budget$/;

async function openSustainChecklist(page: Page) {
  await page.goto('/catalog/default/component/fraud-scoring/mesh-readiness');
  await page.getByRole('button', { name: /^Sustain/ }).click();
  await expect(
    page.getByRole('heading', { name: 'Sustain: checklist' }),
  ).toBeVisible();
}

test('security: a non-owner sees attest disabled with the reason', async ({
  page,
}) => {
  await signInAs(page, 'Sofia Rossi');
  await openSustainChecklist(page);
  const attest = page.getByRole('button', { name: SLO_ITEM });
  await expect(attest).toBeDisabled();
  const item = page.getByRole('listitem').filter({ has: attest });
  await expect(item).toContainText(
    'You may not attest checklist items of this entity.',
  );
  await expect(item).toContainText(
    'role owner requires membership of group:default/payments-team (owner of component:default/fraud-scoring)',
  );
  await expectNoErrorPanel(page);
  await screenshot(page, 'attest-disabled-non-owner');
});

test('security: an owner attests an item of their own service', async ({
  page,
}) => {
  await signInAs(page, 'Jonas Weber');
  await openSustainChecklist(page);
  await page.getByRole('button', { name: SLO_ITEM }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  // Only the role Jonas holds is offered.
  await expect(dialog.getByRole('button', { name: 'owner' })).toBeVisible();
  await dialog
    .getByLabel('Evidence link')
    .fill('https://slo.shop.example/fraud-scoring');
  await dialog
    .getByLabel('Comment')
    .fill('Availability 99.9% over 28 days, burn-rate alerts wired.');
  await screenshot(page, 'attest-dialog-owner');
  await dialog.getByRole('button', { name: 'Attest', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByText(/Attested by user:default\/jonas-weber as owner/).first(),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'attest-owner-after');
});
