// two-factor.test.mjs — browser end-to-end test of two-factor sign-in (issue 12, point 7).
// A coordinator sets it up on the account page (QR code drawn by the server, secret typed into
// an "authenticator" computed here with node:crypto, RFC 6238), sees ten recovery codes once,
// signs out, and signs in again with the password and then a code. axe-core finds no serious
// violation on the account, enrolment and code pages; no request leaves localhost.
// Run: node --test tests/e2e/   (after `cargo build`)

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CLOCK_START, checkA11y, formatViolations, launchBrowser, newPage, startServer } from './helpers.mjs';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=-]/g, '').toUpperCase()) {
    value = (value << 5) | BASE32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const h = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0x0f;
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000;
  return String(n).padStart(6, '0');
}

describe('two-factor sign-in', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let spawnedAt;

  before(async () => {
    spawnedAt = Date.now();
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // The server's clock is pinned at CLOCK_START when it starts and runs on: its step is about
  // this one (the steps either side are tried too; the server accepts one step of drift).
  const serverStep = () => Math.floor((Date.parse(`${CLOCK_START}Z`) + (Date.now() - spawnedAt)) / 30_000);

  // Types codes for the steps around the server's until the page leaves `fromPath`.
  async function typeCode(page, secret, fromPath, buttonSelector, minStep = -Infinity) {
    const now = serverStep();
    for (const step of [now, now + 1, now - 1, now + 2].filter((s) => s > minStep)) {
      await page.fill('input[name="code"]', totp(secret, step));
      await page.click(buttonSelector);
      await page.waitForLoadState('load');
      if (!page.url().endsWith(fromPath) || (await page.locator('[data-testid="two-factor-codes"]').count()) > 0) {
        return step;
      }
    }
    throw new Error(`no code around step ${now} was accepted on ${fromPath}`);
  }

  test('a coordinator sets it up, keeps the recovery codes, and signs in with a code', { timeout: 150_000 }, async () => {
    const { context, page, blocked } = await newPage(browser, server.baseUrl);
    try {
      const { email, password } = server.logins.coordinator;
      await page.goto(`${server.baseUrl}/login`);
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', password);
      await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('form[action="/login"] button[type=submit]')]);

      await page.click('[data-testid="nav-account"]');
      await page.locator('[data-testid="tf-status"][data-enrolled="false"]').waitFor();
      let violations = await checkA11y(page);
      assert.equal(violations.length, 0, `axe on /account:\n${formatViolations(violations)}`);

      await page.click('[data-testid="tf-enrol"]');
      await page.locator('[data-testid="two-factor-enrol"] svg').waitFor();
      violations = await checkA11y(page);
      assert.equal(violations.length, 0, `axe on the enrolment page:\n${formatViolations(violations)}`);
      const secret = (await page.locator('[data-testid="tf-secret"]').innerText()).trim();
      assert.match(secret, /^[A-Z2-7]{32}$/);

      const used = await typeCode(page, secret, '/account/two-factor/confirm', '[data-testid="tf-confirm"]');
      const codes = await page.locator('[data-testid="tf-codes"] li').allInnerTexts();
      assert.equal(codes.length, 10, 'ten recovery codes');
      assert.ok(codes.every((c) => /^[a-z2-9]{5}-[a-z2-9]{5}$/.test(c.trim())), codes.join(' '));

      await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.click('[data-testid="logout"]')]);
      await page.fill('input[name="email"]', email);
      await page.fill('input[name="password"]', password);
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/login/two-factor'),
        page.click('form[action="/login"] button[type=submit]'),
      ]);
      violations = await checkA11y(page);
      assert.equal(violations.length, 0, `axe on the code page:\n${formatViolations(violations)}`);
      // The code of the enrolment is spent: only a later step signs in.
      await typeCode(page, secret, '/login/two-factor', '[data-testid="tf-submit"]', used);
      assert.equal(new URL(page.url()).pathname, '/');
      await page.locator('[data-testid="home"]').waitFor();
      await page.click('[data-testid="nav-account"]');
      await page.locator('[data-testid="tf-status"][data-enrolled="true"]').waitFor();

      assert.deepEqual(blocked, [], 'the page tried to reach hosts other than localhost');
    } finally {
      await context.close();
    }
  });
});
