// Processes in the browser (issue 14: "processes look like threads; no program output"): the
// Output panel, processes in the moment bar, the timeline and the history, the process tree, and
// memory read as the looked-at thread's process sees it. fork_exec_wait and fork_global are
// recorded here by the real recorder and served by the real server (native/testprogs/README.md
// says what they do and print).
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { watchConsole } from './console';
import type { ProcessInfo } from '../src/api';
import { api, base, uploaded } from './uploads';

const SHOTS = 'test-results/screenshots';

/** A process as GET /processes gives it. */
type Proc = ProcessInfo;

interface Chunk {
  step: number;
  pid: number;
  tid: number;
  fd: number;
  stream: string;
  text: string;
  buffers: { addr: string; len: number }[];
}

/**
 * The API requests of a page that failed (a status of 400 or more, or no answer; not the ones a
 * page.goto cut short): a test ends expecting none.
 */
function watchFailures(page: Page): string[] {
  const failed: string[] = [];
  page.on('response', (r) => r.url().includes('/api/') && r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (r.url().includes('/api/') && why !== 'net::ERR_ABORTED') failed.push(`${why} ${r.url()}`);
  });
  return failed;
}

const processesOf = async (request: APIRequestContext, id: string) => (await api<{ processes: Proc[] }>(request, `/api/traces/${id}/processes`)).processes;

/** fork_exec_wait's three processes: the parent, the child that execs echo, the child that exits 7. */
async function forkExecWait(request: APIRequestContext) {
  const id = await uploaded(request, 'fork_exec_wait');
  const processes = await processesOf(request, id);
  expect(processes).toHaveLength(3);
  const [parent, echo, second] = processes;
  expect(echo.parent).toBe(parent.pid);
  expect(echo.programs.map((p) => basename(p.path))).toEqual(['fork_exec_wait', 'echo']);
  expect(second.exitCode).toBe(7);
  return { id, parent, echo, second };
}

const shot = async (page: Page, name: string, what?: ReturnType<Page['getByTestId']>) => {
  mkdirSync(SHOTS, { recursive: true });
  await (what ?? page).screenshot({ path: join(SHOTS, name) });
};

