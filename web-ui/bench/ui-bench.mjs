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

/** Scrolls the list from row `from` at `rowsPerSecond` for `seconds`, timing every animation frame. */
const scroll = (from, rowsPerSecond, seconds) =>
  page.evaluate(
    async ([from, rowsPerSecond, seconds]) => {
      const list = document.querySelector('[data-testid="history-list"]');
      const row = 20;
      const count = Number(list.dataset.count);
      // the list compresses its scroll range past MAX_HEIGHT: scroll by its own scale
      const scale = (list.scrollHeight - list.clientHeight) / Math.max(1, count * row - list.clientHeight);
      const top = (r) => Math.min(1, scale) * r * row;
      list.scrollTop = top(from);
      await new Promise((r) => setTimeout(r, 1000)); // the rows there arrive
      await new Promise((r) => requestAnimationFrame(r));
      const frames = [];
      let placeholders = 0;
      let drawn = 0;
      const start = performance.now();
      let last = start;
      await new Promise((resolve) => {
        const tick = (now) => {
          frames.push(now - last);
          last = now;
          const t = Math.min(seconds, (now - start) / 1000);
          list.scrollTop = top(from + t * rowsPerSecond);
          drawn += list.querySelectorAll('[data-testid="history-entry"]').length;
          placeholders += list.querySelectorAll('.vrow > .hist-row.muted').length;
          if (t < seconds) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      return { frames: frames.slice(1), placeholders, drawn, heap: performance.memory?.usedJSHeapSize ?? 0 };
    },
    [from, rowsPerSecond, seconds],
  );
const report = (title, r) => {
  const f = r.frames;
  const slow = f.filter((x) => x > 1000 / 60 + 1).length;
  console.log(`${title}, ${f.length} frames:`);
  console.log(`  frame time median ${fmt(pct(f, 50))} ms, p95 ${fmt(pct(f, 95))} ms, p99 ${fmt(pct(f, 99))} ms, max ${fmt(Math.max(...f))} ms; ${slow} frames (${(100 * slow / f.length).toFixed(1)}%) over 17.7 ms`);
  console.log(`  rows shown as placeholders (page being fetched): ${(100 * r.placeholders / Math.max(1, r.placeholders + r.drawn)).toFixed(1)}% of row draws; JS heap ${(r.heap / 2 ** 20).toFixed(0)} MiB`);
};
const seconds = Number(scrollSeconds);
report(`scroll 2,000 rows/s for ${seconds} s from row ${Math.floor(loaded / 2).toLocaleString('en')} (a fast flick)`, await scroll(Math.floor(loaded / 2), 2000, seconds));
report(`scroll all ${loaded.toLocaleString('en')} rows in ${seconds} s (${Math.round(loaded / seconds).toLocaleString('en')} rows/s: dragging the scrollbar)`, await scroll(0, loaded / seconds, seconds));
console.log(`\nconsole errors: ${errors.length}${errors.length ? '\n  ' + errors.join('\n  ') : ''}`);
await browser.close();
process.exit(errors.length ? 1 : 0);
