// The trace list (issue 14): repeated uploads of a program are told apart by what each row says,
// the program, its arguments, how it ended, its steps and processes, its size, when and its id.
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';
import { api, base, uploaded } from './uploads';

interface Row {
  id: string;
  arguments?: string[];
  exitStatus?: string | null;
  processCount?: number | null;
  instructions?: number | null;
}

test('each row says what ran, how it ended and how big it is; repeated uploads differ by time and id', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const first = await uploaded(request, 'demo_bug');
  const second = await uploaded(request, 'demo_bug', true);
  const hello = await uploaded(request, 'hello_dynamic', false, 'two words', '-v');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base()}/`);
  const row = (id: string) => page.locator(`[data-testid="trace-row"][data-id="${id}"]`);
  for (const id of [first, second, hello]) await expect(row(id)).toBeVisible();

  await expect(row(first).getByTestId('trace-program')).toHaveText('demo_bug');
  await expect(row(first).getByTestId('trace-args')).toHaveText('');
  await expect(row(first).getByTestId('trace-id')).toHaveText(first.slice(0, 8));
  await expect(row(second).getByTestId('trace-id')).toHaveText(second.slice(0, 8));
  await expect(row(first).getByTestId('trace-id')).toHaveAttribute('title', first);
  await expect(row(first).getByTestId('trace-size')).toHaveText(/^\d+(\.\d)? (KiB|MiB)$/);
  await expect(row(first).getByTestId('trace-uploaded')).toHaveText(/^today \d\d:\d\d:\d\d$/);
  await expect(row(hello).getByTestId('trace-program')).toHaveText('hello_dynamic');

  // what servers with issue 14's fields say: arguments as a shell takes them, the exit, steps, processes
  const { traces } = await api<{ traces: Row[] }>(request, '/api/traces?limit=200');
  const doc = traces.find((t) => t.id === hello)!;
  await expect(row(hello).getByTestId('trace-args')).toHaveText("'two words' -v");
  if (doc.arguments !== undefined) {
    await expect(row(hello).getByTestId('trace-exit')).toHaveText('3');
    await expect(row(first).getByTestId('trace-exit')).toHaveText('0');
    await expect(row(hello).getByTestId('trace-processes')).toHaveText('1');
    await expect(row(hello).getByTestId('trace-steps')).toHaveText(doc.instructions!.toLocaleString('en').replace(/,/g, '\u2009'));
  } else {
    await expect(row(hello).getByTestId('trace-exit')).toHaveText('—');
  }
  await page.screenshot({ path: 'test-results/screenshots/list-rows.png' });
  expect(errors).toEqual([]);
});
