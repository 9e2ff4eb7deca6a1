// End-to-end check of the contact-tracing desk's pages against a real `lifeline demo` server in
// Debian's chromium.
//
//   node tests/browser/tracing.test.mjs <path-to-lifeline-binary>
//
// The demo seeds the supermarket story of issue 6 (D, back from Wuhan without symptoms, the
// likely source of A, B and C). The tracer opens the desk, sees the chain graph laid out by time
// with D flagged as a possible asymptomatic source, clicks A's node to open A's record and sees D
// as A's most likely infector, follows D's node to D's record, records D's positive test (which
// makes D a case with a red code), makes D's private code link, and a person without an account
// opens it and sees the red code; a venue's gate check of the same code shows the colour and
// nothing else. Then the tracer uploads two small cell-tower files, runs the companion engine on
// a case as a job and sees the stranger it finds recorded as a companion with a yellow code. Prints one line per check and "N passed, M failed"; exits 0 only when every check
// passed. Needs `npm ci` in tests/browser.

import path from 'node:path';

import {
  DEMO_PASSWORD, apiGet, apiLogin, check, expect, openDesktopPage, results, runBrowserTest, startDemo,
  waitHeading,
} from './harness.mjs';

async function main(session) {
  const started = await startDemo(session, 'tracing.test.mjs');
  if (started.exitCode !== undefined) return started.exitCode;
  const { chromium, baseUrl, text } = started;
  const { workDir } = session;

  const { browser, page, pageErrors } = await openDesktopPage(chromium, session);

  // The seeded story as the engine sees it: D, the hidden source, and the cases it explains.
  const token = await apiLogin(baseUrl, 'tracer');
  let source = null;
  await check('the demo desk holds a possible hidden source of three cases', async () => {
    const { hidden_sources: hidden } = await apiGet(baseUrl, token, '/tracing/chains');
    source = hidden.find((candidate) => candidate.case_ids.length >= 3) ?? null;
    expect(source, `hidden sources: ${JSON.stringify(hidden)}`);
  });
  if (!source) return 1;
  const caseA = source.case_ids[0];

  const opened = await check('the tracer opens the desk and sees the cases with their codes', async () => {
    await page.goto(`${baseUrl}/#/login`);
    await page.fill('[data-testid=login-username]', 'tracer');
    await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=user-role]').waitFor();
    await page.click('[data-testid=nav-tracing]');
    await waitHeading(page, text('zh-CN', 'web.tracing.title'));
    const table = page.locator('[data-testid=people-table]');
    await table.waitFor();
    await page.locator(`[data-testid=person-link-${caseA}]`).waitFor();
    const colours = await table.locator('[data-colour]').evaluateAll((nodes) => nodes.map((node) => node.dataset.colour));
    expect(colours.includes('red'), `no red code among the cases: ${colours.join(', ')}`);
  });
  if (!opened) return 1;

  await check('the chain graph is laid out by time and flags the hidden source', async () => {
    await page.click('[data-testid=tracing-tab-chains]');
    const graph = page.locator('[data-testid=chain-graph]');
    await graph.waitFor();
    const node = page.locator(`[data-testid=chain-node-${source.person_id}]`);
    await node.waitFor();
    expect(await node.evaluate((el) => el.classList.contains('chain-hidden')), 'D is not marked as a hidden source');
    const testNow = text('zh-CN', 'web.tracing.graph.test_now');
    expect((await node.textContent()).includes(testNow), `D's node does not say "${testNow}"`);
    // By time: D (no onset, placed at the supermarket visit) left of every case it explains.
    const x = async (id) => (await page.locator(`[data-testid=chain-node-${id}] rect`).boundingBox()).x;
    const sourceX = await x(source.person_id);
    for (const id of source.case_ids) {
      expect(sourceX < await x(id), `D is not left of case ${id}`);
      await page.locator(`[data-testid=chain-edge-${source.person_id}-${id}]`).waitFor();
    }
    await page.locator(`[data-testid=hidden-source-${source.person_id}]`).waitFor();
    await page.screenshot({ path: path.join(workDir, 'chains.png'), fullPage: true });
  });

  await check("clicking A's node opens A's record with D as the most likely infector", async () => {
    await page.click(`[data-testid=chain-node-${caseA}]`);
    await page.waitForFunction((id) => window.location.hash === `#/tracing/person/${id}`, caseA);
    await page.locator('[data-testid=person-page]').waitFor();
    await page.locator('[data-testid=person-chain] [data-testid=chain-graph]').waitFor();
    const first = page.locator('[data-testid=infector-list] li').first();
    await first.locator(`[data-testid=person-link-${source.person_id}]`).waitFor();
    const reason = await first.textContent();
    expect(reason.includes('%'), `the infector's reason lacks its share: ${reason}`);
    await page.screenshot({ path: path.join(workDir, 'person-a.png'), fullPage: true });
  });

  await check("D's node leads to D's record, which says to test now", async () => {
    await page.click(`[data-testid=person-chain] [data-testid=chain-node-${source.person_id}]`);
    await page.waitForFunction((id) => window.location.hash === `#/tracing/person/${id}`, source.person_id);
    await page.locator(`[data-testid=person-page][data-person-id="${source.person_id}"]`).waitFor();
    await page.locator('[data-testid=hidden-source-alert]').waitFor();
  });

  await check("D's positive test makes D a case with a red code", async () => {
    await page.click('[data-testid=test-form-open]');
    await page.selectOption('[data-testid=test-result]', 'true');
    await page.click('[data-testid=test-form-submit]');
    await page.locator('[data-testid=notice]').filter({ hasText: text('zh-CN', 'web.tracing.person.test_added') }).waitFor();
    const status = (await page.locator('.case-banner [data-testid=person-status]').textContent()).trim();
    expect(status === text('zh-CN', 'web.tracing.status.asymptomatic'), `D's status is ${status}`);
    const colour = await page.locator('.case-banner [data-testid=code-colour]').getAttribute('data-colour');
    expect(colour === 'red', `D's code is ${colour}`);
    const person = await apiGet(baseUrl, token, `/tracing/people/${source.person_id}`);
    expect(person.status === 'asymptomatic' && person.tests.some((test) => test.positive), `stored: ${person.status}`);
  });

  let link = null;
  await check('the private code link shows the person their own code, without an account', async () => {
    await page.click('[data-testid=code-link-make]');
    link = await page.locator('[data-testid=code-link-url]').inputValue();
    expect(/#\/code\/[A-Za-z0-9_-]{16,}$/.test(link), `the link is ${link}`);
    const visitor = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const own = await visitor.newPage();
    own.on('pageerror', (error) => pageErrors.push(error.message));
    await own.goto(link);
    await own.locator('[data-testid=own-code]').waitFor();
    expect(await own.locator('[data-testid=own-code]').getAttribute('data-colour') === 'red', 'the own code is not red');
    const reason = (await own.locator('[data-testid=own-code-reason]').textContent()).trim();
    expect(reason === text('zh-CN', 'web.tracing.reason.asymptomatic_case'), `the reason is ${reason}`);
    await own.screenshot({ path: path.join(workDir, 'own-code.png'), fullPage: true });
    await visitor.close();
  });

  await check('a gate check sees only the colour', async () => {
    expect(link, 'no link was made');
    const venue = await browser.newContext({ locale: 'en', timezoneId: 'Asia/Shanghai' });
    const gate = await venue.newPage();
    gate.on('pageerror', (error) => pageErrors.push(error.message));
    await gate.goto(`${baseUrl}/#/gate`);
    await gate.fill('[data-testid=gate-input]', link);
    await gate.click('[data-testid=gate-submit]');
    const card = gate.locator('[data-testid=gate-colour]');
    await card.waitFor();
    expect(await card.getAttribute('data-colour') === 'red', 'the gate does not show red');
    const person = await apiGet(baseUrl, token, `/tracing/people/${source.person_id}`);
    const shown = await gate.locator('main').textContent();
    expect(!shown.includes(person.name) && !shown.includes(person.name.slice(1)), 'the gate shows the name');
    await venue.close();
  });

  await check('a companion run on uploaded cell-tower files turns a companion yellow', async () => {
    // A confirmed case with a phone, and a stranger who shared a tower cell with it for 32 hours
    // three days before its confirmation: a companion by the rule (docs/companions.md).
    const { people } = await apiGet(baseUrl, token, '/tracing/people?status=cases&limit=1000');
    let subject = null;
    for (const candidate of people.filter((p) => p.status === 'confirmed' && p.confirmed_at)) {
      const record = await apiGet(baseUrl, token, `/tracing/people/${candidate.id}`);
      if (record.phone) {
        subject = record;
        break;
      }
    }
    expect(subject, 'no confirmed case with a phone in the demo desk');
    const digits = subject.phone.replace(/\D/g, '');
    const stranger = '13900000001';
    const start = Math.floor(Date.parse(subject.confirmed_at) / 1000) - 3 * 86400;
    const rows = ['phone,cell_id,time'];
    for (let hour = 0; hour <= 32; hour += 1) {
      for (const phone of [digits, stranger]) rows.push(`${phone},T1,${start + hour * 3600}`);
    }
    for (const phone of [digits, stranger]) rows.push(`${phone},T2,${start + 33 * 3600}`);
    await page.goto(`${baseUrl}/#/tracing/runs`);
    await page.click('[data-testid=upload-open]');
    await page.setInputFiles('[data-testid=upload-files]', [
      { name: 'cells.csv', mimeType: 'text/csv', buffer: Buffer.from('cell_id,lat,lon\nT1,30.58,114.27\nT2,30.70,114.40\n') },
      { name: 'records.csv', mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`) },
    ]);
    await page.click('[data-testid=upload-submit]');
    await page.locator('[data-testid=notice]').waitFor();
    await page.fill('[data-testid=run-cells]', 'cells.csv');
    await page.fill('[data-testid=run-records]', 'records.csv');
    await page.fill('[data-testid=run-case-ids]', String(subject.id));
    await page.click('[data-testid=run-submit]');
    // The list follows the job until it is done (it polls while a run is queued or running).
    const status = page.locator('[data-testid^=run-status-]').first();
    await page.waitForFunction(() => document.querySelector('[data-testid^=run-status-]')?.dataset.status === 'done',
      null, { timeout: 60_000 });
    const runId = (await status.getAttribute('data-testid')).replace('run-status-', '');
    const run = await apiGet(baseUrl, token, `/tracing/companion-runs/${runId}`);
    expect(run.companions === 1 && run.exposures_added === 1, `the run found ${JSON.stringify(run)}`);
    const findings = page.locator(`[data-testid=run-findings-${runId}]`);
    await findings.locator('summary').click();
    await findings.locator('pre.evidence').first().waitFor({ state: 'attached' });
    const { findings: found } = await apiGet(baseUrl, token, `/tracing/companion-runs/${runId}/findings`);
    const code = await apiGet(baseUrl, token, `/tracing/people/${found[0].companion_id}/code`);
    expect(code.colour === 'yellow' && code.reason === 'companion_awaiting_tests', `the companion's code is ${code.colour} (${code.reason})`);
    await page.screenshot({ path: path.join(workDir, 'runs.png'), fullPage: true });
  });

  await check('the desk speaks English when the tracer switches', async () => {
    await page.click('[data-testid=lang-en]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.click('[data-testid=nav-tracing]');
    await waitHeading(page, text('en', 'web.tracing.title'));
    await page.click('[data-testid=tracing-tab-follow-ups]');
    await page.locator('[data-testid=follow-ups-table], [data-testid=follow-ups-table-empty]').first().waitFor();
    const main = await page.locator('main').textContent();
    expect(!/null|undefined|web\.tracing\./.test(main), 'the follow-up page shows "null", "undefined" or a raw id');
  });

  await check('no uncaught errors in the page', () => {
    expect(pageErrors.length === 0, pageErrors.join(' | '));
  });
  return results.failed === 0 ? 0 : 1;
}

await runBrowserTest('lifeline-tracing-', main);
