// intake.test.mjs — a caseworker logs a mother with two children through the intake form, then
// finds the family by searching a member's name in Arabic script (issue 4); typed again in
// Arabic, the mother is recognised before she is logged twice, and logged only on "none of
// these" (issue 11).
// Run: node --test tests/e2e/   (after `cargo build` and scripts/test-deps.sh)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPage, startServer } from './helpers.mjs';

describe('family intake', { timeout: 180_000 }, () => {
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

  test('a mother and two children logged through the form are found by an Arabic name', { timeout: 120_000 }, async () => {
    const { context, page, blocked } = await newPage(browser, server.baseUrl);
    try {
      await page.goto(`${server.baseUrl}/login`);
      const { email, password } = server.logins.caseworker;
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/'),
        page.click('form[action="/login"] button[type=submit]'),
      ]);

      await page.goto(`${server.baseUrl}/families/new`);
      await page.fill('input[name="label"]', 'Family of Rahma Qasimi (fictional, e2e)');
      await page.fill('input[name="members[0].given_name"]', 'Rahma');
      await page.fill('input[name="members[0].family_name"]', 'Qasimi');
      await page.selectOption('select[name="members[0].sex"]', 'female');
      await page.fill('input[name="members[0].birth_year"]', '1993');
      await page.fill('input[name="members[0].other_name"]', 'رحمة القاسمي');
      await page.selectOption('select[name="members[0].other_name_kind"]', 'other_script');
      await page.selectOption('select[name="members[0].nationality"]', 'TN');
      await page.selectOption('select[name="members[0].facility_id"]', { label: 'Roj' });
      await page.fill('input[name="members[0].admitted_year"]', '2019');

      await page.fill('input[name="members[1].given_name"]', 'Bilal');
      await page.fill('input[name="members[1].family_name"]', 'Qasimi');
      await page.selectOption('select[name="members[1].sex"]', 'male');
      await page.fill('input[name="members[1].birth_year"]', '2014');
      await page.fill('input[name="members[2].given_name"]', 'Safa');
      await page.fill('input[name="members[2].family_name"]', 'Qasimi');
      await page.selectOption('select[name="members[2].sex"]', 'female');
      await page.fill('input[name="members[2].birth_year"]', '2019');

      await Promise.all([
        page.waitForURL((url) => /^\/families\/[0-9a-f-]{36}$/.test(url.pathname)),
        page.click('[data-testid="intake-submit"]'),
      ]);
      const familyPath = new URL(page.url()).pathname;
      const members = page.locator('[data-testid="member"]');
      assert.equal(await members.count(), 3);
      const text = await page.locator('main').innerText();
      for (const name of ['Rahma', 'Bilal', 'Safa', 'Roj']) {
        assert.ok(text.includes(name), `family page shows ${name}`);
      }

      // Search by the mother's name in Arabic script, without the diacritics-free form typed exactly.
      await page.goto(`${server.baseUrl}/families`);
      await page.fill('[data-testid="family-search"]', 'رحمة');
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/families' && url.search.includes('q=')),
        page.click('[data-testid="family-search-submit"]'),
      ]);
      const rows = page.locator('[data-testid="family-row"]');
      assert.equal(await rows.count(), 1, 'exactly one family matches');
      await Promise.all([
        page.waitForURL((url) => url.pathname === familyPath),
        rows.first().locator('a').first().click(),
      ]);

      // The same mother typed again in Arabic script: the form asks before it logs her twice.
      const rahma = await page.locator('[data-testid="member"]', { has: page.locator('summary', { hasText: 'Rahma' }) })
        .getAttribute('data-person-id');
      const personPath = `/persons/${rahma}`;
      await page.goto(`${server.baseUrl}/families/new`);
      await page.fill('input[name="label"]', 'Family of رحمة القاسمي (fictional, e2e)');
      await page.fill('input[name="members[0].given_name"]', 'رحمة');
      await page.fill('input[name="members[0].family_name"]', 'القاسمي');
      await page.selectOption('select[name="members[0].sex"]', 'female');
      await page.fill('input[name="members[0].birth_year"]', '1993');
      await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="intake-submit"]')]);
      assert.equal(new URL(page.url()).pathname, '/families/new', 'nothing logged yet');
      const notice = page.locator('[data-testid="intake-duplicates"][data-block="0"]');
      assert.equal(await notice.locator(`a[href="${personPath}"]`).count(), 1, 'the notice links to her page');
      assert.ok((await notice.innerText()).includes('Rahma Qasimi'));
      assert.equal(await page.inputValue('input[name="members[0].given_name"]'), 'رحمة', 'what was typed is kept');
      await Promise.all([
        page.waitForURL((url) => /^\/families\/[0-9a-f-]{36}$/.test(url.pathname) && url.pathname !== familyPath),
        page.click('[data-testid="intake-confirm-new"]'),
      ]);
      assert.deepEqual(blocked, [], 'the pages tried to reach hosts other than localhost');
    } finally {
      await context.close();
    }
  });
});
