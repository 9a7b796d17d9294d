// cases.test.mjs — the coordinator's path through the cases in a real browser (issue 10): the
// dashboard with its chart, a drill into one country and into its open cases, a case opened,
// consent recorded for every member, its submission approved with the button, and the case
// list downloaded as CSV (with its byte-order mark); axe-core finds no serious or critical
// violation on the dashboard, the case list and the case page in English and Arabic; no request
// leaves localhost.
// Run: node --test tests/e2e/   (after `cargo build` and scripts/test-deps.sh)

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { checkA11y, formatViolations, launchBrowser, newPage, signIn, startServer } from './helpers.mjs';

async function noSeriousViolations(page, what) {
  const violations = await checkA11y(page);
  assert.equal(violations.length, 0, `axe-core on ${what}:\n${formatViolations(violations)}`);
}

describe('cases and backlogs', { timeout: 300_000 }, () => {
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

  test('a coordinator drills from the dashboard into a case, approves its submission and downloads the list',
    { timeout: 200_000 }, async () => {
      const { context, page, blocked } = await newPage(browser, server.baseUrl);
      try {
        await signIn(page, server, 'coordinator');
        await page.click('[data-testid="nav-backlog"]');
        await page.locator('[data-testid="backlog-chart"]').waitFor({ state: 'visible' });
        await noSeriousViolations(page, 'the dashboard');
        // Drill into France, then into its open cases.
        await page.click('[data-testid="backlog-row"][data-country="FR"] [data-testid="backlog-country"]');
        await page.locator('[data-testid="backlog-country-page"][data-country="FR"]').waitFor();
        // Every figure drills down: the eligible French claimants held now, as a filtered list.
        const eligible = page.locator('[data-testid="backlog-outcomes"] li[data-outcome="eligible"] a');
        const shown = Number.parseInt(await eligible.innerText(), 10);
        assert.ok(shown > 0, 'the demo data has eligible French claimants');
        await eligible.click();
        await page.waitForURL((url) => url.pathname === '/families' && url.search.includes('view=persons')
          && url.search.includes('outcome=eligible'));
        assert.equal(await page.locator('[data-testid="person-row"]').count(), Math.min(shown, 50), 'one row per person');
        assert.equal(await page.inputValue('#f-outcome'), 'eligible');
        assert.equal(await page.inputValue('#f-nationality'), 'FR');
        assert.ok(await page.isChecked('input[name="held"]'));
        await noSeriousViolations(page, 'a drill-down list');
        await page.goBack();
        await page.locator('[data-testid="backlog-country-page"][data-country="FR"]').waitFor();
        await page.locator('[data-testid="backlog-statuses"] tr', { hasText: 'Ready for submission' }).locator('a').first().click();
        await page.waitForURL((url) => url.pathname === '/cases' && url.search.includes('status=ready_for_submission'));
        await noSeriousViolations(page, 'the case list');
        await page.locator('[data-testid="case-link"]').first().click();
        await page.locator('[data-testid="case"][data-status="ready_for_submission"]').waitFor();
        // Consent for every member: their own for adults, a parent's for children.
        const members = await page.locator('#c-person option').evaluateAll((os) => os.map((o) => o.value));
        for (const member of members) {
          await page.selectOption('#c-person', member);
          const ages = await page.locator(`[data-testid="case-member"][data-person-id="${member}"] td`).first().innerText();
          const child = Number.parseInt(ages, 10) < 18;
          await page.selectOption('#c-by', child ? 'parent' : 'person');
          if (child) await page.fill('#c-name', 'Aïcha Benarbia (fictional)');
          await Promise.all([page.waitForURL(/saved=1/), page.click('[data-testid="consent-form"] button[type=submit]')]);
        }
        await noSeriousViolations(page, 'the case page');
        await Promise.all([
          page.waitForURL(/saved=1/),
          page.click('[data-testid="step-submitted"] button[type=submit]'),
        ]);
        await page.locator('[data-testid="case"][data-status="submitted"]').waitFor();
        // The list of submitted French cases, downloaded.
        await page.goto(`${server.baseUrl}/cases?destination=FR&status=submitted`);
        await page.click('[data-testid="export"] summary');
        await page.fill('#x-purpose', 'weekly review with the coordinator team');
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-button"]')]);
        assert.match(download.suggestedFilename(), /^homeward-cases-.*\.csv$/);
        const text = await readFile(await download.path(), 'utf8');
        assert.ok(text.startsWith('\uFEFF'), 'a byte-order mark for Excel');
        assert.match(text, /Benarbia/);
        // The same pages in Arabic.
        await page.click('[data-testid="lang-ar"]');
        await page.goto(`${server.baseUrl}/backlog`);
        await page.locator('html[dir="rtl"] [data-testid="backlog-chart"]').waitFor();
        await noSeriousViolations(page, 'the dashboard in Arabic');
        await page.goto(`${server.baseUrl}/cases`);
        await noSeriousViolations(page, 'the case list in Arabic');
        assert.deepEqual(blocked, [], 'no request leaves the server');
      } finally {
        await context.close();
      }
    });
});
