// rule-editor.test.mjs — a steward builds a rule WITH THE FORM (no JSON), sees the plain-language
// preview follow the edit, submits an invalid value and sees the refused save's message in view,
// fixes it, saves and confirms the publication; axe finds no serious or critical violation on
// the editor, in English and in Arabic (issue 8).
// Run: cd tests/e2e && HOMEWARD_BIN=/work/main/target/debug/homeward node --test rule-editor.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y, formatViolations, launchBrowser, newPage, signIn, startServer } from './helpers.mjs';

/** Clicks a button that posts the form (or follows a link) and waits for the new page. */
async function submit(page, locator) {
  await page.evaluate(() => { window.__homewardOldPage = true; });
  await locator.click();
  await page.waitForFunction(() => !window.__homewardOldPage);
  await page.waitForLoadState('load');
}

/** Whether the element's box lies inside the viewport. */
async function inView(page, locator) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  return Boolean(box) && box.y >= 0 && box.x >= 0 && box.y + box.height <= vp.height && box.x + box.width <= vp.width;
}

async function assertAccessible(page, what) {
  const violations = await checkA11y(page);
  assert.deepEqual(violations, [], `${what}: axe found serious/critical violations:\n${formatViolations(violations)}`);
}

describe('the structured rule editor', { timeout: 240_000 }, () => {
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

  test('a steward builds a rule with the form, is told what is wrong in view, saves and publishes', { timeout: 200_000 }, async () => {
    const { context, page, blocked } = await newPage(browser, server.baseUrl, { viewport: { width: 1280, height: 720 } });
    try {
      await signIn(page, server, 'admin');
      await page.goto(`${server.baseUrl}/policies/RU`);
      const publishedBefore = await page.locator('[data-testid="policy-version"][data-status="published"]').count();
      await Promise.all([
        page.waitForURL((url) => /\/policy-versions\/[0-9a-f-]{36}\/edit$/.test(url.pathname)),
        page.click('[data-testid="new-draft"]'),
      ]);
      const editorUrl = page.url();
      const blocks = page.locator('[data-testid="rule-block"]');
      const before = await blocks.count();

      // A new rule, built with the selects and fields of the form.
      await submit(page, page.locator('[data-testid="add-rule"]'));
      assert.equal(await blocks.count(), before + 1, 'a rule block is added');
      const added = before - 1; // inserted before the default rule
      const rule = blocks.nth(added);
      await rule.locator(`select[name="rules[${added}].when.type"]`).selectOption('age_under');
      await rule.locator(`input[name="rules[${added}].when.years"]`).fill('12');
      await rule.locator(`select[name="rules[${added}].outcome"]`).selectOption('eligible');
      await rule.locator(`textarea[name="rules[${added}].explanation.en"]`).fill('Children under 12 return with a relative (e2e).');
      await submit(page, rule.locator('[data-testid="show-fields"]').first());
      const preview = page.locator('[data-testid="rule-block"]').nth(added).locator('[data-testid="rule-preview"]');
      assert.match(await preview.innerText(), /If under 12: eligible — Children under 12 return with a relative \(e2e\)\./,
        'the plain-language preview follows the edit');

      // Moved to the top, it decides first.
      await submit(page, page.locator('[data-testid="rule-block"]').nth(added).locator('[data-testid="move-up"]'));
      for (let i = added - 1; i > 0; i--) {
        await submit(page, page.locator('[data-testid="rule-block"]').nth(i).locator('[data-testid="move-up"]'));
      }
      assert.match(await page.locator('[data-testid="rule-block"]').first().locator('[data-testid="rule-preview"]').innerText(),
        /If under 12: eligible/);
      assert.match(await page.locator('[data-testid="rules-in-words"] li').first().innerText(), /under 12/);

      // An invalid value is refused; the message is in view, and on the rule's field.
      await page.fill('input[name="rules[0].when.years"]', '0');
      await submit(page, page.locator('[data-testid="save-draft"]'));
      const summary = page.locator('[data-testid="rule-errors"]');
      await summary.waitFor({ state: 'visible' });
      assert.ok(await inView(page, summary), 'the refused save\'s message is in view without scrolling');
      assert.match(await summary.innerText(), /Rule 1 · Condition · years: must be between 1 and 120 years/);
      assert.equal(await page.inputValue('input[name="rules[0].when.years"]'), '0', 'what was typed is kept');
      await assertAccessible(page, 'the editor with a refused save');
      await summary.locator('a[href="#f-rules-0-when-years"]').click();
      const onField = page.locator('#f-rules-0-when-years-err');
      assert.match(await onField.innerText(), /between 1 and 120/);
      assert.ok(await inView(page, onField), 'the summary\'s link brings the message on the rule into view');

      // Fixed and saved.
      await page.fill('input[name="rules[0].when.years"]', '12');
      await submit(page, page.locator('[data-testid="save-draft"]'));
      await page.locator('[data-testid="saved"]').waitFor({ state: 'visible' });
      assert.match(await page.locator('[data-testid="rules-in-words"] li').first().innerText(), /If under 12: eligible/);
      await assertAccessible(page, 'the editor in English');

      // In Arabic, right to left, the editor is accessible too.
      await submit(page, page.locator('[data-testid="lang-ar"]'));
      assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
      assert.equal(new URL(page.url()).pathname, new URL(editorUrl).pathname);
      assert.match(await page.locator('[data-testid="save-draft"]').innerText(), /حفظ/);
      await assertAccessible(page, 'the editor in Arabic');
      await submit(page, page.locator('[data-testid="lang-en"]'));

      // Publishing asks first and shows the effect; only the confirmation publishes.
      await submit(page, page.locator('[data-testid="publish"]'));
      await page.locator('[data-testid="publish-confirm"]').waitFor({ state: 'visible' });
      await page.locator('[data-testid="simulation"]').waitFor({ state: 'visible' });
      const evaluated = Number(await page.locator('[data-testid="sim-evaluated"]').innerText());
      assert.ok(evaluated > 0, `the confirmation shows the simulation (evaluated ${evaluated})`);
      for (const row of await page.locator('[data-testid="sim-transition"]').allInnerTexts()) {
        assert.doesNotMatch(row, /_|->/, 'transitions in words, not codes');
      }
      await assertAccessible(page, 'the publication\'s confirmation');
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/policies/RU' && url.searchParams.has('job')),
        page.click('[data-testid="confirm-publish"]'),
      ]);
      await page.locator('[data-testid="reevaluation"]').waitFor({ state: 'visible' });
      const publishedAfter = await page.locator('[data-testid="policy-version"][data-status="published"]').count();
      assert.equal(publishedAfter, publishedBefore + 1, 'the draft is now a published version');
      assert.match(await page.locator('[data-testid="policy-version"]').first().innerText(), /Children under 12 return/);
      assert.deepEqual(blocked, [], 'the pages tried to reach hosts other than localhost');
    } finally {
      await context.close();
    }
  });
});