test('the output of fork_exec_wait: each process\'s writes marked with its pid, a click goes to the write', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const failed = watchFailures(page);
  const { id, parent, echo } = await forkExecWait(request);
  const { chunks } = await api<{ chunks: Chunk[] }>(request, `/api/traces/${id}/output`);
  // echo's line, then the parent's (stdout is not a terminal here: the last two lines are one write at exit)
  expect(chunks.map((c) => c.text).join('')).toBe('child says hi\nfirst child exit status: 0\nsecond child exit status: 7\nparent done\n');
  expect(chunks[0]).toMatchObject({ pid: echo.pid, stream: 'stdout', text: 'child says hi\n' });
  expect(chunks.slice(1).map((c) => c.pid)).toEqual(chunks.slice(1).map(() => parent.pid));

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base()}/t/${id}/step/0?panels=timeline,output`);
  const shown = page.getByTestId('output-chunk');
  await expect(shown).toHaveCount(chunks.length);
  const marked = await shown.evaluateAll((els) => els.map((e) => ({ step: Number(e.dataset.step), pid: Number(e.dataset.pid), stream: e.dataset.stream })));
  expect(marked).toEqual(chunks.map((c) => ({ step: c.step, pid: c.pid, stream: c.stream })));
  const lines = await page.getByTestId('output-line').evaluateAll((els) => els.map((e) => e.querySelector('.out-text')!.textContent));
  expect(lines).toEqual(['child says hi', 'first child exit status: 0', 'second child exit status: 7', 'parent done']);
  const tags = await page.getByTestId('output-pid-tag').allTextContents();
  expect(tags).toEqual(chunks.map((c) => String(c.pid)));
  // a colour per process: echo's differs from its parent's
  const colour = (i: number) => page.getByTestId('output-pid-tag').nth(i).evaluate((e) => getComputedStyle(e).color);
  expect(await colour(0)).not.toBe(await colour(1));
  // before any write, no write is under the step
  await expect(page.locator('[data-testid="output-line"][data-current]')).toHaveCount(0);

  // a click on echo's write: its moment, in echo's process
  await shown.first().click();
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${chunks[0].step}?panels=timeline,output`);
  await expect(page.getByTestId('pid')).toHaveText(String(echo.pid));
  await expect(page.getByTestId('moment-program')).toHaveText('echo');
  await expect(page.locator('[data-testid="output-line"][data-current] .out-text')).toHaveText('child says hi');
  // the parent's first write by its step link; a step between two writes highlights the earlier one
  await page.getByTestId('output-step').nth(1).click();
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${chunks[1].step}?panels=timeline,output`);
  await expect(page.getByTestId('pid')).toHaveText(String(parent.pid));
  await page.getByTestId('move-next-instruction').click();
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${chunks[1].step + 1}?panels=timeline,output`);
  await expect(page.locator('[data-testid="output-line"][data-current] .out-text')).toHaveText('first child exit status: 0');
  await shot(page, 'output-1280x800.png');
  await shot(page, 'output-panel-1280x800.png', page.getByTestId('panel-output'));

  // search: both "status" lines, the next one with enter
  await page.getByTestId('output-search').fill('STATUS');
  await expect(page.getByTestId('output-matches')).toHaveText('1/2');
  await expect(page.locator('.out-text mark')).toHaveCount(2);
  await page.getByTestId('output-search').press('Enter');
  await expect(page.getByTestId('output-matches')).toHaveText('2/2');
  await expect(page.locator('[data-testid="output-line"] .out-text').filter({ has: page.locator('mark.current') })).toHaveText('second child exit status: 7');
  await page.getByTestId('output-search').press('Shift+Enter');
  await expect(page.getByTestId('output-matches')).toHaveText('1/2');
  await page.getByTestId('output-search').fill('nowhere');
  await expect(page.getByTestId('output-matches')).toHaveText('no match');
  await page.getByTestId('output-search').fill('');

  // only what one process wrote
  await page.getByTestId('output-pid').selectOption(String(echo.pid));
  await expect(page).toHaveURL(new RegExp(`[?&]opid=${echo.pid}(&|$)`));
  await expect(shown).toHaveCount(1);
  await expect(shown).toHaveText('child says hi');
  await page.getByTestId('output-pid').selectOption('');
  await expect(shown).toHaveCount(chunks.length);

  await page.setViewportSize({ width: 2560, height: 1440 });
  await page.goto(`${base()}/t/${id}/step/${chunks[1].step}`);
  await expect(page.locator('[data-testid="output-line"][data-current] .out-text')).toHaveText('first child exit status: 0');
  await expect(page.getByTestId('timeline-process')).toHaveCount(3);
  await expect(page.getByTestId('current-line')).toBeVisible();
  await expect(page.getByTestId('frame').first()).toBeVisible();
  await expect(page.getByTestId('call').first()).toBeVisible();
  await expect(page.getByTestId('hexdump').locator('.hexrow').first()).toBeVisible();
  await page.waitForTimeout(500);
  await shot(page, 'output-2560x1440.png');
  await shot(page, 'output-panel-2560x1440.png', page.getByTestId('panel-output'));
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});

