import { defineConfig } from 'vitest/config';

// Unit tests only: the core and the recorder in Node. Browser tests run under Playwright (test/e2e).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
