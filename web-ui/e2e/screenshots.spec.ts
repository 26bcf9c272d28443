// Pictures of the trace view and the trace list at a laptop's and a large monitor's size, kept as
// test artefacts (test-results/screenshots/) to judge the layout by looking at it.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { base, demoMoment, uploaded } from './uploads';

const SIZES = [
  { width: 1280, height: 800 },
  { width: 2560, height: 1440 },
];
const shot = (name: string) => `test-results/screenshots/${name}.png`;

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  test(`the trace view and the list at ${tag}`, async ({ page, request }) => {
    test.setTimeout(180_000);
    const errors = watchConsole(page);
    await page.setViewportSize(size);
    const id = await uploaded(request, 'demo_bug');
    await uploaded(request, 'demo_bug', true); // a second upload of the same program: the list tells them apart
    const step = await demoMoment(request, id);
    await page.goto(`${base()}/t/${id}/step/${step}?symbol=balance`);
    await expect(page.getByTestId('current-line')).toContainText('strcpy(owner, name);');
    await expect(page.getByTestId('history-entry').first()).toBeVisible();
    await page.getByTestId('reveal-call').click();
    await expect(page.locator('[data-testid="call"].inside').filter({ hasText: 'set_owner' })).toBeVisible();
    await expect(page.getByTestId('var').first()).toBeVisible();
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot(`trace-${tag}`) });
    // a notice over the panels, the registers all shown, a member expanded
    await page.getByTestId('registers-all').click();
    await page.locator('[data-testid="frame"][data-index="2"]').getByTestId('frame-select').click();
    await page.locator('[data-testid="var"][data-name="t"]').getByTestId('var-expand').click();
    await expect(page.locator('[data-testid="var"][data-expr="t->name"]')).toBeVisible();
    await page.keyboard.press('u');
    await expect(page.getByTestId('notice')).toBeVisible();
    await page.waitForTimeout(300);
    await page.screenshot({ path: shot(`trace-notice-${tag}`) });
    await page.getByTestId('registers-all').click();

    await page.goto(`${base()}/t/${id}/step/99999999`);
    await expect(page.getByTestId('outside')).toBeVisible();
    await page.screenshot({ path: shot(`outside-${tag}`) });

    await page.goto(`${base()}/`);
    await expect(page.getByTestId('trace-row').first()).toBeVisible();
    await page.screenshot({ path: shot(`list-${tag}`) });
    expect(errors).toEqual([]);
  });
}
