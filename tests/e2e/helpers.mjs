// helpers.mjs — shared helpers for Homeward's browser end-to-end tests
// (run with `node --test tests/e2e/` after `cargo build` and scripts/test-deps.sh).
//
//   startServer()            spawn `homeward serve --demo` on a free port in a temp dir,
//                            wait for its URL and the demo logins it prints
//   launchBrowser()          Debian's Chromium (/usr/bin/chromium) through playwright-core
//   newPage(browser, url)    a fresh context + page that blocks (and records) every
//                            request to a host other than 127.0.0.1/localhost
//   checkA11y(page)          run axe-core in the page, return serious/critical violations
//   formatViolations(v)      readable text of those violations
//
// Environment: HOMEWARD_BIN (default target/debug/homeward, relative to the repo root),
// HOMEWARD_CHROMIUM (default /usr/bin/chromium).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM_PATH = process.env.HOMEWARD_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** The moment the server's clock starts at (UTC). */
export const CLOCK_START = '2026-11-26T12:00:00';

const STARTUP_TIMEOUT_MS = 60_000;
const LISTEN_RE = /listening on (http:\/\/[^\s"'<>,}\]]+)/;
const LOGIN_RE = /^\s*(admin|coordinator|caseworker)\s+(\S+@\S+)\s+(\S+)\s*$/;
const ROLES = ['admin', 'coordinator', 'caseworker'];
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-9;]*[A-Za-z]/g;
const MAX_CAPTURE = 1 << 20; // keep at most 1 MiB of each stream for error messages

/** Servers still running, killed if the test process exits without stopping them. */
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/** Path of the homeward binary under test. */
export function homewardBin() {
  return path.resolve(REPO_ROOT, process.env.HOMEWARD_BIN || 'target/debug/homeward');
}

/**
 * Start `homeward serve --demo --bind 127.0.0.1:0` in a fresh temporary directory.
 * Resolves once the server has printed its URL and the three demo logins.
 * @returns {Promise<{baseUrl: string, logins: Record<string, {email: string, password: string}>,
 *                    tmpDir: string, output: () => string, stop: () => Promise<void>}>}
 */
export async function startServer() {
  const bin = homewardBin();
  if (!existsSync(bin)) {
    throw new Error(`homeward binary not found at ${bin}: run \`cargo build\` first or set HOMEWARD_BIN`);
  }
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'homeward-e2e-'));
  const child = spawn(bin, ['serve', '--demo', '--bind', '127.0.0.1:0'], {
    cwd: tmpDir,
    env: {
      ...process.env,
      HOMEWARD_DATABASE_URL: path.join(tmpDir, 'e2e.db'),
      HOMEWARD_COOKIE_SECURE: 'false',
      HOMEWARD_LOG_FORMAT: 'json',
      // Pinned like the API tests' servers, so what the pages show never depends on the date.
      HOMEWARD_CLOCK_START: CLOCK_START,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');

  let stdout = '';
  let stderr = '';
  const output = () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
  let baseUrl = null;
  const logins = {};
  let exited = null;

  let onProgress = () => {};
  const scan = (line, { logins: withLogins }) => {
    const clean = line.replace(ANSI_RE, '');
    if (!baseUrl) {
      const m = LISTEN_RE.exec(clean);
      if (m) baseUrl = m[1].replace(/\/+$/, '');
    }
    if (withLogins) {
      const l = LOGIN_RE.exec(clean);
      if (l && !logins[l[1]]) logins[l[1]] = { email: l[2], password: l[3] };
    }
    onProgress();
  };
  // Split a stream into lines; keep at most MAX_CAPTURE of it for error messages.
  const lineReader = (append, onLine) => {
    let partial = '';
    return (chunk) => {
      const text = String(chunk);
      append(text);
      partial += text;
      const lines = partial.split(/\r?\n/);
      partial = lines.pop();
      lines.forEach(onLine);
    };
  };
  // Demo logins are read from stdout; the URL from stdout, or stderr in case it is
  // only logged there. Both pipes are drained for the server's whole life so it
  // never blocks on a write.
  child.stdout.on('data', lineReader((t) => { if (stdout.length < MAX_CAPTURE) stdout += t; },
    (line) => scan(line, { logins: true })));
  child.stderr.on('data', lineReader((t) => { if (stderr.length < MAX_CAPTURE) stderr += t; },
    (line) => scan(line, { logins: false })));

  const exitPromise = new Promise((resolve) => {
    // 'close' (not 'exit'): fires once the output pipes are drained too.
    child.on('close', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve(exited);
      onProgress();
    });
  });

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    rmSync(tmpDir, { recursive: true, force: true });
  };

  const ready = () => baseUrl && ROLES.every((r) => logins[r]);
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`homeward did not print its URL and the demo logins within ${STARTUP_TIMEOUT_MS / 1000} s ` +
          `(url: ${baseUrl ?? 'not seen'}, logins seen: ${Object.keys(logins).join(', ') || 'none'})\n${output()}`));
      }, STARTUP_TIMEOUT_MS);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`could not start ${bin}: ${err.message}\n${output()}`));
      });
      onProgress = () => {
        if (ready()) {
          clearTimeout(timer);
          resolve();
        } else if (exited) {
          clearTimeout(timer);
          reject(new Error(`homeward exited (code ${exited.code}, signal ${exited.signal}) before it was ready\n${output()}`));
        }
      };
      onProgress();
    });
  } catch (err) {
    await stop();
    throw err;
  }
  onProgress = () => {};

  return { baseUrl, logins, tmpDir, output, stop };
}

