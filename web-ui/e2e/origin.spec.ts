// Data flow in the browser (issue 13): "where did this value come from" (the Origin panel) and
// "where did it go" (the Uses panel), on demo_bug recorded here by the real recorder and served by
// the real server. At the step after strcpy wrote "Jonathan"'s NUL into balance, balance's low
// byte comes from the string literal by strcpy in set_owner, its other bytes from deposit's add.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { watchConsole } from './console';
import { recordAndPack } from './traces';

const base = () => process.env.OMNI_URL!;
const ids = new Map<string, string>();

/** Uploads a recording through the API and waits for its index. */
async function traceOf(request: APIRequestContext, name: string): Promise<string> {
  if (ids.has(name)) return ids.get(name)!;
  const file = recordAndPack(name);
  const response = await request.post(base() + '/api/traces', {
    multipart: { file: { name: basename(file), mimeType: 'application/octet-stream', buffer: readFileSync(file) } },
  });
  expect(response.ok()).toBe(true);
  const id = (await response.json()).id as string;
  await expect
    .poll(async () => (await (await request.get(`${base()}/api/traces/${id}`)).json()).status, { timeout: 120_000 })
    .toBe('indexed');
  ids.set(name, id);
  return id;
}

async function api<T>(request: APIRequestContext, path: string): Promise<T> {
  const response = await request.get(base() + path);
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

/** The step just after strcpy wrote balance (the write the demo is about: the one outside demo_bug.c). */
async function afterStrcpy(request: APIRequestContext, id: string): Promise<number> {
  const page = await api<{ entries: { step: number; file: string | null }[] }>(request, `/api/traces/${id}/memory/history?symbol=balance`);
  return page.entries.find((e) => !e.file?.endsWith('demo_bug.c'))!.step + 1;
}

const nodes = (page: Page) => page.getByTestId('origin-node');
/** The tree's rows of one kind whose instruction or leaf text matches. */
const nodeWith = (page: Page, kind: string, detail: string | RegExp) =>
  page.locator(`[data-testid="origin-node"][data-kind="${kind}"]`).filter({ has: page.getByTestId('origin-detail').filter({ hasText: detail }) });

test('where did balance come from: strcpy in set_owner copied its low byte, deposit computed the others', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const id = await traceOf(request, 'demo_bug');
  const step = await afterStrcpy(request, id);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base()}/t/${id}/step/${step}`);
  await expect(page.getByTestId('variables-frame')).toContainText('#1 set_owner');

  // ask from the Variables panel: balance printed in set_owner's frame, then "origin" on its row
  await page.getByTestId('watch-input').fill('balance');
  await page.getByTestId('watch-input').press('Enter');
  const watched = page.locator('[data-testid="watch"][data-expr="balance"]');
  await expect(watched.getByTestId('var-value')).toHaveText('512');
  await watched.getByTestId('var-origin').click();
  await expect(page).toHaveURL(new RegExp(`[?&]origin=expr:balance&ostep=${step}&oframe=1(&|$)`));
  await expect(page.getByTestId('origin-question')).toHaveText('balance');

  // the root: balance's 4 bytes = 0x200, from two places
  const root = nodes(page).first();
  await expect(root).toHaveAttribute('data-kind', 'copy');
  await expect(root.getByTestId('origin-what')).toHaveText('balance (4 B) = 0x200');
  await expect(root.getByTestId('origin-detail')).toHaveText('its bytes come from 2 places');
  await expect(root.getByTestId('origin-step')).toHaveText(step.toLocaleString('en').replace(/,/g, '\u2009'));

  // the low byte: the string literal's NUL in the image's read-only data, copied by strcpy in set_owner
  const literal = nodeWith(page, 'initial', /^image: \.\.\.\/demo_bug read-only data \(file offset \d+\)$/).first();
  await expect(literal).toBeVisible();
  await expect(literal.getByTestId('origin-what')).toHaveText(/^0x[0-9a-f]+ \(1 B\) = 0x0$/);
  const viaStrcpy = page.getByTestId('origin-via').filter({ hasText: 'via strcpy in set_owner' });
  await expect(viaStrcpy).toHaveCount(1);
  await viaStrcpy.getByTestId('origin-toggle').click();
  const copy = page.getByTestId('origin-copy').filter({ has: page.getByTestId('origin-detail').filter({ hasText: 'strcpy in set_owner' }) });
  await expect(copy).toHaveCount(1);
  await expect(copy.getByTestId('origin-where')).toContainText('set_owner demo_bug.c:37');
  const copyStep = Number(await copy.getAttribute('data-step'));
  expect(copyStep).toBeLessThan(step);

  // the other three bytes: computed by deposit's add eax, edx (balance = balance + amount), with its inputs under it
  const add = nodeWith(page, 'compute', 'add eax, edx').first();
  await expect(add.getByTestId('origin-where')).toContainText('deposit demo_bug.c:43');
  await expect(add.getByTestId('origin-what')).toHaveText('rax bytes 1-3 = 0x2');
  await expect(add).toHaveAttribute('aria-expanded', 'true');
  // amount (40): the day table's entry in the image, copied 4 times on its way to eax
  const amount = nodeWith(page, 'initial', /day\+\d+ in read-only data/).first();
  await expect(amount.getByTestId('origin-what')).toHaveText(/^day\+\d+ \(4 B\) = 0x28$/);
  await expect(page.getByTestId('origin-via-text').filter({ hasText: /^copied 4 times: mov eax, dword ptr \[rbp - 4\] · / })).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('origin-1280x800.png') });

  // collapsing the add hides its inputs; opening it shows them again
  const before = await nodes(page).count();
  await add.getByTestId('origin-toggle').click();
  await expect(add).toHaveAttribute('aria-expanded', 'false');
  await expect.poll(() => nodes(page).count()).toBeLessThan(before);
  await add.getByTestId('origin-toggle').click();
  await expect.poll(() => nodes(page).count()).toBe(before);

  // a node is a link to its moment: the add in deposit; the question stays open there
  const addStep = await add.getAttribute('data-step');
  await add.getByTestId('origin-step').click();
  await expect(page.getByTestId('step')).toHaveValue(addStep!);
  await expect(page).toHaveURL(new RegExp(`/t/${id}/step/${addStep}\\?.*origin=expr:balance&ostep=${step}&oframe=1`));
  await expect(page.getByTestId('current-line')).toContainText('balance = balance + amount;');
  await expect(page.getByTestId('function')).toContainText('deposit');
  await expect(nodes(page).first().getByTestId('origin-what')).toHaveText('balance (4 B) = 0x200');
  await expect(nodeWith(page, 'compute', 'add eax, edx').first()).toHaveClass(/\bhere\b/);
  // back returns to the question's moment; a reload shows the same tree
  await page.goBack();
  await expect(page.getByTestId('step')).toHaveValue(String(step));
  await page.reload();
  await expect(nodes(page).first().getByTestId('origin-detail')).toHaveText('its bytes come from 2 places');
  await expect(page.getByTestId('origin-via').filter({ hasText: 'via strcpy in set_owner' })).toHaveCount(1);
  await page.setViewportSize({ width: 2560, height: 1440 });
  await page.screenshot({ path: test.info().outputPath('origin-2560x1440.png') });

  // deeper nodes whose inputs the answer left out load when opened (origin?node=): balance at the
  // end has a longer history of computations than the first answer goes into
  const history = await api<{ entries: { step: number }[] }>(request, `/api/traces/${id}/memory/history?symbol=balance`);
  const end = history.entries[history.entries.length - 1].step + 1;
  await page.goto(`${base()}/t/${id}/step/${end}?origin=expr:balance`);
  await expect(nodes(page).first()).toBeVisible();
  const lazy = page.locator('[data-testid="origin-node"][aria-expanded="false"]').filter({ has: page.locator('.count', { hasText: '(…)' }) });
  const closed = page.locator('[data-testid="origin-node"][aria-expanded="false"]');
  for (let i = 0; i < 30 && (await lazy.count()) === 0 && (await closed.count()) > 0; i++) {
    await closed.first().getByTestId('origin-toggle').click();
  }
  await expect(lazy.first()).toBeVisible();
  const shown = await nodes(page).count();
  const loads = page.waitForResponse((r) => r.url().includes('/origin?node=') && r.ok());
  await lazy.first().getByTestId('origin-toggle').click();
  await loads;
  await expect.poll(() => nodes(page).count()).toBeGreaterThan(shown);
  await expect(page.getByTestId('origin-status').filter({ has: page.getByRole('alert') })).toHaveCount(0);

  expect(errors).toEqual([]);
});

test('where did it go: the uses of balance, each a moment, each produced place asked in turn', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const id = await traceOf(request, 'demo_bug');
  const step = await afterStrcpy(request, id);
  await page.setViewportSize({ width: 1280, height: 800 });
  // from the history: the strcpy write's row asks about the byte it wrote, just after it
  await page.goto(`${base()}/t/${id}/step/${step}?symbol=balance`);
  const write = page.locator(`[data-testid="history-entry"][data-step="${step - 1}"]`);
  await write.hover();
  await write.getByTestId('history-origin').click();
  await expect(page).toHaveURL(new RegExp(`origin=addr:0x[0-9a-f]+:1&ostep=${step}&otid=\\d+`));
  await expect(nodes(page).first()).toHaveAttribute('data-kind', 'initial');
  await expect(nodes(page).first().getByTestId('origin-detail')).toHaveText(/^image: \.\.\.\/demo_bug read-only data/);
  await expect(page.getByTestId('origin-via-text')).toHaveText(['via strcpy in set_owner']);

  // where did balance go: asked from the Origin panel of balance
  await page.goto(`${base()}/t/${id}/step/${step}?origin=expr:balance&ostep=${step}&oframe=1`);
  await page.getByTestId('origin-uses').click();
  await expect(page).toHaveURL(new RegExp(`uses=expr:balance&ustep=${step}&uframe=1`));
  await expect(page.getByTestId('uses-question')).toHaveText('balance');
  const uses = page.getByTestId('use');
  await expect(uses.first()).toBeVisible();
  // the next deposit reads it (balance = balance + amount) into edx, still 0x200
  const read = uses.filter({ has: page.getByTestId('use-instruction').filter({ hasText: /^copymov edx, dword ptr \[rip \+ 0x[0-9a-f]+\]$/ }) }).first();
  await expect(read.locator('.flow-where')).toContainText('deposit demo_bug.c:43');
  await expect(read.getByTestId('use-produced')).toHaveText(/^edx = 0x200/);
  const useStep = Number(await read.getAttribute('data-step'));
  expect(useStep).toBeGreaterThan(step);
  await expect(page.getByTestId('uses-range')).toHaveText(/^ \(\d[\d\u2009]* → \d[\d\u2009]*\)$/);

  // each use is a link to its moment
  await read.getByTestId('use-step').click();
  await expect(page.getByTestId('step')).toHaveValue(String(useStep));
  await expect(page.getByTestId('current-line')).toContainText('balance = balance + amount;');
  await expect(page.locator('[data-testid="use"].current')).toHaveAttribute('data-step', String(useStep));

  // the produced edx asked in turn: where it came from (balance, copied), and where it went (the add)
  await read.getByTestId('produced-origin').click();
  await expect(page).toHaveURL(/origin=node:r\.\d+\.\d+\.\d+\.\d+\.\d+/);
  await expect(nodes(page).first().getByTestId('origin-what')).toHaveText(/ = 0x200$/);
  await expect(page.getByTestId('origin-via-text').first()).toContainText('mov edx, dword ptr');
  await read.getByTestId('produced-uses').click();
  await expect(page).toHaveURL(/uses=node:r\./);
  await expect(page.getByTestId('use').getByTestId('use-instruction').first()).toHaveText('add eax, edx');
  await page.screenshot({ path: test.info().outputPath('uses-1280x800.png') });
  await page.setViewportSize({ width: 2560, height: 1440 });
  await page.screenshot({ path: test.info().outputPath('uses-2560x1440.png') });
  expect(errors).toEqual([]);
});

test('registers, memory and keys ask too; a bad question is an error in the panel', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const id = await traceOf(request, 'demo_bug');
  const step = await afterStrcpy(request, id);
  await page.goto(`${base()}/t/${id}/step/${step}?symbol=balance`);

  // a register: rdi, strcpy's destination, came from set_owner's lea or mov of owner's address
  await page.getByTestId('reg-rdi').getByTestId('reg-origin').click();
  await expect(page).toHaveURL(new RegExp(`origin=reg:rdi&ostep=${step}&otid=\\d+`));
  await expect(page.getByTestId('origin-question')).toHaveText('rdi');
  await expect(nodes(page).first()).toBeVisible();
  await expect(page.getByTestId('origin-tree').getByRole('alert')).toHaveCount(0);

  // the memory view's selection: balance's bytes (selected by its history) asked where they went
  await expect(page.locator('.byte.selected')).toHaveCount(4);
  await page.getByTestId('memory-uses').click();
  await expect(page).toHaveURL(new RegExp(`uses=addr:0x[0-9a-f]+:4&ustep=${step}`));
  await expect(page.getByTestId('use').first()).toBeVisible();

  // the keyboard: w asks about the selection at this moment
  await page.getByTestId('origin-close').click();
  await expect(page.getByTestId('panel-origin')).toHaveCount(0);
  await page.locator('body').press('w');
  await expect(page).toHaveURL(new RegExp(`origin=expr:balance&ostep=${step}&oframe=1`));
  await expect(nodes(page).first().getByTestId('origin-detail')).toHaveText('its bytes come from 2 places');
  // in the tree, arrows move between its rows (not through time), w asks about the focused node, W where it went
  await nodes(page).first().getByTestId('origin-what').click();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('[data-testid="origin-tree"] [data-row="1"]')).toBeFocused();
  await expect(page.getByTestId('step')).toHaveValue(String(step));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('[data-testid="origin-tree"] [data-row="3"]')).toBeFocused();
  const token = await page.locator('[data-testid="origin-tree"] [data-row="3"]').getAttribute('data-flow');
  expect(token).toMatch(/^origin=node:[rm]\./);
  await page.keyboard.press('Shift+W');
  await expect(page).toHaveURL(new RegExp(`uses=${token!.slice('origin='.length).replace(/\./g, '\\.')}`));
  await page.locator('[data-testid="origin-tree"] [data-row="3"]').focus();
  await page.keyboard.press('w');
  await expect(page).toHaveURL(new RegExp(`origin=${token!.slice('origin='.length).replace(/\./g, '\\.')}`));
  // Enter goes to the focused node's moment
  const first = nodes(page).first();
  const at = await first.getAttribute('data-step');
  await first.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('step')).toHaveValue(at!);

  // a question the server refuses: its problem's detail in the panel, the rest of the view works on
  await page.goto(`${base()}/t/${id}/step/${step}?origin=expr:no_such_variable&ostep=${step}`);
  await expect(page.getByTestId('panel-origin').getByTestId('error')).toContainText('no_such_variable');
  await expect(page.getByTestId('variables-frame')).toContainText('set_owner');
  await page.goto(`${base()}/t/${id}/step/${step}?uses=node:m.1.10.4.1`);
  await expect(page.getByTestId('panel-uses').getByTestId('error')).toBeVisible();
  // the browser logs the refused requests (400, 404); nothing else may fail
  expect(errors.filter((e) => !/status of 40[04]/.test(e))).toEqual([]);
});
