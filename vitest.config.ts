import { defineConfig } from 'vitest/config';

// Unit tests: the core and the recorder in Node, and panel components in happy-dom (files that say
// `@vitest-environment happy-dom`). Browser tests run under Playwright (test/e2e).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    environment: 'node',
  },
});
