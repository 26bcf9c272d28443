// The whole path through the UI: upload a recording made here, watch it index, open a moment link
// with ?symbol=, check the history against gdb, follow an entry, step, reload, bookmark.
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './console';
import { gdbWatch, recordAndPack, signedLittleEndian } from './traces';

const base = () => process.env.OMNI_URL!;

const ids = new Map<string, string>();

/** Uploads a packed recording through the page (the file picker) and waits until the list shows it indexed. */
async function uploadThroughUi(page: Page, name: string): Promise<string> {
  const file = recordAndPack(name);
  await page.goto(base() + '/');
  await expect(page.getByTestId('traces')).toHaveAttribute('data-loading', 'false');
  const before = await page.getByTestId('trace-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  await page.getByTestId('upload-input').setInputFiles(file);
  let id = '';
  await expect
    .poll(async () => {
      const now = await page.getByTestId('trace-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')!));
      id = now.find((x) => !before.includes(x)) ?? '';
      return id;
    }, { timeout: 30_000 })
    .not.toBe('');
  const row = page.locator(`[data-testid="trace-row"][data-id="${id}"]`);
  await expect(row).toContainText(name);
  // indexing progress arrives over server-sent events; the row turns indexed without a reload
  await expect(row).toHaveAttribute('data-status', 'indexed', { timeout: 120_000 });
  return id;
}

async function traceOf(page: Page, name: string): Promise<string> {
  if (!ids.has(name)) ids.set(name, await uploadThroughUi(page, name));
  return ids.get(name)!;
}

/** The history's entries as shown (the list is short enough to be rendered whole). */
async function historyShown(page: Page) {
  const list = page.getByTestId('history-list');
  await expect(page.getByTestId('history-count')).not.toContainText('+', { timeout: 30_000 });
  const count = Number(await list.getAttribute('data-count'));
  const entries = list.getByTestId('history-entry');
  await expect(entries).toHaveCount(count);
  return entries.evaluateAll((rows) =>
    rows.map((r) => ({
      step: r.getAttribute('data-step')!,
      after: r.querySelector('[data-testid="history-value"]')!.getAttribute('title')!,
      decimal: r.querySelector('[data-testid="history-decimal"]')?.textContent ?? null,
    })),
  );
}

/** gdb reports changes only: the values of the entries that changed the value, in order. */
function changes(entries: { after: string }[], initial?: string): string[] {
  const values: string[] = [];
  let last = initial;
  for (const e of entries) {
    const v = signedLittleEndian(e.after);
    if (v !== last) values.push(v);
    last = v;
  }
  return values;
}

for (const [program, variable] of [
  ['counter', 'counter'],
  ['demo_bug', 'balance'],
] as const) {
  test(`the history of ${program}'s ${variable} is every change gdb sees`, async ({ page }) => {
    test.setTimeout(180_000);
    const errors = watchConsole(page);
    const expected = gdbWatch(program, variable);
    const id = await traceOf(page, program);
    await page.goto(`${base()}/t/${id}/step/0?symbol=${variable}`);
    await expect(page.getByTestId('history-selection')).toHaveText(variable);
    const entries = await historyShown(page);
    expect(changes(entries, '0')).toEqual(expected);
    // 4-byte and 8-byte values show their unsigned decimal too
    for (const e of entries) expect(e.decimal).toBe(BigInt.asUintN(e.after.length * 4, BigInt(signedLittleEndian(e.after))).toString());
    await page.screenshot({ path: test.info().outputPath(`${program}-history.png`) });
    expect(errors).toEqual([]);
  });
}