/** Launch Debian's Chromium headless through playwright-core. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: run scripts/test-deps.sh (installs Debian's chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A new browser context and page in which every request to a host other than
 * 127.0.0.1/localhost is aborted and its URL recorded in `blocked`.
 * `contextOptions` are passed to browser.newContext (locale defaults to en-US).
 * @returns {Promise<{context: import('playwright-core').BrowserContext,
 *                    page: import('playwright-core').Page, blocked: string[]}>}
 */
export async function newPage(browser, baseUrl, contextOptions = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...contextOptions });
  const page = await context.newPage();
  const blocked = [];
  const allowed = new Set(LOCAL_HOSTS);
  if (baseUrl) allowed.add(new URL(baseUrl).hostname);
  await page.route('**/*', (route) => {
    const url = route.request().url();
    let host = null;
    let protocol = '';
    try {
      const u = new URL(url);
      host = u.hostname;
      protocol = u.protocol;
    } catch { /* unparsable: treat as external */ }
    const networked = !['data:', 'blob:', 'about:'].includes(protocol);
    if (networked && !allowed.has(host)) {
      blocked.push(url);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  return { context, page, blocked };
}

let axeSource = null;

/**
 * Run axe-core on the page's current document.
 * @returns {Promise<object[]>} the violations whose impact is 'serious' or 'critical'
 */
export async function checkA11y(page, { impacts = ['critical', 'serious'] } = {}) {
  const axePath = require.resolve('axe-core/axe.min.js');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    try {
      await page.addScriptTag({ path: axePath });
    } catch {
      // A strict Content-Security-Policy can refuse the injected <script>;
      // evaluating the source through the DevTools protocol is not subject to it.
    }
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
      axeSource ??= await readFile(axePath, 'utf8');
      await page.evaluate(axeSource);
    }
  }
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.filter((v) => impacts.includes(v.impact));
}

/** Human-readable list of axe violations. */
export function formatViolations(violations) {
  return violations
    .map((v) => `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
      v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`).join('\n'))
    .join('\n');
}

/**
 * Sign in through the login form as one of the demo roles ('admin', 'coordinator',
 * 'caseworker'; the demo admin also holds the policy stewardship) and wait for the home page.
 */
export async function signIn(page, server, role) {
  const login = server.logins[role];
  if (!login) throw new Error(`no demo login for ${role}`);
  await page.goto(`${server.baseUrl}/login`);
  await page.fill('input[name="email"]', login.email);
  await page.fill('input[name="password"]', login.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/'),
    page.click('form[action="/login"] button[type=submit]'),
  ]);
}
