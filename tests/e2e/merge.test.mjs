// merge.test.mjs — a caseworker logs the same woman twice (in Latin and in Arabic script) through
// the intake form, builds the duplicate review list (the page follows the build by reloading
// itself, without JavaScript), compares the pair side by side, merges the Arabic record into the
// Latin one, sees the kept person's page name the merged record, and undoes the merge, which
// brings the Arabic record back (issue 11).
// Run: node --test tests/e2e/   (after `cargo build` and scripts/test-deps.sh)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y, formatViolations, launchBrowser, newPage, signIn, startServer } from './helpers.mjs';

/** Logs a family of one woman through the intake form; returns her person id. */
async function logWoman(page, baseUrl, given, family, year) {
  await page.goto(`${baseUrl}/families/new`);
  await page.fill('input[name="label"]', `Family of ${given} ${family} (fictional, e2e)`);
  await page.fill('input[name="members[0].given_name"]', given);
  await page.fill('input[name="members[0].family_name"]', family);
  await page.selectOption('select[name="members[0].sex"]', 'female');
  await page.fill('input[name="members[0].birth_year"]', String(year));
  const logged = (url) => /^\/families\/[0-9a-f-]{36}$/.test(url.pathname);
  await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="intake-submit"]')]);
  // The intake form may ask first whether she is logged already ("This may be …"): she is
  // logged again on purpose, to be merged afterwards.
  if (!logged(new URL(page.url()))) {
    const confirm = page.locator('[data-testid="intake-confirm-new"]');
    assert.equal(await confirm.count(), 1, `the intake form neither logged ${given} nor asked about her`);
    await Promise.all([page.waitForURL(logged), confirm.click()]);
  }
  const id = await page.locator('[data-testid="member"]').first().getAttribute('data-person-id');
  assert.ok(id, `${given} has a person id on her family's page`);
  return id;
}

describe('duplicate review and merge', { timeout: 240_000 }, () => {
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

  test('a woman logged in two scripts is merged from the review list, and the merge undone', { timeout: 200_000 }, async () => {
    const { context, page, blocked } = await newPage(browser, server.baseUrl);
    try {
      await signIn(page, server, 'caseworker');
      const latin = await logWoman(page, server.baseUrl, 'Maryam', 'Hadad', 1988);
      const arabic = await logWoman(page, server.baseUrl, 'مريم', 'حداد', 1988);

      // The review list, from the navigation; built by a job that the page follows.
      await page.goto(`${server.baseUrl}/families`);
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/duplicates'),
        page.click('[data-testid="nav-duplicates"]'),
      ]);
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/duplicates' && url.search.includes('done=queued')),
        page.click('[data-testid="dup-build-button"]'),
      ]);
      const state = await page.locator('[data-testid="dup-build"]').getAttribute('data-status');
      if (state === 'queued' || state === 'running') {
        assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 1, 'the page reloads itself meanwhile');
      }
      // The <meta> refresh reloads the page until the build is done; no reload by hand.
      await page.locator('[data-testid="dup-build"][data-status="done"]').waitFor({ timeout: 120_000 });
      assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0, 'done: no more reloading');
      const listA11y = await checkA11y(page);
      assert.deepEqual(listA11y, [], formatViolations(listA11y));

      // The pair, best first: on the first page or a later one.
      const ours = `tr[data-testid="dup-pair"][data-a="${latin < arabic ? latin : arabic}"][data-b="${latin < arabic ? arabic : latin}"]`;
      for (let i = 0; i < 20 && (await page.locator(ours).count()) === 0; i += 1) {
        const next = page.locator('[data-testid="page-next"]');
        assert.equal(await next.count(), 1, 'the pair is in the list');
        await Promise.all([page.waitForLoadState('load'), next.click()]);
      }
      const row = page.locator(ours);
      assert.equal(await row.getAttribute('data-band'), 'likely');
      const rowText = await row.innerText();
      assert.ok(rowText.includes('Maryam Hadad') && rowText.includes('مريم حداد'), rowText);

      // Side by side.
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/duplicates/compare'),
        row.locator('[data-testid="dup-compare"]').click(),
      ]);
      const table = await page.locator('[data-testid="dup-compare-table"]').innerText();
      assert.ok(table.includes('Maryam Hadad') && table.includes('مريم حداد'), 'both records are shown');
      assert.ok(table.includes('1988'));
      const compareA11y = await checkA11y(page);
      assert.deepEqual(compareA11y, [], formatViolations(compareA11y));

      // Keep the Latin record, whichever column it is in.
      const left = await page.locator('[data-testid="dup-comparison"]').getAttribute('data-a');
      const keep = left === latin ? 'dup-keep-left' : 'dup-keep-right';
      await Promise.all([
        page.waitForURL((url) => url.pathname === `/persons/${latin}` && url.search.startsWith('?merged=')),
        page.click(`[data-testid="${keep}"]`),
      ]);
      const notice = page.locator('[data-testid="merge-notice"]');
      assert.equal(await notice.locator('p').innerText(), 'مريم حداد was merged into this record.');
      assert.equal(await page.locator('[data-testid="merges"] [data-testid="merge-item"][data-undone="false"]').count(), 1);
      const personA11y = await checkA11y(page);
      assert.deepEqual(personA11y, [], formatViolations(personA11y));

      // Undo: the Arabic record comes back.
      await Promise.all([
        page.waitForURL((url) => url.pathname === `/persons/${arabic}` && url.search.startsWith('?restored=')),
        notice.locator('[data-testid="merge-notice-undo"]').click(),
      ]);
      assert.ok((await page.locator('[data-testid="merge-notice"]').innerText()).includes('The merge was undone'));
      assert.ok((await page.locator('h1').innerText()).includes('مريم حداد'), 'the restored person');
      await page.goto(`${server.baseUrl}/persons/${latin}`);
      assert.equal(await page.locator('[data-testid="merge-item"][data-undone="true"]').count(), 1);
      assert.equal(await page.locator('[data-testid="merge-undo"]').count(), 0, 'nothing left to undo');
      assert.deepEqual(blocked, [], 'the pages tried to reach hosts other than localhost');
    } finally {
      await context.close();
    }
  });
});