test('an entry leads to its moment; [ and ] walk the writes; a reload keeps it all', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const id = await traceOf(page, 'counter');
  await page.goto(`${base()}/t/${id}/step/0?symbol=counter`);
  const entries = await historyShown(page);
  expect(entries.length).toBe(10);

  await page.getByTestId('history-entry').nth(2).getByTestId('history-step').click();
  const third = entries[2].step;
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${third}?symbol=counter`);
  await expect(page.getByTestId('step')).toHaveValue(third);
  await expect(page.getByTestId('location')).toHaveText('testprogs/counter.c:15');
  await expect(page.getByTestId('current-line')).toContainText('counter++');
  await expect(page.getByTestId('function')).toContainText('bump');
  await expect(page.locator('[data-testid="history-entry"].current')).toHaveAttribute('data-step', third);

  await page.keyboard.press(']');
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${entries[3].step}?symbol=counter`);
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${entries[1].step}?symbol=counter`);
  await page.goBack();
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${third}?symbol=counter`);

  // memory at the step: the selected variable's bytes hold the value before this write
  await expect(page.locator('.byte.selected')).toHaveCount(8);
  // the call tree opens down to the call the moment is in
  await page.getByTestId('reveal-call').click();
  await expect(page.locator('[data-testid="call"].inside').last()).toContainText('bump');
  // registers: the instruction before changed rip at least
  await expect(page.getByTestId('reg-rip')).toHaveAttribute('data-changed', 'true');

  await page.reload();
  await expect(page.getByTestId('step')).toHaveValue(third);
  await expect(page.getByTestId('history-selection')).toHaveText('counter');
  await expect(page.locator('[data-testid="history-entry"].current')).toHaveAttribute('data-step', third);
  await expect(page.getByTestId('current-line')).toContainText('counter++');

  await page.keyboard.press('?');
  await expect(page.getByTestId('help')).toContainText('next write of the selected value');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('moment.png') });
  expect(errors).toEqual([]);
});

test('the panels of a moment: timeline, disassembly, stack, symbols, memory selection; nothing from elsewhere', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const foreign: string[] = [];
  page.on('request', (r) => new URL(r.url()).origin !== new URL(base()).origin && foreign.push(r.url()));
  const id = await traceOf(page, 'counter');
  await page.goto(`${base()}/t/${id}/step/0`);
  await expect(page.getByTestId('function')).not.toHaveText('');

  // the timeline: a click in its middle goes to the middle of the run
  const canvas = page.getByTestId('timeline-canvas');
  const box = (await canvas.boundingBox())!;
  await canvas.click({ position: { x: box.width / 2, y: 4 } });
  await expect(page).toHaveURL(/\/step\/\d+$/);
  const total = Number((await page.getByTestId('now').innerText()).match(/\/\s*([\d\u2009 ]+)/)![1].replace(/\D/g, ''));
  const middle = Number(await page.getByTestId('step').inputValue());
  expect(Math.abs(middle - total / 2)).toBeLessThan(total / 50);
  await expect(page.locator('[data-testid="disassembly"] .current')).toHaveCount(1);
  await expect(page.getByTestId('frame').first()).toBeVisible();

  // symbols: a variable opens its history
  await page.getByTestId('symbol-search').fill('coun');
  await page.getByTestId('symbol').filter({ hasText: 'counter' }).first().click();
  await expect(page).toHaveURL(new RegExp(`/t/${id}/step/${middle}\\?symbol=counter$`));
  await expect(page.getByTestId('history-selection')).toHaveText('counter');

  // memory: a byte, then shift-click another, select a range and open its history
  const first = page.locator('.byte.selected').first();
  const addr = BigInt((await first.getAttribute('data-addr'))!);
  await first.click();
  await page.locator(`.byte[data-addr="0x${(addr + 7n).toString(16)}"]`).click({ modifiers: ['Shift'] });
  await expect(page).toHaveURL(new RegExp(`\\?addr=0x${addr.toString(16)}&len=8$`));
  await expect(page.getByTestId('history-selection')).toContainText(`0x${addr.toString(16)} (8 bytes)`);
  await expect(page.getByTestId('history-count')).toHaveText('10 writes');

  // a panel closed stays closed across a reload
  await page.getByTestId('toggle-registers').uncheck();
  await expect(page.getByTestId('panel-registers')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('panel-registers')).toHaveCount(0);
  await expect(page).toHaveURL(/panels=/);
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});

