import { defineConfig } from '@playwright/test';

// Browser tests drive Debian's Chromium (no browser downloads here) against a real `omni serve`
// started by e2e/global-setup.ts from the built jar.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e/artifacts',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  timeout: 60_000,
  workers: 1,
  reporter: [['list'], ['junit', { outputFile: 'test-results/e2e/junit.xml' }]],
  use: {
    browserName: 'chromium',
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
