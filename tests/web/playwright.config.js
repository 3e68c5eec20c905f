// Playwright configuration: Debian's chromium (/usr/bin/chromium), never a downloaded browser. The server is
// started by run_browser_tests.sh, which passes its address in ENTITLE_URL.
const { defineConfig } = require('@playwright/test');

const chromium = process.env.CHROMIUM || '/usr/bin/chromium';

module.exports = defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.js$/,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: process.env.ENTITLE_URL || 'http://127.0.0.1:8080',
    browserName: 'chromium',
    launchOptions: { executablePath: chromium, args: ['--no-sandbox', '--disable-dev-shm-usage', '--font-render-hinting=none', '--lang=zh-CN'] },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
