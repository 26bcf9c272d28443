import { expect, test } from '@playwright/test';
import { watchConsole } from './console';

const base = () => process.env.OMNI_URL!;

test('the app is served at / and reports a healthy server', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto(base() + '/');
  await expect(page.getByTestId('traces')).toBeVisible();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'up');
  await expect(page.getByTestId('status')).toContainText('database UP (embedded)');
  expect(errors).toEqual([]);
});

test('an unknown trace says so, and the route survives a reload', async ({ page }) => {
  await page.goto(base() + '/t/abc123/step/42?tid=7&addr=0x1000&len=8');
  await expect(page.getByTestId('error')).toBeVisible();
  await page.reload();
  expect(page.url()).toBe(base() + '/t/abc123/step/42?tid=7&addr=0x1000&len=8');
  await expect(page.getByTestId('error')).toBeVisible();
});

test('unknown API paths are JSON problems, not the app', async ({ request }) => {
  const response = await request.get(base() + '/api/no-such-endpoint');
  expect(response.status()).toBe(404);
  expect(response.headers()['content-type']).toContain('application/problem+json');
});

test('a file dropped on the list is uploaded; a refusal shows the server\'s reason', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto(base() + '/');
  const drop = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(['not a trace at all'], 'junk.omnitrace'));
    return data;
  });
  await page.getByTestId('traces').dispatchEvent('drop', { dataTransfer: drop });
  await expect(page.getByTestId('upload-error')).toContainText(/not .*trace/i);
  // the browser logs the refused request itself; nothing else may go wrong
  expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
});
