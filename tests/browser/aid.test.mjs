// End-to-end check of mutual aid's web pages against a real `lifeline demo` server in Debian's
// chromium.
//
//   node tests/browser/aid.test.mjs <path-to-lifeline-binary>
//
// The coordinator opens the exchange (its map draws the districts without any tile server),
// confirms a proposed concentrator match from the demo's proposal, follows it to the idle
// devices that fit the need, inspects one, lends it to the family (the form starts from the
// need's district), records a check-in call, takes the machine back and sees the whole
// lending on the device's timeline. Prints one line per check and "N passed, M failed"; exits 0
// only when every check passed. Needs `npm ci` in tests/browser.

import path from 'node:path';

import {
  DEMO_PASSWORD, STEP_TIMEOUT_MS, apiGet, apiLogin, check, expect, openDesktopPage, results, runBrowserTest,
  startDemo, waitHeading,
} from './harness.mjs';

// The proposed concentrator match with the lowest flow (any idle concentrator fits it), lowest
// id first: the demo's seed makes this the same match on every run.
async function concentratorMatch(baseUrl, token) {
  const { matches } = await apiGet(baseUrl, token, '/exchange/matches?status=proposed');
  const candidates = matches.filter((match) => match.need_item.kind === 'concentrator')
    .sort((a, b) => (a.need_item.flow_lpm - b.need_item.flow_lpm) || (a.id - b.id));
  expect(candidates.length > 0, 'the demo proposal has no concentrator match');
  return candidates[0];
}

