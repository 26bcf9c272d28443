// Source-level values in the browser (issue 12): the Variables panel of the selected frame, frames
// selected without travelling, a member's history, values on hover, executions of a line. The
// programs are recorded here by the real recorder; the values expected are what gdb prints for them
// (the demo's ledger and values_c's inspect(), whose values native/testprogs/values-oracle.sh checks).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { watchConsole } from './console';
import { recordAndPack, signedLittleEndian } from './traces';

const base = () => process.env.OMNI_URL!;
const ids = new Map<string, string>();

/** Uploads a recording through the API (the UI's upload has its own test) and waits for its index. */
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

/** The demo's moment: strcpy of "Jonathan" writing its NUL into balance (as `omni demo` finds it). */
async function demoMoment(request: APIRequestContext, id: string): Promise<number> {
  const page = await api<{ entries: { step: number; file: string | null }[] }>(request, `/api/traces/${id}/memory/history?symbol=balance`);
  return page.entries.find((e) => !e.file?.endsWith('demo_bug.c'))!.step;
}

/** The variable rows shown, name to value, of one section of the panel. */
async function shown(page: Page, section: string): Promise<Record<string, string>> {
  const rows = page.getByTestId(section).locator(':scope > [data-testid="var"]');
  const pairs = await rows.evaluateAll((els) => els.map((r) => [r.getAttribute('data-name')!, r.querySelector('[data-testid="var-value"]')!.textContent!]));
  return Object.fromEntries(pairs);
}

test('the Variables panel shows the frame of the demo\'s moment: set_owner, nearest to strcpy with source', async ({ page, request }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const id = await traceOf(request, 'demo_bug');
  const step = await demoMoment(request, id);
  await page.goto(`${base()}/t/${id}/step/${step}?symbol=balance`);
  await expect(page.getByTestId('function')).toContainText('strcpy');
  // frame 0 is inside libc: the source and the variables are set_owner's, the URL names no frame
  await expect(page.getByTestId('frame-note')).toContainText('set_owner');
  await expect(page.locator('[data-testid="frame"][data-selected]')).toHaveAttribute('data-index', '1');
  await expect(page.locator('[data-testid="frame"][data-index="1"]').getByTestId('frame-args')).toHaveText(/^\(name=0x[0-9a-f]+ "Jonathan"\)$/);
  await expect(page.getByTestId('current-line')).toContainText('strcpy(owner, name);');
  await expect(page.getByTestId('variables-frame')).toContainText('#1 set_owner');
  await expect(page.getByTestId('variables')).toHaveAttribute('data-step', String(step));
  await expect(page.getByTestId('variables')).toHaveAttribute('data-frame', '1');
  await expect(page.getByTestId('args-section').getByTestId('var')).toHaveCount(1);
  expect(await shown(page, 'args-section')).toEqual({ name: expect.stringMatching(/^0x[0-9a-f]+ "Jonathan"$/) });
  await expect(page.locator('[data-testid="var"][data-name="name"] .var-type')).toHaveText('const char *');
  // a pointer expands to what it points at
  await page.locator('[data-testid="var"][data-name="name"]').getByTestId('var-expand').click();
  await expect(page.locator('[data-testid="var"][data-expr="*name"] [data-testid="var-value"]')).toHaveText("74 'J'");
  expect(page.url()).toBe(`${base()}/t/${id}/step/${step}?symbol=balance`);

  // the call tree, opened down to the moment: calls with their real signatures and typed return values
  await page.getByTestId('reveal-call').click();
  const setOwner = page.locator('[data-testid="call"].inside').filter({ hasText: 'set_owner' });
  await expect(setOwner.getByTestId('call-args')).toHaveText(/^\(name=0x[0-9a-f]+ "Jonathan"\)$/);
  await expect(setOwner.getByTestId('call-returned')).toHaveText(/→ 0$/);
  await expect(page.getByTestId('call-args').filter({ hasText: /^\(amount=100\)$/ })).toHaveCount(1);

  // globals on demand: owner already holds "Jonathan" here and balance is about to lose its 158
  await page.getByTestId('toggle-globals').click();
  await expect(page.locator('[data-testid="globals-section"] [data-testid="var"][data-name="balance"] [data-testid="var-value"]')).toHaveText('670');
  // an expression printed in the frame, and one that does not parse, with the place marked
  await page.getByTestId('watch-input').fill('name[0]');
  await page.getByTestId('watch-input').press('Enter');
  await expect(page.locator('[data-testid="watch"][data-expr="name[0]"] [data-testid="var-value"]')).toHaveText("74 'J'");
  await page.getByTestId('watch-input').fill('tx_count +');
  await page.getByTestId('watch-input').press('Enter');
  await expect(page.locator('[data-testid="watch"][data-expr="tx_count +"]').getByTestId('watch-error')).toContainText('syntax error');
  await expect(page.getByTestId('error-position')).toHaveCount(1);
  await expect(page).toHaveURL(/watch=name\[0\]&watch=tx_count%20%2B/);
  await page.screenshot({ path: test.info().outputPath('demo-variables.png') });
  // a bad watched expression is the server's 400 answer, logged by the browser; nothing else may fail
  expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
});

