// policy.test.mjs — a steward (the demo admin) edits a country's rules in the editor's advanced
// JSON view, sees the refused save's message on the rule it concerns, simulates the saved draft
// (outcomes in words), and publishes it through the confirmation (issues 5 and 8). The form
// itself is driven in rule-editor.test.mjs.
// Run: node --test tests/e2e/   (after `cargo build` and scripts/test-deps.sh)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPage, signIn, startServer } from './helpers.mjs';

const RULES = [
  { when: { type: 'age_under', years: 18 }, outcome: 'eligible_with_conditions', conditions: ['dna_test'],
    explanation: 'Children under 18 are received by relatives in Russia.' },
  { when: { type: 'all', of: [{ type: 'sex', is: 'female' }, { type: 'has_child_under18_in_custody' }] },
    outcome: 'case_by_case', explanation: 'Mothers held with their children are considered case by case (e2e test change).' },
  { when: { type: 'always' }, outcome: 'not_eligible', explanation: 'Other adults are not repatriated.' },
];

/** Clicks something that loads a new page and waits for it. */
async function submit(page, selector) {
  await page.evaluate(() => { window.__homewardOldPage = true; });
  await page.click(selector);
  await page.waitForFunction(() => !window.__homewardOldPage);
  await page.waitForLoadState('load');
}

describe('policy editing', { timeout: 180_000 }, () => {
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

  test('a steward edits the rules as JSON, simulates and publishes', { timeout: 150_000 }, async () => {
    const { context, page, blocked } = await newPage(browser, server.baseUrl);
    try {
      await signIn(page, server, 'admin');
      await page.goto(`${server.baseUrl}/policies/RU`);
      const publishedBefore = await page.locator('[data-testid="policy-version"][data-status="published"]').count();
      await Promise.all([
        page.waitForURL((url) => /\/policy-versions\/[0-9a-f-]{36}\/edit$/.test(url.pathname)),
        page.click('[data-testid="new-draft"]'),
      ]);

      // A bad rule is refused with a message that says where, in words.
      await page.click('[data-testid="advanced"] > summary');
      const bad = structuredClone(RULES);
      bad[0].when.years = 0;
      await page.fill('[data-testid="rules"]', JSON.stringify(bad, null, 2));
      await submit(page, '[data-testid="save-json"]');
      const errors = page.locator('[data-testid="rule-errors"]');
      await errors.waitFor({ state: 'visible' });
      assert.match(await errors.innerText(), /Rule 1 · Condition · years: must be between 1 and 120 years/);
      assert.ok((await page.inputValue('[data-testid="rules"]')).includes('"years": 0'), 'what was typed is kept');
      assert.equal(await page.inputValue('input[name="rules[0].when.years"]'), '0', 'and shown on the rule');

      await page.fill('[data-testid="rules"]', JSON.stringify(RULES, null, 2));
      await submit(page, '[data-testid="save-json"]');
      await page.locator('[data-testid="saved"]').waitFor({ state: 'visible' });
      assert.ok((await page.locator('[data-testid="rules-in-words"]').innerText()).includes('e2e test change'));

      // The saved draft, simulated: outcomes in words.
      await submit(page, '[data-testid="simulate"]');
      await page.locator('[data-testid="simulation"]').waitFor({ state: 'visible' });
      const changed = Number(await page.locator('[data-testid="sim-changed"]').innerText());
      assert.ok(changed > 0, `the simulation shows changed outcomes (got ${changed})`);
      const transitions = await page.locator('[data-testid="sim-transition"]').allInnerTexts();
      assert.ok(transitions.length > 0);
      assert.ok(transitions.every((t) => !t.includes('_') && !t.includes('->')), `in words: ${transitions}`);

      // Publication: the confirmation first, then the timeline with the re-evaluation.
      await submit(page, 'a[href*="/publish"]');
      await page.locator('[data-testid="publish-confirm"]').waitFor({ state: 'visible' });
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/policies/RU'),
        page.click('[data-testid="confirm-publish"]'),
      ]);
      await page.locator('[data-testid="reevaluation"]').waitFor({ state: 'visible' });
      const publishedAfter = await page.locator('[data-testid="policy-version"][data-status="published"]').count();
      assert.equal(publishedAfter, publishedBefore + 1, 'the draft is now a published version');
      const newest = page.locator('[data-testid="policy-version"]').first();
      assert.equal(await newest.getAttribute('data-status'), 'published');
      assert.ok((await newest.innerText()).includes('e2e test change'));
      assert.deepEqual(blocked, [], 'the pages tried to reach hosts other than localhost');
    } finally {
      await context.close();
    }
  });
});
