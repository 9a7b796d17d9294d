// policy.test.mjs — an admin edits a rule of a country's policy, sees the validation message
// for a bad rule, simulates the draft against the version in force and publishes it (issue 5).
// Run: node --test tests/e2e/   (after `cargo build` and scripts/test-deps.sh)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, newPage, startServer } from './helpers.mjs';

const RULES = [
  { when: { type: 'age_under', years: 18 }, outcome: 'eligible_with_conditions', conditions: ['dna_test'],
    explanation: 'Children under 18 are received by relatives in Russia.' },
  { when: { type: 'all', of: [{ type: 'sex', is: 'female' }, { type: 'has_child_under18_in_custody' }] },
    outcome: 'case_by_case', explanation: 'Mothers held with their children are considered case by case (e2e test change).' },
  { when: { type: 'always' }, outcome: 'not_eligible', explanation: 'Other adults are not repatriated.' },
];

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

  test('an admin edits a rule, simulates and publishes', { timeout: 150_000 }, async () => {
    const { context, page, blocked } = await newPage(browser, server.baseUrl);
    try {
      await page.goto(`${server.baseUrl}/login`);
      await page.fill('input[name="email"]', server.logins.admin.email);
      await page.fill('input[name="password"]', server.logins.admin.password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/'),
        page.click('form[action="/login"] button[type=submit]'),
      ]);

      await page.goto(`${server.baseUrl}/policies/RU`);
      const publishedBefore = await page.locator('[data-testid="policy-version"][data-status="published"]').count();
      await Promise.all([
        page.waitForURL((url) => /\/policy-versions\/[0-9a-f-]{36}\/edit$/.test(url.pathname)),
        page.click('[data-testid="new-draft"]'),
      ]);

      // A bad rule is refused with a message that says where.
      const bad = structuredClone(RULES);
      bad[0].when.years = 0;
      await page.fill('[data-testid="rules"]', JSON.stringify(bad, null, 2));
      await page.click('[data-testid="save-draft"]');
      const errors = page.locator('[data-testid="rule-errors"]');
      await errors.waitFor({ state: 'visible' });
      assert.ok((await errors.innerText()).includes('rules[0].when.years'), 'the message names the rule field');
      assert.ok((await page.inputValue('[data-testid="rules"]')).includes('"years": 0'), 'what was typed is kept');

      await page.fill('[data-testid="rules"]', JSON.stringify(RULES, null, 2));
      await page.click('[data-testid="save-draft"]');
      await page.locator('[data-testid="saved"]').waitFor({ state: 'visible' });
      assert.ok((await page.locator('main').innerText()).includes('e2e test change'));

      await page.click('[data-testid="simulate"]');
      const sim = page.locator('[data-testid="simulation"]');
      await sim.waitFor({ state: 'visible' });
      const changed = Number(await page.locator('[data-testid="sim-changed"]').innerText());
      assert.ok(changed > 0, `the simulation shows changed outcomes (got ${changed})`);
      assert.ok((await page.locator('[data-testid="sim-transition"]').count()) > 0);

      await Promise.all([
        page.waitForURL((url) => url.pathname === '/policies/RU'),
        page.click('[data-testid="publish"]'),
      ]);
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