test('selecting another frame keeps the step and shows that frame\'s line and variables', async ({ page, request }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const id = await traceOf(request, 'demo_bug');
  const step = await demoMoment(request, id);
  await page.goto(`${base()}/t/${id}/step/${step}`);
  await expect(page.getByTestId('variables-frame')).toContainText('set_owner');

  await page.locator('[data-testid="frame"][data-index="2"]').getByTestId('frame-select').click();
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${step}?frame=2`);
  await expect(page.getByTestId('step')).toHaveValue(String(step));
  await expect(page.getByTestId('variables-frame')).toContainText('#2 main');
  await expect(page.getByTestId('current-line')).toContainText('if (set_owner(t->name) != 0)');
  // the sixth transaction, TRANSFER_OWNERSHIP to "Jonathan": 500 + 250 + 40 deposited, 120 withdrawn
  await expect(page.locator('[data-testid="locals-section"] [data-testid="var"][data-name="deposits"] [data-testid="var-value"]')).toHaveText('790');
  await expect(page.getByTestId('variables')).toHaveAttribute('data-frame', '2');
  expect(await shown(page, 'locals-section')).toMatchObject({
    i: '5',
    n: '8',
    deposits: '790',
    withdrawals: '120',
    t: expect.stringMatching(/^0x[0-9a-f]+ <day\+120>$/),
  });
  expect(await shown(page, 'args-section')).toEqual({});
  await page.locator('[data-testid="var"][data-name="t"]').getByTestId('var-expand').click();
  await expect(page.locator('[data-testid="var"][data-expr="t->kind"] [data-testid="var-value"]')).toHaveText('TRANSFER_OWNERSHIP');
  await expect(page.locator('[data-testid="var"][data-expr="t->name"] [data-testid="var-value"]')).toHaveText(/^0x[0-9a-f]+ "Jonathan"$/);

  // hovering an expression in main's source shows its value in main's frame
  await hoverText(page, 'if (set_owner(t->name)', 'name');
  await expect(page.getByTestId('hover-value')).toContainText('t->name = ');
  await expect(page.getByTestId('hover-text')).toHaveText(/^0x[0-9a-f]+ "Jonathan"$/);

  // the reload keeps the frame; back returns to the default one; ⤴ travels to main's call
  await page.reload();
  await expect(page.getByTestId('variables-frame')).toContainText('#2 main');
  await page.goBack();
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${step}`);
  await expect(page.getByTestId('variables-frame')).toContainText('#1 set_owner');
  const call = await page.locator('[data-testid="frame"][data-index="1"]').getByTestId('frame-travel').getAttribute('href');
  expect(call).toMatch(new RegExp(`^/t/${id}/step/\\d+$`));
  // gdb's up and down: u selects the caller, d the callee, the moment stays
  await page.keyboard.press('u');
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${step}?frame=2`);
  await page.keyboard.press('d');
  await page.keyboard.press('d');
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${step}?frame=0`);
  await expect(page.getByTestId('variables-frame')).toContainText('#0 __strcpy');
  await expect(page.getByText('the trace does not carry this file')).toBeVisible();
  await page.getByTestId('frame-travel').first().click();
  await expect(page).toHaveURL(new RegExp(`^${base()}/t/${id}/step/\\d+$`));
  expect(errors).toEqual([]);
});

/** Moves the mouse over the `k`th character of `word` inside the source line that contains `line`. */
async function hoverText(page: Page, line: string, word: string) {
  const point = await page.getByTestId('source').evaluate(
    (el, [line, word]) => {
      const row = [...el.querySelectorAll('.code-line .text')].find((t) => t.textContent!.includes(line))!;
      const text = row.firstChild as Text;
      const at = text.data.indexOf(line) + line.indexOf(word) + 1;
      const range = document.createRange();
      range.setStart(text, at);
      range.setEnd(text, at + 1);
      const r = range.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    },
    [line, word],
  );
  await page.mouse.move(point.x, point.y);
  await page.mouse.move(point.x + 1, point.y);
}