test('where did the parent\'s output come from: the write\'s buffer at its moment, asked of the Origin panel', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const failed = watchFailures(page);
  const { id, parent } = await forkExecWait(request);
  const { chunks } = await api<{ chunks: Chunk[] }>(request, `/api/traces/${id}/output?pid=${parent.pid}`);
  const first = chunks[0];
  expect(first.text).toBe('first child exit status: 0\n');
  const buffer = first.buffers[0];
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base()}/t/${id}/step/0?panels=source,output,stack`);
  const line = page.getByTestId('output-line').filter({ hasText: 'first child exit status' });
  await line.hover();
  await line.getByTestId('output-origin').click();
  await expect(page).toHaveURL(new RegExp(`[?&]origin=addr:${buffer.addr}:${buffer.len}&ostep=${first.step}&otid=${first.tid}(&|$)`));
  // printf's format string in the program's read-only data, and the digit from libc's _itoa
  const root = page.getByTestId('origin-node').first();
  await expect(root.getByTestId('origin-what')).toHaveText(`${buffer.addr} (27 B) = ${Buffer.from(first.text).toString('hex')}`, { timeout: 60_000 });
  await expect(page.locator('[data-testid="origin-node"][data-kind="initial"]').first().getByTestId('origin-detail')).toHaveText(/^image: \.\.\.\/fork_exec_wait read-only data/);
  await expect(page.getByTestId('origin-tree')).toContainText('_itoa_lower_digits');
  await shot(page, 'output-origin-1280x800.png');
  // the copies that carried the format string into stdout's buffer were made inside printf
  await page.getByTestId('origin-via').first().getByTestId('origin-toggle').click();
  const copy = page.getByTestId('origin-copy').first();
  await copy.getByTestId('origin-step').click();
  await expect(page.getByTestId('pid')).toHaveText(String(parent.pid));
  await expect(page.getByTestId('stack')).toContainText(/\bprintf\b/);
  await expect(page.locator('[data-testid="frame"]').filter({ hasText: 'main' })).toContainText('fork_exec_wait.c:42');
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});

test('fork_global: at the same step the parent (blocked in fork or wait4) sees shared_value 1, the child 42', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const failed = watchFailures(page);
  const id = await uploaded(request, 'fork_global');
  const [parent, child] = await processesOf(request, id);
  expect(child.parent).toBe(parent.pid);
  const history = await api<{ entries: { step: number; pid: number; tid: number; after: string }[] }>(request, `/api/traces/${id}/memory/history?symbol=shared_value`);
  const write = history.entries.find((e) => e.after === '2a000000')!;
  expect(write.pid).toBe(child.pid);
  // just after the child's write: the parent is blocked, in wait4 or (when the child ran first) still in fork's system call
  const step = write.step + 1;
  expect(child.end === null || child.end > step).toBe(true);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base()}/t/${id}/step/${step}?tid=${parent.pid}&symbol=shared_value&panels=stack,history,memory`);
  await expect(page.getByTestId('pid')).toHaveText(String(parent.pid));
  await expect(page.getByTestId('tid')).toHaveText(String(parent.pid));
  await expect(page.getByTestId('moment-process')).toContainText('(waiting)');
  await expect(page.getByTestId('function')).toContainText(/wait|fork/i);
  await expect(page.getByTestId('stack-thread')).toHaveText(`process ${parent.pid} · thread ${parent.pid}`);
  await expect(page.getByTestId('memory-process')).toHaveText(`pid ${parent.pid}`);
  await expect(page.getByTestId('memory-selected-value')).toHaveText('= 01 00 00 00 (1)');
  // the child's write is in the history, but not the parent's: dimmed, not the current one
  const row = page.locator(`[data-testid="history-entry"][data-step="${write.step}"]`);
  await expect(row.getByTestId('history-pid-cell')).toHaveText(String(child.pid));
  await expect(row).toHaveClass(/elsewhere/);
  await expect(page.locator('[data-testid="history-entry"].current')).toHaveCount(0);
  await shot(page, 'fork-global-parent-1280x800.png');

  // the same step in the child: its own copy, 42
  await page.goto(`${base()}/t/${id}/step/${step}?tid=${child.pid}&symbol=shared_value&panels=stack,history,memory`);
  await expect(page.getByTestId('pid')).toHaveText(String(child.pid));
  await expect(page.getByTestId('stack-thread')).toHaveText(`process ${child.pid} · thread ${child.pid}`);
  await expect(page.getByTestId('memory-process')).toHaveText(`pid ${child.pid}`);
  await expect(page.getByTestId('memory-selected-value')).toHaveText('= 2a 00 00 00 (42)');
  await expect(page.locator('[data-testid="history-entry"].current')).toHaveAttribute('data-step', String(write.step));
  await expect(row).not.toHaveClass(/elsewhere/);
  // and the moment running then (no thread in the URL) is the child's
  await page.goto(`${base()}/t/${id}/step/${step}?symbol=shared_value&panels=stack,history,memory`);
  await expect(page.getByTestId('pid')).toHaveText(String(child.pid));
  await expect(page.getByTestId('memory-selected-value')).toHaveText('= 2a 00 00 00 (42)');
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});