async function main(session) {
  const started = await startDemo(session, 'aid.test.mjs');
  if (started.exitCode !== undefined) return started.exitCode;
  const { chromium, baseUrl, text } = started;
  const { workDir } = session;

  const { page, pageErrors } = await openDesktopPage(chromium, session);

  const token = await apiLogin(baseUrl, 'coordinator');
  let match = null;
  let deviceId = null;

  const loggedIn = await check('the coordinator logs in and opens mutual aid', async () => {
    await page.goto(`${baseUrl}/#/login`);
    await page.fill('[data-testid=login-username]', 'coordinator');
    await page.fill('[data-testid=login-password]', DEMO_PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=user-role]').waitFor();
    await page.click('[data-testid=nav-aid]');
    await waitHeading(page, text('zh-CN', 'web.aid.title'));
    await page.locator('[data-testid=aid-exchange]').waitFor();
  });
  if (!loggedIn) return 1;

  await check('the exchange map draws the district outlines without a tile server', async () => {
    await page.locator('.leaflet-container').waitFor();
    // One schematic cell per district, each labelled with its name; drawn on a canvas.
    await page.waitForFunction(() => document.querySelectorAll('.map-district-label').length === 13
      && document.querySelector('.leaflet-overlay-pane canvas'), null, { timeout: STEP_TIMEOUT_MS });
    const labels = await page.locator('.map-district-label').allTextContents();
    expect(labels.includes('武昌区'), `the district labels are ${labels.join(', ')}`);
    expect(await page.locator('.leaflet-tile').count() === 0, 'the map loads tiles');
    await page.screenshot({ path: path.join(workDir, 'exchange.png'), fullPage: true });
  });

  const confirmed = await check('a proposed concentrator match is confirmed, with its reasons shown', async () => {
    match = await concentratorMatch(baseUrl, token);
    await page.click('[data-testid=aid-tab-matches]');
    const reasons = page.locator(`[data-testid=match-reasons-${match.id}]`);
    await reasons.waitFor();
    const shown = (await reasons.textContent()).trim();
    expect(shown.includes(String(match.priority)), `reasons "${shown}" lack the priority ${match.priority}`);
    await page.click(`[data-testid=match-confirm-${match.id}]`);
    await page.locator(`[data-testid=match-lend-${match.id}]`).waitFor();
    const { matches } = await apiGet(baseUrl, token, `/exchange/matches?status=confirmed&need_id=${match.need_id}`);
    const stored = matches.find((m) => m.id === match.id);
    expect(stored?.status === 'confirmed', `the match is ${stored?.status}`);
  });
  if (!confirmed) return 1;

  await check('the match leads to the idle devices that fit the need', async () => {
    await page.click(`[data-testid=match-lend-${match.id}]`);
    await page.locator('[data-testid=lend-for-need]').waitFor();
    const first = page.locator('[data-testid=device-row]').first();
    await first.waitFor();
    const statuses = await page.locator('[data-testid=device-row] [data-testid=device-status]').allTextContents();
    const idle = text('zh-CN', 'web.devices.status.available');
    expect(statuses.every((status) => status.trim() === idle), `not all listed devices are idle: ${statuses.join(', ')}`);
    deviceId = await first.getAttribute('data-device-id');
    await first.locator('[data-testid=device-link]').click();
    await page.locator('[data-testid=device-summary]').waitFor();
  });
  if (!deviceId) return 1;

  let before = null;
  await check('the device passes an inspection before it is lent', async () => {
    const timeline = await apiGet(baseUrl, token, `/devices/${deviceId}`);
    before = timeline.summary;
    // The flow checked at the machine's rating (a concentrator_5 gives 5 L/min).
    const rated = /^concentrator_(\d+)$/.exec(timeline.device.kind)?.[1] ?? '5';
    await page.click('[data-testid=inspect-open]');
    await page.check('[data-testid=inspect-disinfected]');
    await page.check('[data-testid=inspect-works]');
    await page.check('[data-testid=inspect-flow-checked]');
    await page.fill('[data-testid=inspect-flow]', rated);
    await page.click('[data-testid=inspect-submit]');
    await page.locator('[data-testid=notice]').filter({ hasText: text('zh-CN', 'web.devices.inspect.done_passed') }).waitFor();
  });

  await check('the device is lent to the family of the need', async () => {
    const form = page.locator('[data-testid=lend-form]');
    await form.waitFor();
    const need = await apiGet(baseUrl, token, `/exchange/needs/${match.need_id}`);
    const district = await page.locator('[data-testid=lend-district]').inputValue();
    expect(district === need.district_code, `the form starts in ${district}, the need is in ${need.district_code}`);
    await page.fill('[data-testid=lend-contact]', '张女士');
    await page.fill('[data-testid=lend-phone]', '13912345678');
    if (!(await page.locator('[data-testid=lend-address]').inputValue())) {
      await page.fill('[data-testid=lend-address]', '武昌区中山路 100 号 3 栋 2 单元');
    }
    await page.fill('[data-testid=lend-guidance]', '每天吸氧不少于 15 小时，流量 2–3 升/分钟；血氧低于 93% 立即联系。');
    await page.click('[data-testid=lend-submit]');
    await page.locator('[data-testid=notice]').filter({ hasText: text('zh-CN', 'web.devices.lend.done') }).waitFor();
    const status = (await page.locator('[data-testid=device-status]').first().textContent()).trim();
    expect(status === text('zh-CN', 'web.devices.status.lent'), `status is ${status}`);
    const { drifts } = await apiGet(baseUrl, token, `/devices/${deviceId}`);
    const open = drifts.find((drift) => !drift.ended_at);
    expect(open?.need_id === match.need_id && open?.match_id === match.id,
      `the lending does not name need ${match.need_id} / match ${match.id}`);
  });

  await check('a check-in call is recorded', async () => {
    await page.click('[data-testid=checkin-open]');
    await page.check('[data-testid=checkin-reached]');
    await page.selectOption('[data-testid=checkin-condition]', 'better');
    await page.fill('[data-testid=checkin-spo2]', '95');
    await page.fill('[data-testid=checkin-note]', '家属会用，夜间也在吸氧');
    await page.click('[data-testid=checkin-submit]');
    await page.locator('[data-testid=notice]').filter({ hasText: text('zh-CN', 'web.checkins.done').split('{')[0].trim() }).waitFor();
  });

  await check('the machine comes back and the timeline shows the whole lending', async () => {
    await page.click('[data-testid=end-open]');
    await page.selectOption('[data-testid=end-outcome]', 'returned');
    await page.fill('[data-testid=end-note]', '已消毒入库');
    await page.click('[data-testid=end-submit]');
    await page.locator('[data-testid=notice]').filter({ hasText: text('zh-CN', 'web.devices.end.done') }).waitFor();
    const status = (await page.locator('[data-testid=device-status]').first().textContent()).trim();
    expect(status === text('zh-CN', 'web.devices.status.available'), `status is ${status}`);
    const { summary, drifts } = await apiGet(baseUrl, token, `/devices/${deviceId}`);
    expect(summary.drifts === before.drifts + 1, `${summary.drifts} drifts, was ${before.drifts}`);
    const last = drifts.find((drift) => drift.need_id === match.need_id);
    expect(last?.end_outcome === 'returned', `the lending ended ${JSON.stringify(last)}`);
    const shown = (await page.locator('[data-testid=device-summary]').textContent()).trim();
    expect(shown.includes(String(summary.drifts)), `summary "${shown}" lacks ${summary.drifts} drifts`);
    const main = await page.locator('main').textContent();
    expect(!/null|undefined/.test(main), 'the device page shows "null" or "undefined"');
    const events = (await page.locator('[data-testid=timeline-event]').allTextContents()).join('\n');
    for (const kind of ['inspected', 'lent', 'checked_in', 'ended']) {
      const word = text('zh-CN', `web.devices.event.${kind}`);
      expect(events.includes(word), `the timeline lacks "${word}"`);
    }
    await page.screenshot({ path: path.join(workDir, 'device.png'), fullPage: true });
  });

  await check('no uncaught errors in the page', () => {
    expect(pageErrors.length === 0, pageErrors.join(' | '));
  });
  return results.failed === 0 ? 0 : 1;
}

await runBrowserTest('lifeline-aid-', main);
