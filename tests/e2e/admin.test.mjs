// admin.test.mjs — an admin creates a user (a refused form first), sees the confirmation and
// the generated password once, opens the audit trail and verifies the chain, in English and in
// Arabic (switched with the language form), at 1024x600; axe finds no serious or critical
// violation on those pages (issue 8).
// Run: node --test tests/e2e/   (after `cargo build` and scripts/test-deps.sh)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y, formatViolations, launchBrowser, newPage, signIn, startServer } from './helpers.mjs';

/** Fails with axe's report if the page has a serious or critical violation. */
async function assertAccessible(page, what) {
  const violations = await checkA11y(page);
  assert.deepEqual(violations.map((v) => v.id), [], `${what}: ${formatViolations(violations)}`);
}

/** Fails if the page is wider than the window (the 1024x600 laptops of field offices). */
async function assertNoSidewaysScroll(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `${what}: the page is ${scroll}px wide in a ${inner}px window`);
}

describe('admin pages', { timeout: 300_000 }, () => {
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

  for (const lang of ['en', 'ar']) {
    test(`an admin creates a user and verifies the audit chain (${lang})`, { timeout: 180_000 }, async () => {
      const { context, page, blocked } = await newPage(browser, server.baseUrl, {
        viewport: { width: 1024, height: 600 },
      });
      try {
        await signIn(page, server, 'admin');
        if (lang === 'ar') {
          await page.click('[data-testid="lang-ar"]');
          await page.locator('html[lang="ar"][dir="rtl"]').waitFor({ state: 'attached' });
        }
        assert.equal(await page.getAttribute('html', 'lang'), lang);

        // The home page links the users page.
        await Promise.all([
          page.waitForURL((url) => url.pathname === '/admin/users'),
          page.click('[data-testid="home-users"]'),
        ]);
        await assertAccessible(page, 'users');
        await assertNoSidewaysScroll(page, 'users');

        // A refused form: the summary at the top links to the field, the message is beside it.
        await page.fill('#new-email', 'not-an-email');
        await page.click('[data-testid="user-create"]');
        const summary = page.locator('[data-testid="error-summary"]');
        await summary.waitFor({ state: 'visible' });
        assert.equal(await summary.locator('a[href="#new-email"]').count(), 1);
        assert.equal(await page.getAttribute('#new-email', 'aria-invalid'), 'true');
        assert.equal(await page.inputValue('#new-email'), 'not-an-email', 'what was typed is kept');
        await assertAccessible(page, 'users, refused');

        // The account is created; its password is shown this once, never in the URL.
        const email = `e2e.${lang}.${Date.now()}@example.org`;
        await page.fill('#new-email', email);
        await page.fill('#new-name', lang === 'ar' ? 'ريم الخطيب (خيالية)' : 'Reem Khatib (fictional)');
        await page.selectOption('#new-role', 'coordinator');
        await page.click('[data-testid="user-create"]');
        await page.locator('[data-testid="saved"]').waitFor({ state: 'visible' });
        const password = (await page.locator('[data-testid="generated-password"]').innerText()).trim();
        assert.match(password, /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
        assert.ok(!page.url().includes(password), 'the password is not in the URL');
        assert.equal((await page.locator('[data-testid="created-email"]').innerText()).trim(), email);
        await assertAccessible(page, 'user created');

        // The audit trail shows the creation; the chain verifies.
        await Promise.all([
          page.waitForURL((url) => url.pathname === '/admin/audit'),
          page.click('[data-testid="subnav-audit"]'),
        ]);
        assert.ok((await page.locator('[data-testid="audit-event"][data-action="user.create"]').count()) >= 1);
        await assertAccessible(page, 'audit trail');
        await assertNoSidewaysScroll(page, 'audit trail');

        await page.selectOption('#f-outcome', 'success');
        await page.fill('#f-action', 'user.create');
        await Promise.all([
          page.waitForURL((url) => url.pathname === '/admin/audit' && url.searchParams.get('action') === 'user.create'),
          page.click('[data-testid="audit-filter"]'),
        ]);
        const actions = await page.locator('[data-testid="audit-event"]').evaluateAll(
          (rows) => rows.map((r) => r.getAttribute('data-action')),
        );
        assert.ok(actions.length >= 1 && actions.every((a) => a === 'user.create'), `filtered: ${actions}`);

        await Promise.all([
          page.waitForURL((url) => url.pathname === '/admin/audit/verify'),
          page.click('[data-testid="verify"]'),
        ]);
        await page.locator('[data-testid="verify-ok"]').waitFor({ state: 'visible' });
        assert.equal(await page.getAttribute('[data-testid="verify-report"]', 'data-ok'), 'true');
        assert.ok(Number(await page.locator('[data-testid="verify-checked"]').innerText()) > 0);
        await assertAccessible(page, 'verification');
        await assertNoSidewaysScroll(page, 'verification');

        assert.equal(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
        assert.deepEqual(blocked, [], 'the pages tried to reach hosts other than localhost');
      } finally {
        await context.close();
      }
    });
  }
});
