// End-to-end check of the web UI against a real `lifeline demo` server in Debian's chromium.
//
//   node tests/browser/login.test.mjs <path-to-lifeline-binary>
//
// Starts the demo server on a free port with a fresh database, logs in as the demo admin and
// walks the built pages in both languages. Prints one line per check and then
// "N passed, M failed"; exits 0 only when every check passed. The server and the browser are
// always stopped, also on failure. Needs `npm ci` in tests/browser (playwright-core).

import fs from 'node:fs';
import path from 'node:path';

import {
  CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, REPO, STEP_TIMEOUT_MS, check, expect, results,
  runBrowserTest, startDemo, waitHeading, webCatalogue,
} from './harness.mjs';

// Web ids of the catalogue that the server does not serve: a binary built before they were added.
function unservedWebIds(text) {
  const webIds = Object.keys(webCatalogue());
  return Object.entries(text.messages).flatMap(([locale, messages]) =>
    webIds.filter((id) => !messages[id]).map((id) => `${id} (${locale})`));
}

// Every literal 'web.…' id in web/*.js must be in the catalogue (i18n/*.json) in both languages. Ids built
// at run time (web.nav.${route}, web.module.${key}.purpose) are covered by their prefix being used.
function catalogueGaps() {
  const catalogue = webCatalogue();
  const ids = Object.keys(catalogue);
  const gaps = [];
  const files = fs.readdirSync(path.join(REPO, 'web'), { recursive: true })
    .filter((name) => name.endsWith('.js'));
  for (const file of files) {
    const source = fs.readFileSync(path.join(REPO, 'web', file), 'utf8');
    for (const [, id] of source.matchAll(/['"`](web\.[A-Za-z0-9_.-]+)['"`]/g)) {
      const isPrefix = ids.some((known) => known.startsWith(`${id}.`));
      const entry = catalogue[id];
      if (!isPrefix && !(entry?.['zh-CN'] && entry?.en)) gaps.push(`${id} (${file})`);
    }
  }
  for (const [id, entry] of Object.entries(catalogue)) {
    if (!entry['zh-CN'] || !entry.en) gaps.push(`${id} lacks a language`);
  }
  return gaps;
}

async function headingText(page) {
  return (await page.locator('main h1').first().textContent())?.trim();
}

async function main(session) {
  const started = await startDemo(session, 'login.test.mjs');
  if (started.exitCode !== undefined) return started.exitCode;
  const { chromium, baseUrl, text } = started;
  const { workDir } = session;
  await check('catalogue: every web.* id used by web/ has zh-CN and en', () => {
    const gaps = catalogueGaps();
    expect(gaps.length === 0, `missing: ${gaps.slice(0, 8).join(', ')}`);
  });
  await check('server serves every web id of the catalogue (binary built with the current catalogue)', () => {
    const missing = unservedWebIds(text);
    expect(missing.length === 0, `${missing.length} missing, e.g. ${missing.slice(0, 3).join(', ')}`);
  });

  const browser = session.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await check('login page renders in Chinese', async () => {
    await page.goto(`${baseUrl}/`);
    await page.locator('[data-testid=login-username]').waitFor();
    await waitHeading(page, text('zh-CN', 'web.login.title'));
    expect(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'html lang is not zh-CN');
  });

  await check("wrong password shows the server's error message", async () => {
    const direct = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Language': 'zh-CN' },
      body: JSON.stringify({ username: 'admin', password: 'not-the-password' }),
    });
    expect(direct.status === 401, `API answered ${direct.status}, expected 401`);
    const message = (await direct.json())?.error?.message;
    expect(message, 'the 401 carries no error.message');
    await page.fill('[data-testid=login-username]', 'admin');
    await page.fill('[data-testid=login-password]', 'not-the-password');
    await page.click('[data-testid=login-submit]');
    const alert = page.locator('[data-testid=error]');
    await alert.waitFor();
    const shown = (await alert.textContent()).trim();
    expect(shown === message, `page shows "${shown}", server says "${message}"`);
    return shown;
  });

  const loggedIn = await check('admin logs in and sees the home page', async () => {
    await page.fill('[data-testid=login-username]', 'admin');
    await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=user-role]').waitFor();
    await waitHeading(page, text('zh-CN', 'web.home.title'));
    expect(page.url().endsWith('#/home'), `landed on ${page.url()}`);
    const role = (await page.locator('[data-testid=user-role]').textContent()).trim();
    expect(role === text('zh-CN', 'role.admin'), `role badge says "${role}"`);
  });

  if (loggedIn) {
    await check('overview: the districts card says 13 and every card is there', async () => {
      const value = page.locator('[data-testid=overview-districts] .card-value');
      await value.waitFor();
      const districts = (await value.textContent()).trim();
      expect(districts === '13', `districts card says "${districts}"`);
      for (const key of ['hospitals', 'beds', 'residents', 'vulnerable_residents', 'volunteers']) {
        const card = page.locator(`[data-testid=overview-${key}] .card-value`);
        expect(await card.count() === 1, `card overview-${key} missing`);
        expect(/\d/.test(await card.textContent()), `card overview-${key} shows no number`);
      }
    });

    await check('district table has 13 rows including 420106', async () => {
      const rows = page.locator('[data-testid=district-table] tbody tr');
      await rows.first().waitFor();
      const count = await rows.count();
      expect(count === 13, `${count} rows`);
      const codes = await rows.locator('td:first-child').allTextContents();
      expect(codes.map((code) => code.trim()).includes('420106'), `codes: ${codes.join(' ')}`);
    });

    await check('screenshot of the home page', async () => {
      const shot = path.join(workDir, 'home.png');
      await page.screenshot({ path: shot, fullPage: true });
      return shot;
    });

    await check('switching to English shows English headings', async () => {
      await page.click('[data-testid=lang-en]');
      await waitHeading(page, text('en', 'web.home.title'));
      const beds = (await page.locator('[data-testid=nav-beds]').textContent()).trim();
      expect(beds === text('en', 'web.nav.beds'), `beds nav says "${beds}"`);
    });

    await check('English is saved to the account and kept after a reload', async () => {
      await page.reload();
      await waitHeading(page, text('en', 'web.home.title'));
    });

    await check('switching back to Chinese', async () => {
      await page.click('[data-testid=lang-zh-CN]');
      await waitHeading(page, text('zh-CN', 'web.home.title'));
    });

    await check('Beds lists Huoshenshan (火神山)', async () => {
      await page.click('[data-testid=nav-beds]');
      await waitHeading(page, text('zh-CN', 'web.beds.title'));
      const table = page.locator('[data-testid=hospital-table]');
      await table.waitFor();
      const content = await table.textContent();
      expect(content.includes('火神山'), 'no 火神山 in the hospital table');
    });

    await check('Beds district filter narrows the list', async () => {
      await page.selectOption('[data-testid=district-filter]', '420106');
      await page.waitForFunction(() => {
        const table = document.querySelector('[data-testid=hospital-table], [data-testid=hospital-table-empty]');
        return table && !table.textContent.includes('火神山');
      }, null, { timeout: STEP_TIMEOUT_MS });
      expect(page.url().endsWith('#/beds?district=420106'), `address is ${page.url()}`);
    });

    await check('a module not built yet says so plainly', async () => {
      await page.click('[data-testid=nav-community]');
      const panel = page.locator('[data-testid=module-pending]');
      await panel.waitFor();
      const content = await panel.textContent();
      expect(content.includes(text('zh-CN', 'web.module.unavailable')), 'no "not yet available" note');
    });

    await check('admin sees the users and the audit log', async () => {
      await page.click('[data-testid=nav-admin]');
      const users = page.locator('[data-testid=user-table]');
      await users.waitFor();
      expect((await users.textContent()).includes('admin'), 'no admin in the users table');
      await page.click('[data-testid=admin-tab-audit]');
      await page.locator('[data-testid=audit-table], [data-testid=audit-table-empty]').first().waitFor();
      const errors = await page.locator('[data-testid=error]').allTextContents();
      expect(errors.length === 0, `audit page shows an error: ${errors.join(' ')}`);
    });

    await check('logout returns to the login page', async () => {
      await page.click('[data-testid=logout]');
      await page.locator('[data-testid=login-username]').waitFor();
    });
  }

  await check('no uncaught errors in the page', () => {
    expect(pageErrors.length === 0, pageErrors.join(' | '));
  });
  return results.failed === 0 ? 0 : 1;
}

await runBrowserTest('lifeline-browser-', main);
