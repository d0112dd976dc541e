import { expect, test, type Page } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAsGuest } from './signIn';

/*
 * Drill-down from the aggregates to the services behind them, in the
 * running portal with the sample organisation (examples/README.md lists
 * each sample service's phase and System). Counts are read from the page
 * rather than written here: other tests of the same portal attest items
 * and move services between phases.
 */

// The portal is started from source and shared with the other tests: first
// page loads wait for its bundle, and the sample is scored a little after
// the backend starts.
test.setTimeout(600_000);

/** Reloads `path` until `ready` passes: the first evaluation has run. */
async function openWhenEvaluated(
  page: Page,
  path: string,
  ready: () => Promise<void>,
) {
  await expect(async () => {
    await page.goto(path);
    await ready();
  }).toPass({ timeout: 300_000, intervals: [5_000] });
}

/** The rows of the Services view's table, one per service. */
function serviceRows(page: Page) {
  return (
    page
      .getByRole('table', { name: 'Services' })
      .getByRole('row')
      // The header row has no phase badge.
      .filter({ has: page.getByLabel(/^Phase: /) })
  );
}

/** The number of services an accessible name like "Expand: 3 services" says. */
function countOf(name: string | null): number {
  const match = /: (\d+) services?$/.exec(name ?? '');
  expect(match, `a count in "${name}"`).not.toBeNull();
  return Number(match![1]);
}

test('a phase bar of the funnel opens exactly the services in that phase', async ({
  page,
}) => {
  await signInAsGuest(page);
  const bar = page.getByRole('link', { name: /^Expand: \d+ services?$/ });
  let count = 0;
  await openWhenEvaluated(page, '/mesh-readiness', async () => {
    await expect(bar).toBeVisible({ timeout: 30_000 });
    count = countOf(await bar.getAttribute('aria-label'));
    expect(count).toBeGreaterThan(0);
  });
  await expectNoErrorPanel(page);
  await screenshot(page, 'drill-down-funnel');

  await bar.click();
  await expect(page).toHaveURL(/\/mesh-readiness\/services\?phase=expand$/);
  await expect(
    page.getByText(new RegExp(`^${count} services? in Expand$`)),
  ).toBeVisible();
  const rows = serviceRows(page);
  await expect(rows).toHaveCount(count);
  await expect(rows.getByLabel(/^Phase: /)).toHaveCount(count);
  for (const badge of await rows.getByLabel(/^Phase: /).all()) {
    await expect(badge).toHaveAttribute('aria-label', 'Phase: Expand');
  }
  // The filter is also the control's value, so it can be changed from here.
  await expect(
    page.getByRole('button', { name: /^Phase Expand$/ }),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'drill-down-services-in-phase');

  // Each row opens the service's Mesh readiness tab.
  await rows.first().getByRole('link').first().click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/[^/]+\/mesh-readiness$/,
  );
  await expect(page.getByLabel('Phase: Expand').first()).toBeVisible();
});

test('the System page of a sample system shows its rollup, which drills down to its services', async ({
  page,
}) => {
  await signInAsGuest(page);
  const services = page.getByRole('table', { name: 'System services' });
  await openWhenEvaluated(page, '/catalog/default/system/payments', () =>
    expect(services).toBeVisible({ timeout: 30_000 }),
  );
  for (const service of [
    'Payments service',
    'Payments ledger',
    'Fraud scoring',
  ]) {
    await expect(services.getByRole('link', { name: service })).toBeVisible();
  }
  await expect(page.getByText(/^3 services in this system/)).toBeVisible();
  const distribution = page.getByRole('list', { name: 'Phase distribution' });
  await expect(distribution).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'drill-down-system-card');

  const sustain = distribution.getByRole('link', {
    name: /^Sustain: \d+ services?$/,
  });
  const count = countOf(await sustain.getAttribute('aria-label'));
  await sustain.click();
  await expect(page).toHaveURL(
    /\/mesh-readiness\/services\?phase=sustain&system=system%3Adefault%2Fpayments$/,
  );
  const rows = serviceRows(page);
  await expect(rows).toHaveCount(count);
  await expect(
    rows.getByRole('link', { name: 'Payments service' }),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'drill-down-system-services');
});

test('the Domain page of a sample domain shows the rollup of its systems', async ({
  page,
}) => {
  await signInAsGuest(page);
  const services = page.getByRole('table', { name: 'Domain services' });
  await openWhenEvaluated(page, '/catalog/default/domain/commerce', () =>
    expect(services).toBeVisible({ timeout: 30_000 }),
  );
  await expect(
    services.getByRole('link', { name: 'Payments service' }),
  ).toBeVisible();
  await expect(
    page.getByText(/services in this domain \(\d+ systems\)/),
  ).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'drill-down-domain-card');
});

test("a phase count of a Group's card opens the services it counts, its child teams' included", async ({
  page,
}) => {
  await signInAsGuest(page);
  // The organisation's card counts its child teams' services: the list
  // holds them only with the child groups.
  const distribution = page.getByRole('list', { name: 'Phase distribution' });
  const chip = distribution.getByRole('link', {
    name: /^Expand: \d+ services?$/,
  });
  let count = 0;
  await openWhenEvaluated(
    page,
    '/catalog/default/group/engineering',
    async () => {
      await expect(chip).toBeVisible({ timeout: 30_000 });
      count = countOf(await chip.getAttribute('aria-label'));
      expect(count).toBeGreaterThan(0);
    },
  );
  await expectNoErrorPanel(page);
  await screenshot(page, 'drill-down-group-card');

  await chip.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(
    /\/mesh-readiness\/services\?phase=expand&owner=group%3Adefault%2Fengineering&includeChildGroups=true$/,
  );
  await expect(
    page.getByText(
      new RegExp(
        `^${count} services? in Expand, owned by engineering or its child groups$`,
      ),
    ),
  ).toBeVisible();
  const rows = serviceRows(page);
  await expect(rows).toHaveCount(count);
  await expect(
    page.getByRole('checkbox', { name: 'Include child groups' }),
  ).toBeChecked();
  await expectNoErrorPanel(page);
  await screenshot(page, 'drill-down-group-services');
});
