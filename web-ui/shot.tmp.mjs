import { chromium } from '@playwright/test';
const [url, out, ...actions] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1600, height: 950 } });
page.on('console', (m) => m.type() === 'error' && console.log('CONSOLE', m.text()));
page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
await page.goto(url);
await page.waitForTimeout(Number(process.env.WAIT ?? 2500));
for (const a of actions) { await page.keyboard.press(a); await page.waitForTimeout(800); }
await page.screenshot({ path: out });
console.log(page.url());
await browser.close();
