// import.test.mjs — a caseworker imports the 500-row fixture through the UI: the check lists
// its five problems by row and column and its duplicates across scripts, and offers no import;
// the corrected file is checked, imported, and its families are found (issue 11).
// Run: node --test tests/e2e/   (after `cargo build` and scripts/test-deps.sh)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, checkA11y, formatViolations, launchBrowser, newPage, signIn, startServer } from './helpers.mjs';

describe('import', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let dir;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeward-import-'));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a list with problems is refused row by row; the corrected list is imported once', { timeout: 200_000 }, async () => {
    const { context, page, blocked } = await newPage(browser, server.baseUrl);
    try {
      await signIn(page, server, 'caseworker');
      const fixture = fs.readFileSync(path.join(REPO_ROOT, 'tests/fixtures/import_500.csv'), 'utf8');
      const withProblems = path.join(dir, 'list.csv');
      fs.writeFileSync(withProblems, fixture);
      const corrected = path.join(dir, 'list-corrected.csv');
      fs.writeFileSync(corrected, fixture.split('\n').filter((l) => !l.includes('Errorova')).join('\n'));

      await page.goto(`${server.baseUrl}/imports`);
      const a11y = await checkA11y(page);
      assert.deepEqual(a11y, [], formatViolations(a11y));
      await page.setInputFiles('#import-file', withProblems);
      await Promise.all([
        page.waitForURL((url) => /^\/imports\/[0-9a-f-]{36}$/.test(url.pathname)),
        page.click('[data-testid="import-check"]'),
      ]);
      assert.equal(await page.locator('[data-testid="import-rows"]').innerText(), '500');
      const problems = page.locator('[data-testid="import-problems"] tbody tr');
      assert.equal(await problems.count(), 5);
      for (const row of ['495', '496', '497', '498', '499']) {
        assert.equal(await page.locator(`[data-testid="import-problems"] tr[data-row="${row}"]`).count(), 1, `row ${row}`);
      }
      assert.equal(await page.locator('[data-testid="import-commit"]').count(), 0, 'no import with problems');
      const dupText = await page.locator('[data-testid="import-duplicates"]').innerText();
      assert.ok(dupText.includes('عائشة') || dupText.includes('Aisha'), 'Aisha written twice is shown');
      const previewA11y = await checkA11y(page);
      assert.deepEqual(previewA11y, [], formatViolations(previewA11y));

      await page.goto(`${server.baseUrl}/imports`);
      await page.setInputFiles('#import-file', corrected);
      await Promise.all([
        page.waitForURL((url) => /^\/imports\/[0-9a-f-]{36}$/.test(url.pathname)),
        page.click('[data-testid="import-check"]'),
      ]);
      assert.equal(await page.locator('[data-testid="import-persons-new"]').innerText(), '495');
      const previewPath = new URL(page.url()).pathname;
      await Promise.all([
        page.waitForURL((url) => url.pathname === previewPath),
        page.click('[data-testid="import-commit"]'),
      ]);
      // The commit runs as a job: the page shows the rows written and reloads itself until
      // the file is imported.
      const progress = await page.locator('[data-testid="import-progress"]').count();
      const committed = await page.locator('[data-testid="import-committed"]').count();
      assert.equal(progress + committed, 1, 'the page shows the progress or the result');
      await page.waitForSelector('[data-testid="import-committed"]', { timeout: 60000 });

      // The imported woman logged as "Aisha Makhmudova" is found by her name in Arabic script.
      await page.goto(`${server.baseUrl}/families`);
      await page.fill('[data-testid="family-search"]', 'عائشة');
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/families' && url.search.includes('q=')),
        page.click('[data-testid="family-search-submit"]'),
      ]);
      const found = await page.locator('main').innerText();
      assert.ok(found.includes('Makhmudova'), 'the Latin record is found by the Arabic name');

      // The same file again: nothing new.
      await page.goto(`${server.baseUrl}/imports`);
      await page.setInputFiles('#import-file', corrected);
      await Promise.all([
        page.waitForURL((url) => /^\/imports\/[0-9a-f-]{36}$/.test(url.pathname) && url.pathname !== previewPath),
        page.click('[data-testid="import-check"]'),
      ]);
      assert.equal(await page.locator('[data-testid="import-before"]').count(), 1);
      assert.equal(await page.locator('[data-testid="import-persons-new"]').innerText(), '0');
      assert.deepEqual(blocked, [], 'no request left the server');
    } finally {
      await context.close();
    }
  });
});
