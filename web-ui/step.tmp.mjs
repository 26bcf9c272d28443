import { chromium } from '@playwright/test';
const [base, id] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1600, height: 950 } });
page.on('console', (m) => m.type() === 'error' && console.log('CONSOLE', m.text()));
const h = await (await fetch(`${base}/api/traces/${id}/memory/history?symbol=counter&limit=1`)).json();
const at = h.entries[0].step;
await page.goto(`${base}/t/${id}/step/${at}?symbol=counter`);
await page.waitForSelector('[data-testid="location"]:has-text("counter.c")');
const show = async (k) => { await page.waitForTimeout(1500); console.log(k.padEnd(11), await page.getByTestId('step').inputValue(), await page.getByTestId('function').innerText(), await page.getByTestId('location').innerText(), (await page.getByTestId('notice').count()) ? await page.getByTestId('notice').innerText() : ''); };
await show('start');
for (const k of ['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'a', 'i', 'o', 'ArrowDown', 'ArrowDown', 'ArrowUp']) { await page.keyboard.press(k); await show(k); }
await page.screenshot({ path: '/tmp/ui-dev/step.png' });
await browser.close();
