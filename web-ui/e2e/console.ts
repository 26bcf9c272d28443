import type { Page } from '@playwright/test';

/** Collects console errors and uncaught exceptions of a page: a test ends expecting none. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Collects the requests of a page that failed or were answered with an error status (4xx, 5xx). */
export function watchFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on('requestfailed', (r) => failures.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && failures.push(`${r.status()} ${r.url()}`));
  return failures;
}