test('a member\'s history opens from the Variables panel; executions of a line lead to their moments', async ({ page, request }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const id = await traceOf(request, 'values_c_O0');
  // inspect() is called twice; its MARK line's executions, through the UI: a click on the line number
  const first = await api<{ executions: { step: number }[] }>(request, `/api/traces/${id}/executions?function=inspect`);
  await page.goto(`${base()}/t/${id}/step/${first.executions[0].step}`);
  await expect(page.getByTestId('variables-frame')).toContainText('inspect');
  const mark = page.locator('.code-line').filter({ hasText: 'MARK inspect' });
  await mark.getByTestId('lineno').click();
  await expect(page).toHaveURL(/exec=line:\/.*values_c\.c:99$/);
  await expect(page.getByTestId('exec-target')).toHaveText('testprogs/values_c.c:99');
  await expect(page.getByTestId('execution')).toHaveCount(2);
  await page.getByTestId('exec-print-input').fill('copy.balance');
  await page.getByTestId('exec-print-input').press('Enter');
  await page.getByTestId('exec-print-input').fill('label');
  await page.getByTestId('exec-print-input').press('Enter');
  await expect(page).toHaveURL(/&print=copy.balance&print=label$/);
  await expect(page.getByTestId('execution').nth(0).getByTestId('execution-value')).toHaveText(['-300', /^0x[0-9a-f]+ "first"$/]);
  await expect(page.getByTestId('execution').nth(1).getByTestId('execution-value')).toHaveText(['-50', /^0x[0-9a-f]+ "hello, values"$/]);
  const at = await page.getByTestId('execution').nth(0).getAttribute('data-step');
  await page.getByTestId('execution').nth(0).getByTestId('execution-step').click();
  await expect(page.getByTestId('step')).toHaveValue(at!);
  await expect(page.locator('[data-testid="execution"].current')).toHaveAttribute('data-step', at!);
  await expect(page.getByTestId('current-line')).toContainText('MARK inspect');
  // from the moment on: the second execution only, then from the start again
  await page.getByTestId('execution').nth(1).getByTestId('execution-step').click();
  await page.getByTestId('exec-from-here').click();
  await expect(page).toHaveURL(/&from=\d+$/);
  await expect(page.getByTestId('execution')).toHaveCount(1);
  await page.getByTestId('exec-from-start').click();
  await expect(page.getByTestId('execution')).toHaveCount(2);
  await page.getByTestId('execution').nth(0).getByTestId('execution-step').click();
  await expect(page.getByTestId('step')).toHaveValue(at!);

  // the values there, as gdb prints them (values_oracle.py's stop "inspect")
  await expect(page.getByTestId('variables')).toHaveAttribute('data-step', at!);
  expect(await shown(page, 'args-section')).toMatchObject({
    acc: expect.stringMatching(/^0x[0-9a-f]+ <accounts>$/),
    count: '3',
    factor: '0.5',
    label: expect.stringMatching(/^0x[0-9a-f]+ "first"$/),
  });
  expect(await shown(page, 'locals-section')).toMatchObject({ origin: '{x = 3, y = -4}', total: '-150', delta: '-9', positive: 'false' });

  // acc->balance: expand acc, then its member's history
  await page.locator('[data-testid="var"][data-name="acc"]').getByTestId('var-expand').click();
  const member = page.locator('[data-testid="var"][data-expr="acc->balance"]');
  await expect(member.getByTestId('var-value')).toHaveText('-150');
  await member.getByTestId('var-history').click();
  await expect(page).toHaveURL(new RegExp(`\\?expr=acc-%3Ebalance&at=${at}&exec=`));
  await expect(page.getByTestId('history-selection')).toHaveText('acc->balance');
  await expect(page.getByTestId('history-count')).not.toContainText('+', { timeout: 30_000 });
  const writes = page.getByTestId('history-entry');
  await expect(writes.first()).toBeVisible();
  // setup() wrote it: 100 * 1 - 250
  const entries = await writes.evaluateAll((rows) =>
    rows.map((r) => ({ where: r.querySelector('.where')!.textContent!, after: r.querySelector('[data-testid="history-value"]')!.getAttribute('title')! })),
  );
  expect(entries.some((e) => e.where.includes('setup') && signedLittleEndian(e.after) === '-150')).toBe(true);
  // the memory panel shows the member's bytes selected
  await expect(page.locator('.byte.selected')).toHaveCount(4);
  await page.screenshot({ path: test.info().outputPath('member-history.png') });
  expect(errors).toEqual([]);
});

test('values that the last instruction changed are marked', async ({ page, request }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const id = await traceOf(request, 'values_c_O0');
  const calls = await api<{ executions: { step: number }[] }>(request, `/api/traces/${id}/executions?function=inspect`);
  const entry = calls.executions[0].step;
  // the writes to inspect's total after its start: the loop adding the balances
  const history = await api<{ entries: { step: number; function: string | null; old: string; new: string }[] }>(
    request,
    `/api/traces/${id}/memory/history?expr=total&step=${entry}&frame=0&from=${entry}`,
  );
  const write = history.entries.find((e) => e.function?.startsWith('inspect') && e.old !== e.new)!;
  await page.goto(`${base()}/t/${id}/step/${write.step + 1}`);
  await expect(page.locator('[data-testid="locals-section"] [data-testid="var"][data-name="total"]')).toHaveAttribute('data-changed', 'true');
  await expect(page.locator('[data-testid="var"][data-changed]')).toHaveCount(1);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step')).toHaveValue(String(write.step + 2));
  await expect(page.locator('[data-testid="locals-section"] [data-testid="var"][data-name="total"]')).not.toHaveAttribute('data-changed', 'true');
  expect(errors).toEqual([]);
});
