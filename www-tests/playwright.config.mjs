// End-to-end tests in Debian's Chromium (never a downloaded browser). Starts its own relay on a
// fresh data folder and its own demo-site server, on ports apart from the demo's.
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
export const RELAY_PORT = 8788;
export const SITE_PORT = 8081;
// Pages built from the packed npm package by tests/package.spec.mjs (a Vite app, a plain page).
export const VITE_APP_PORT = 8091;
export const PLAIN_PAGE_PORT = 8092;
// The relay binary built by scripts/test.sh (honours CARGO_TARGET_DIR like cargo does).
const relayBin = resolve(here, '..', process.env.CARGO_TARGET_DIR ?? 'target', 'debug/nubefirma-relay');

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${SITE_PORT}`,
    acceptDownloads: true,
    locale: 'en-GB',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `rm -rf .work/data && '${relayBin}' serve --dev --data .work/data --listen 127.0.0.1:${RELAY_PORT} --cors-origin http://127.0.0.1:${SITE_PORT} --cors-origin http://127.0.0.1:${VITE_APP_PORT} --cors-origin http://127.0.0.1:${PLAIN_PAGE_PORT} --professional-page http://127.0.0.1:${SITE_PORT}/professional`,
      cwd: here,
      url: `http://127.0.0.1:${RELAY_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `node ../demo-site/serve.mjs --port ${SITE_PORT} --relay http://127.0.0.1:${RELAY_PORT}`,
      cwd: here,
      url: `http://127.0.0.1:${SITE_PORT}/`,
      reuseExistingServer: false,
    },
  ],
});
