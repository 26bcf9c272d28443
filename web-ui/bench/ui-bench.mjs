// The web UI's two measured paths (docs/performance.md, "Web UI"), in Debian's Chromium:
//  1. open: a moment link with ?symbol= opened in a fresh page, until the first history entry is
//     on screen (navigation start to the entry's paint-ready DOM), at random steps;
//  2. scroll: the history list loaded to a million rows, then scrolled from top to bottom at a
//     constant speed, with the time of every animation frame.
// Usage: node bench/ui-bench.mjs URL TRACE_ID SYMBOL [OPENS] [ROWS] [SCROLL_SECONDS]
import { chromium } from '@playwright/test';

const [url, trace, symbol, opens = '10', rowsWanted = '1000000', scrollSeconds = '10'] = process.argv.slice(2);
if (!url || !trace || !symbol) {
  console.error('usage: node bench/ui-bench.mjs URL TRACE_ID SYMBOL [OPENS] [ROWS] [SCROLL_SECONDS]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const errors = [];
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (x) => x.toFixed(1);

const meta = await (await fetch(`${url}/api/traces/${trace}`)).json();
const instructions = meta.index.instructions;
console.log(`trace ${trace}: ${instructions.toLocaleString('en')} steps, ${meta.index.rows.mem_writes.toLocaleString('en')} memory writes`);

// 1. open a moment link with ?symbol=
const times = [];
for (let i = 0; i < Number(opens); i++) {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="history-entry"][data-step]')) {
        window.__historyShown = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const step = Math.floor(Math.random() * instructions);
  await page.goto(`${url}/t/${trace}/step/${step}?symbol=${encodeURIComponent(symbol)}`);
  await page.waitForFunction(() => window.__historyShown !== undefined, null, { timeout: 30_000 });
  times.push(await page.evaluate(() => window.__historyShown));
  await page.close();
}
console.log(`\nopen /t/{id}/step/{random}?symbol=${symbol} until the history shows, ${times.length} fresh pages:`);
console.log(`  median ${fmt(pct(times, 50))} ms, p90 ${fmt(pct(times, 90))} ms, max ${fmt(Math.max(...times))} ms (first ${fmt(times[0])} ms)`);

// 2. scroll a list of a million rows
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
await page.goto(`${url}/t/${trace}/step/0?symbol=${encodeURIComponent(symbol)}&panels=history`);
await page.waitForSelector('[data-testid="history-entry"][data-step]');
const loadStart = Date.now();
const loaded = await page.evaluate(async (want) => {
  const list = document.querySelector('[data-testid="history-list"]');
  // scroll to the end again and again: each time the list asks for the next page
  while (Number(list.dataset.count) < want) {
    list.scrollTop = list.scrollHeight;
    const before = Number(list.dataset.count);
    const t0 = performance.now();
    while (Number(list.dataset.count) === before && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 2));
    if (Number(list.dataset.count) === before) break; // the end of the history
  }
  return Number(list.dataset.count);
}, Number(rowsWanted));
const loadSeconds = (Date.now() - loadStart) / 1000;
console.log(`\nhistory list paged to ${loaded.toLocaleString('en')} rows in ${loadSeconds.toFixed(1)} s (pages of 1000, one request each, in sequence)`);

const scroll = await page.evaluate(async (seconds) => {
  const list = document.querySelector('[data-testid="history-list"]');
  list.scrollTop = 0;
  await new Promise((r) => requestAnimationFrame(r));
  const frames = [];
  let placeholders = 0;
  let rowsSeen = 0;
  const total = list.scrollHeight - list.clientHeight;
  const start = performance.now();
  let last = start;
  await new Promise((resolve) => {
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      const f = Math.min(1, (now - start) / (seconds * 1000));
      list.scrollTop = f * total;
      const rendered = list.querySelectorAll('.hist-row[data-testid="history-entry"]').length;
      const waiting = list.querySelectorAll('.vrow > .hist-row.muted').length;
      rowsSeen += rendered;
      placeholders += waiting;
      if (f < 1) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  return { frames: frames.slice(1), placeholders, rowsSeen, heap: performance.memory?.usedJSHeapSize ?? 0 };
}, Number(scrollSeconds));
const f = scroll.frames;
const slow = f.filter((x) => x > 1000 / 60 + 1).length;
console.log(`scroll top to bottom in ${scrollSeconds} s (${Math.round(loaded / Number(scrollSeconds)).toLocaleString('en')} rows/s), ${f.length} frames:`);
console.log(`  frame time median ${fmt(pct(f, 50))} ms, p95 ${fmt(pct(f, 95))} ms, p99 ${fmt(pct(f, 99))} ms, max ${fmt(Math.max(...f))} ms; ${slow} frames over 17.7 ms`);
console.log(`  rows drawn as placeholders while their page was fetched again: ${(100 * scroll.placeholders / Math.max(1, scroll.placeholders + scroll.rowsSeen)).toFixed(1)}% of row draws; JS heap ${(scroll.heap / 2 ** 20).toFixed(0)} MiB`);
console.log(`\nconsole errors: ${errors.length}${errors.length ? '\n  ' + errors.join('\n  ') : ''}`);
await browser.close();
process.exit(errors.length ? 1 : 0);