test('a bookmark saved from Share opens its moment', async ({ page, context }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const id = await traceOf(page, 'demo_bug');
  await page.goto(`${base()}/t/${id}/step/0?symbol=balance`);
  const entries = await historyShown(page);
  const bug = entries.find((e) => e.decimal === '512')!;
  await page.goto(`${base()}/t/${id}/step/${bug.step}?symbol=balance`);
  await expect(page.getByTestId('function')).toContainText('strcpy');

  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toBe(`${base()}/t/${id}/step/${bug.step}?symbol=balance`);
  await page.getByTestId('copy-link').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await page.getByTestId('bookmark-name').fill('balance loses 158');
  await page.getByTestId('bookmark-note').fill('strcpy of "Jonathan" writes its NUL into balance');
  await page.getByTestId('save-bookmark').click();
  await expect(page.getByTestId('bookmark')).toContainText('balance loses 158');
  await page.keyboard.press('Escape');

  // elsewhere, then back through the bookmark
  await page.getByTestId('step').fill('100');
  await page.getByTestId('step').press('Enter');
  await expect(page).toHaveURL(`${base()}/t/${id}/step/100?symbol=balance`);
  await page.keyboard.press('s');
  await page.getByTestId('bookmark-link').filter({ hasText: 'balance loses 158' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${id}/step/${bug.step}\\?addr=0x[0-9a-f]+&len=4$`));
  await expect(page.getByTestId('step')).toHaveValue(bug.step);
  await expect(page.locator('[data-testid="history-entry"].current')).toHaveAttribute('data-step', bug.step);

  // a teammate opening the shared link sees the same moment
  const other = await context.browser()!.newPage();
  const otherErrors = watchConsole(other);
  await other.goto(link);
  await expect(other.getByTestId('step')).toHaveValue(bug.step);
  await expect(other.getByTestId('function')).toContainText('strcpy');
  await expect(other.getByTestId('history-selection')).toHaveText('balance');

  // a read-only share link: the same moment, every request carrying its token
  await page.keyboard.press('s');
  await page.getByTestId('create-share').click();
  await expect(page.getByTestId('share-link')).toHaveValue(/&share=[A-Za-z0-9_-]+$/);
  const shared = await page.getByTestId('share-link').inputValue();
  const third = await context.browser()!.newPage();
  const thirdErrors = watchConsole(third);
  const tokens: (string | undefined)[] = [];
  third.on('request', (r) => r.url().includes('/api/traces/') && tokens.push(r.headers()['x-omni-share'] ?? new URL(r.url()).searchParams.get('share') ?? undefined));
  await third.goto(shared);
  await expect(third.getByTestId('history-entry').first()).toBeVisible();
  await expect(third.getByTestId('function')).toContainText('strcpy');
  expect(tokens.length).toBeGreaterThan(3);
  expect(tokens.every((t) => t && shared.endsWith(t))).toBe(true);
  expect([...errors, ...otherErrors, ...thirdErrors]).toEqual([]);
});

test('stepping by keyboard: instruction, line, out and back', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const id = await traceOf(page, 'counter');
  await page.goto(`${base()}/t/${id}/step/0?symbol=counter`);
  const entries = await historyShown(page);
  const at = BigInt(entries[0].step);
  await page.goto(`${base()}/t/${id}/step/${at}?symbol=counter`);
  await expect(page.getByTestId('location')).toHaveText('testprogs/counter.c:15');

  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step')).toHaveValue(String(at + 1n));
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('step')).toHaveValue(String(at));
  await page.keyboard.press('ArrowDown'); // the next line: from counter++ to the closing brace
  await expect(page.getByTestId('location')).toHaveText('testprogs/counter.c:16');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('location')).toHaveText('testprogs/counter.c:15');
  await page.keyboard.press('a'); // the start of this call of bump: its first instruction
  await expect(page.getByTestId('function')).toHaveText('bump');
  await expect(page.getByTestId('location')).toHaveText('testprogs/counter.c:14');
  await page.keyboard.press('o'); // out of it: back in main's loop
  await expect(page.getByTestId('function')).toContainText('main');
  await expect(page.getByTestId('location')).toHaveText('testprogs/counter.c:26');
  await page.keyboard.press('ArrowDown'); // the line of the call
  await expect(page.getByTestId('location')).toHaveText('testprogs/counter.c:27');
  await page.keyboard.press('i'); // into the next bump
  await expect(page.getByTestId('function')).toContainText('bump');
  await page.keyboard.press('o');
  await expect(page.getByTestId('function')).toContainText('main');
  await page.reload();
  await expect(page.getByTestId('function')).toContainText('main');
  // and by mouse
  const here = BigInt(await page.getByTestId('step').inputValue());
  await page.getByTestId('move-next-instruction').click();
  await expect(page.getByTestId('step')).toHaveValue(String(here + 1n));
  expect(errors).toEqual([]);
});

test('a trace can be deleted from the list', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const id = await uploadThroughUi(page, 'counter');
  page.once('dialog', (d) => d.accept());
  await page.locator(`[data-testid="trace-row"][data-id="${id}"]`).getByTestId('delete').click();
  await expect(page.locator(`[data-testid="trace-row"][data-id="${id}"]`)).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('trace-row').first()).toBeVisible();
  await expect(page.locator(`[data-testid="trace-row"][data-id="${id}"]`)).toHaveCount(0);
  // its moments now say why they cannot be shown
  await page.goto(`${base()}/t/${id}/step/0`);
  await expect(page.getByTestId('error')).toBeVisible();
  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});