test('the timeline: a band per process with its threads, forks and execs; a click in a lane looks at that thread', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const failed = watchFailures(page);
  const { id, parent, echo, second } = await forkExecWait(request);
  const trace = await api<{ index: { instructions: number } }>(request, `/api/traces/${id}`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base()}/t/${id}/step/0`);
  const bands = page.getByTestId('timeline-process');
  await expect(bands).toHaveCount(3);
  expect(await bands.evaluateAll((els) => els.map((e) => Number(e.dataset.pid)))).toEqual([parent.pid, echo.pid, second.pid]);
  await expect(bands.nth(0)).toContainText(`${parent.pid} fork_exec_wait`);
  await expect(bands.nth(1)).toContainText(`${echo.pid} fork_exec_wait → echo`);
  const lanes = page.getByTestId('timeline-thread');
  const threads = [parent, echo, second].flatMap((p) => p.threads.map((t) => [p.pid, t.tid]));
  expect(await lanes.evaluateAll((els) => els.map((e) => [Number(e.dataset.pid), Number(e.dataset.tid)]))).toEqual(threads);
  // each thread's lane right under its process's band
  const top = async (l: ReturnType<Page['locator']>) => (await l.boundingBox())!.y;
  expect(await top(lanes.nth(0))).toBeGreaterThan(await top(bands.nth(0)));
  expect(await top(lanes.nth(0))).toBeLessThan(await top(bands.nth(1)));
  await expect(page.getByTestId('timeline-summary')).toHaveText(/ · 3 processes · 3 threads$/);

  // in the parent's lane, halfway through echo's life: the parent then, waiting for it
  const middle = Math.floor((echo.start + (echo.end ?? trace.index.instructions)) / 2);
  const canvas = page.getByTestId('timeline-canvas');
  const box = (await canvas.boundingBox())!;
  const lane = (await lanes.nth(0).boundingBox())!;
  await page.mouse.click(box.x + (box.width * (middle + 0.5)) / trace.index.instructions, lane.y + lane.height / 2);
  await expect(page).toHaveURL(new RegExp(`/step/\\d+\\?tid=${parent.pid}$`));
  const step = Number(await page.getByTestId('step').inputValue());
  expect(Math.abs(step - middle)).toBeLessThan(trace.index.instructions / 100);
  await expect(page.getByTestId('pid')).toHaveText(String(parent.pid));
  await expect(page.getByTestId('moment-process')).toContainText('(waiting)');
  await expect(lanes.nth(0)).toHaveClass(/current/);
  await shot(page, 'timeline-1280x800.png');
  await shot(page, 'timeline-strip-1280x800.png', page.getByTestId('timeline'));
  // the band (not a lane): the thread running then, none pinned
  const band = (await bands.nth(1).boundingBox())!;
  await page.mouse.click(box.x + (box.width * (middle + 0.5)) / trace.index.instructions, band.y + band.height / 2);
  await expect(page).toHaveURL(/\/step\/\d+$/);
  await expect(page.getByTestId('pid')).toHaveText(String(echo.pid));

  await page.setViewportSize({ width: 2560, height: 1440 });
  await expect(bands).toHaveCount(3);
  await page.waitForTimeout(500);
  await shot(page, 'timeline-2560x1440.png');
  await shot(page, 'timeline-strip-2560x1440.png', page.getByTestId('timeline'));
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});

test('the process tree: programs and argv, exits, fork and exec moments as links', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const failed = watchFailures(page);
  const { id, parent, echo, second } = await forkExecWait(request);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base()}/t/${id}/step/0?panels=timeline`);
  await expect(page.getByTestId('processes-button')).toHaveText('3 processes');
  await page.getByTestId('processes-button').click();
  await expect(page).toHaveURL(/[?&]dialog=processes$/);
  const items = page.getByTestId('process');
  await expect(items).toHaveCount(3);
  expect(await items.evaluateAll((els) => els.map((e) => [Number(e.dataset.pid), e.dataset.parent ? Number(e.dataset.parent) : null]))).toEqual([
    [parent.pid, null],
    [echo.pid, parent.pid],
    [second.pid, parent.pid],
  ]);
  const item = (p: Proc) => page.locator(`[data-testid="process"][data-pid="${p.pid}"]`);
  await expect(item(echo).getByTestId('process-name')).toHaveText('fork_exec_wait → echo');
  await expect(item(echo).getByTestId('process-argv')).toHaveText("echo 'child says hi'");
  await expect(item(parent).getByTestId('process-exit')).toHaveText('exit 0');
  await expect(item(echo).getByTestId('process-exit')).toHaveText('exit 0');
  await expect(item(second).getByTestId('process-exit')).toHaveText('exit 7');
  await shot(page, 'process-tree-1280x800.png');

  // echo's exec: its moment, the dialog closed
  await item(echo).getByTestId('process-exec').click();
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${echo.programs[1].step}?panels=timeline`);
  await expect(page.getByTestId('processes')).toHaveCount(0);
  await expect(page.getByTestId('pid')).toHaveText(String(echo.pid));
  await expect(page.getByTestId('moment-program')).toHaveText('echo');
  // the second child's fork: the parent's moment
  await page.getByTestId('processes-button').click();
  await item(second).getByTestId('process-fork').click();
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${second.forkStep}?panels=timeline`);
  await expect(page.getByTestId('pid')).toHaveText(String(parent.pid));
  await page.getByTestId('processes-button').click();
  await expect(page.getByTestId('process')).toHaveCount(3);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('processes')).toHaveCount(0);
  await expect(page).toHaveURL(`${base()}/t/${id}/step/${second.forkStep}?panels=timeline`);
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});

