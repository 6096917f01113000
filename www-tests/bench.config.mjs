// Benchmarks (scripts/bench.sh): the end-to-end configuration's relay and demo site, with the
// benchmark files instead of the tests, and room for large files.
import { defineConfig } from '@playwright/test';
import base from './playwright.config.mjs';

export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: '*.bench.mjs',
  timeout: 900_000,
});
