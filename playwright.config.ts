import { defineConfig } from '@playwright/test';

// Browser tests: the real extension in real Chromium (and Firefox) against the local fixture site.
// One browser per test file; no retries (flakiness must show, not hide).
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  retries: 0,
  workers: 2,
  fullyParallel: false,
  reporter: [['list']],
  outputDir: 'test-results',
});
