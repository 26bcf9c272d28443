import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
const [url] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
await page.goto(url);
await page.waitForSelector('[data-testid="history-entry"][data-step]');
await page.evaluate(async () => {
  const list = document.querySelector('[data-testid="history-list"]');
  for (let k = 0; k < 15; k++) { list.scrollTop = list.scrollHeight; await new Promise((r) => setTimeout(r, 300)); }
  list.scrollTop = 0;
  await new Promise((r) => setTimeout(r, 500));
});
await browser.startTracing(page, { path: '/tmp/ui-dev/trace.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
const frames = await page.evaluate(async () => {
  const list = document.querySelector('[data-testid="history-list"]');
  const frames = []; const start = performance.now(); let last = start;
  await new Promise((resolve) => { const tick = (now) => { frames.push(now - last); last = now; const t = (now - start) / 1000; list.scrollTop = t * 2000 * 20; if (t < 4) requestAnimationFrame(tick); else resolve(); }; requestAnimationFrame(tick); });
  frames.sort((a, b) => a - b); return [frames.length, frames[Math.floor(frames.length / 2)], frames[Math.floor(frames.length * 0.95)]];
});
await browser.stopTracing();
console.log('frames, median, p95', frames);
const events = JSON.parse(readFileSync('/tmp/ui-dev/trace.json', 'utf8')).traceEvents;
const sums = {};
for (const e of events) if (e.ph === 'X' && e.dur) sums[e.name] = (sums[e.name] ?? 0) + e.dur / 1000;
console.log(Object.entries(sums).sort((a, b) => b[1] - a[1]).slice(0, 18).map(([k, v]) => `${k}: ${v.toFixed(0)} ms`).join('\n'));
await browser.close();