test('the history of fork_exec_wait\'s stage: a process column, and a filter by process', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const failed = watchFailures(page);
  const { id, parent, echo } = await forkExecWait(request);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base()}/t/${id}/step/0?symbol=stage&panels=history,memory`);
  const entries = page.getByTestId('history-entry');
  await expect(entries).toHaveCount(3);
  // stage: 1 and 3 in the parent, 2 in the first child before it execs echo
  expect(await page.getByTestId('history-pid-cell').allTextContents()).toEqual([parent.pid, echo.pid, parent.pid].map(String));
  expect(await page.getByTestId('history-decimal').allTextContents()).toEqual(['1', '2', '3']);

  await page.getByTestId('history-pid').selectOption(String(echo.pid));
  await expect(page).toHaveURL(new RegExp(`[?&]hpid=${echo.pid}(&|$)`));
  await expect(entries).toHaveCount(1);
  await expect(page.getByTestId('history-decimal')).toHaveText('2');
  await page.getByTestId('history-pid').selectOption(String(parent.pid));
  await expect(entries).toHaveCount(2);
  expect(await page.getByTestId('history-decimal').allTextContents()).toEqual(['1', '3']);
  // ] goes to the next write of the process shown
  await page.keyboard.press(']');
  await expect(page.locator('[data-testid="history-entry"].current')).toHaveAttribute('data-step', /\d+/);
  expect(await page.locator('[data-testid="history-entry"].current [data-testid="history-decimal"]').textContent()).toBe('1');
  await page.keyboard.press(']');
  await expect(page.locator('[data-testid="history-entry"].current [data-testid="history-decimal"]')).toHaveText('3');
  await page.getByTestId('history-pid').selectOption('');
  await expect(entries).toHaveCount(3);
  await expect(page).not.toHaveURL(/hpid=/);
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});

test('ordinary moves through fork_exec_wait with every panel open: no console errors, no failed requests', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  const failed = watchFailures(page);
  const { id, parent, echo, second } = await forkExecWait(request);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base()}/t/${id}/step/0?symbol=stage`);
  await expect(page.getByTestId('history-entry')).toHaveCount(3);
  // the history's links, the output's writes, moves by key, the timeline, the tree's links
  await page.getByTestId('history-step').nth(1).click();
  await expect(page.getByTestId('pid')).toHaveText(String(echo.pid));
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('memory-selected-value')).toHaveText('= 02 00 00 00 (2)');
  // in the parent after the first child: stage = 3, then lines and instructions on
  await page.getByTestId('history-step').nth(2).click();
  await expect(page.getByTestId('pid')).toHaveText(String(parent.pid));
  for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowLeft', 'ArrowUp']) {
    const before = page.url();
    await page.keyboard.press(key);
    await expect.poll(() => page.url() !== before || page.getByTestId('notice').count().then((n) => n > 0)).toBe(true);
    await expect(page.getByTestId('memory-selected-value')).toBeVisible();
  }
  await page.getByTestId('output-chunk').first().click();
  await expect(page.getByTestId('pid')).toHaveText(String(echo.pid));
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  const canvas = page.getByTestId('timeline-canvas');
  const box = (await canvas.boundingBox())!;
  for (const f of [0.1, 0.5, 0.95]) {
    await canvas.click({ position: { x: box.width * f, y: 4 } });
    await expect(page.getByTestId('memory-selected-value')).toBeVisible();
  }
  // a thread's lane at a step where its process is not alive yet: the running thread instead (no failed request)
  const lane = (await page.locator(`[data-testid="timeline-thread"][data-tid="${second.pid}"]`).boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.05, lane.y + lane.height / 2);
  await expect(page).toHaveURL(/\/step\/\d+\?symbol=stage$/);
  await page.getByTestId('processes-button').click();
  await page.locator(`[data-testid="process"][data-pid="${second.pid}"]`).getByTestId('process-end').click();
  await expect(page.getByTestId('pid')).toHaveText(String(second.pid));
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(1000);
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});
