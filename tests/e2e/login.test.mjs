// login.test.mjs — browser end-to-end test of signing in and switching language.
// Starts `homeward serve --demo` (see helpers.mjs) and drives Debian's Chromium:
// a caseworker signs in, lands on the home page, switches to Arabic (RTL); the
// login page has no serious/critical axe-core violations; a wrong password shows
// an alert and stays on /login; no request ever leaves 127.0.0.1/localhost.
// Run: node --test tests/e2e/   (after `cargo build` and scripts/test-deps.sh)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y, formatViolations, launchBrowser, newPage, startServer } from './helpers.mjs';

describe('login', { timeout: 180_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('caseworker signs in, sees home, switches to Arabic', { timeout: 120_000 }, async () => {
    const { context, page, blocked } = await newPage(browser, server.baseUrl);
    try {
      await page.goto(`${server.baseUrl}/login`);

      const violations = await checkA11y(page);
      assert.equal(violations.length, 0,
        `axe-core found serious/critical violations on /login:\n${formatViolations(violations)}`);

      const { email, password } = server.logins.caseworker;
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/'),
        page.click('form[action="/login"] button[type=submit]'),
      ]);

      const home = page.locator('[data-testid="home"]');
      await home.waitFor({ state: 'visible' });
      assert.equal(await home.getAttribute('data-role'), 'caseworker');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      const englishText = (await home.innerText()).trim();

      await page.click('[data-testid="lang-ar"]');
      await page.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
      await home.waitFor({ state: 'visible' });
      const arabicText = (await home.innerText()).trim();
      assert.notEqual(arabicText, englishText, 'home page text did not change after switching to Arabic');

      assert.deepEqual(blocked, [], 'the page tried to reach hosts other than localhost');
    } finally {
      await context.close();
    }
  });

  test('wrong password shows an alert and stays on /login', { timeout: 60_000 }, async () => {
    const { context, page, blocked } = await newPage(browser, server.baseUrl);
    try {
      await page.goto(`${server.baseUrl}/login`);
      await page.fill('input[name="email"]', server.logins.caseworker.email);
      await page.fill('input[name="password"]', 'definitely-not-the-password');
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.click('form[action="/login"] button[type=submit]'),
      ]);

      await page.locator('[role="alert"]').first().waitFor({ state: 'visible' });
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.deepEqual(blocked, [], 'the page tried to reach hosts other than localhost');
    } finally {
      await context.close();
    }
  });
});
