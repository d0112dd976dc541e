import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAsGuest } from './signIn';

/*
 * One wave-target rule (common's waveTargetOf) seen from the three places
 * that show it. product-catalog belongs to the storefront team, which both
 * waves of the sample istio-adoption program name: pilot-2027 (target
 * pilot) and enforce-2027 (target enforce). It is at Expand, so the first
 * wave by due date whose target it has not reached is enforce-2027 — the
 * entity page, the group card and the CLI must all say so.
 */

const SERVICE = 'product-catalog';
const CATALOG_FILE = `examples/services/${SERVICE}/catalog-info.yaml`;
const CLI = 'packages/cli/bin/mesh-readiness';

/** The wave target a WaveTargetText shows, from its data attributes. */
async function shownTarget(target: Locator) {
  await expect(target).toHaveAttribute('data-target-phase', /.+/);
  return {
    phase: await target.getAttribute('data-target-phase'),
    wave: await target.getAttribute('data-wave-id'),
  };
}

test.beforeAll(() => {
  // The CLI runs as users run it: its bundle, built from this checkout.
  execFileSync(process.execPath, ['packages/cli/scripts/build.mjs'], {
    stdio: 'inherit',
  });
});

test('the entity page, the group card and the CLI report the same wave target', async ({
  page,
}) => {
  await signInAsGuest(page);

  await page.goto(`/catalog/default/component/${SERVICE}/mesh-readiness`);
  await expect(page.getByLabel('Phase: Expand').first()).toBeVisible();
  const onEntityPage = await shownTarget(
    page.getByTestId('mesh-readiness-wave-target').first(),
  );
  await expectNoErrorPanel(page);
  await screenshot(page, 'wave-target-entity-page');

  // The CLI evaluates with what the portal counts (attestations, waivers,
  // callers): the entity page's export for CI.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export for CI' }).click();
  const ciFacts = join(
    mkdtempSync(join(tmpdir(), 'mesh-readiness-e2e-')),
    'ci-facts.json',
  );
  await (await download).saveAs(ciFacts);

  await page.goto('/catalog/default/group/storefront-team');
  const services = page.getByRole('table', { name: 'Team services' });
  const row = services
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: 'Product catalogue' }) });
  const onGroupCard = await shownTarget(
    row.getByTestId('mesh-readiness-wave-target'),
  );
  await expectNoErrorPanel(page);
  await screenshot(page, 'wave-target-group-card');

  const cli = spawnSync(
    process.execPath,
    [CLI, 'check', '--catalog', CATALOG_FILE, '--ci-facts', ciFacts],
    { encoding: 'utf8' },
  );
  // 0: target reached, 1: not reached; 2 would be bad input.
  expect([0, 1], cli.stderr).toContain(cli.status);
  const phaseLine =
    /^Phase: (.+); target: .+ \(wave ([^,]+), due ([\d-]+)\)/m.exec(cli.stdout);
  expect(phaseLine, cli.stdout).not.toBeNull();
  const [, cliPhaseTitle, cliWave] = phaseLine!;

  expect(cliPhaseTitle).toBe('Expand');
  expect(onEntityPage).toEqual({ phase: 'enforce', wave: 'enforce-2027' });
  expect(onGroupCard).toEqual(onEntityPage);
  expect(cliWave).toBe(onEntityPage.wave);
  expect(cli.stdout).toMatch(/target: Enforce \(wave enforce-2027,/);
});
