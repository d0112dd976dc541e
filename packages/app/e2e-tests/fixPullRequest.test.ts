import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signInAsGuest } from './signIn';

/*
 * A shipped Scaffolder template opened the way the check's fix link opens
 * it (`?formData=` with the service and the findings' namespace and
 * workload), run for product-catalog — whose sec.mtls.strict fails — in
 * the sample portal, which has no Git host: the task shows the change to
 * the service's repository as a diff, and nothing of the sample changes.
 */
const SERVICE = 'product-catalog';
const NEW_FILE = `examples/services/${SERVICE}/k8s/peerauthentication.yaml`;

test('a template opened prefilled previews the pull request diff for a failing check', async ({
  page,
}) => {
  await signInAsGuest(page);
  const formData = {
    entityRef: `component:default/${SERVICE}`,
    namespace: SERVICE,
    workload: SERVICE,
  };
  await page.goto(
    `/create/templates/default/istio-peerauthentication-strict?formData=${encodeURIComponent(
      JSON.stringify(formData),
    )}`,
  );
  await expect(page.getByRole('textbox', { name: /^Namespace/ })).toHaveValue(
    SERVICE,
  );
  await expect(page.getByRole('textbox', { name: /^Workload/ })).toHaveValue(
    SERVICE,
  );
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Open a pull request')).toBeVisible();
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByText(`component:default/${SERVICE}`)).toBeVisible();
  await page.getByRole('button', { name: 'Create' }).click();

  await page.getByRole('button', { name: 'Pull request preview' }).click();
  const preview = page.getByText(
    'Creates k8s/peerauthentication.yaml (the source location is on no GitHub or GitLab host: apply the diff by hand)',
  );
  await expect(preview).toBeVisible({ timeout: 60_000 });
  const diff = page.locator('code').filter({ hasText: 'diff --git' });
  await expect(diff).toContainText('+++ b/k8s/peerauthentication.yaml');
  await expect(diff).toContainText('+kind: PeerAuthentication');
  await expect(diff).toContainText('+    mode: STRICT');
  await expectNoErrorPanel(page);
  await screenshot(page, 'fix-pull-request-preview');

  // The change stays in the task's workspace.
  expect(existsSync(NEW_FILE)).toBe(false);
});
