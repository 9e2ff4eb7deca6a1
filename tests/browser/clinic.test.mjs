// End-to-end check of the online clinic's web pages against a real `lifeline demo` server in
// Debian's chromium.
//
//   node tests/browser/clinic.test.mjs <path-to-lifeline-binary>
//
// A family (no account, on a phone) asks for help for a clearly severe adult and follows the
// private status link; a doctor applies to volunteer; the coordinator finds the case on the
// board in the column the API's triage chose, approves the doctor with a shift covering now,
// assigns the case from the case page and adds a note; the doctor accepts it. Prints one line
// per check and then "N passed, M failed"; exits 0 only when every check passed. The server and
// the browser are always stopped, also on failure. Needs `npm ci` in tests/browser.

import fs from 'node:fs';
import path from 'node:path';

import {
  CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, REPO, STEP_TIMEOUT_MS, check, expect, results,
  runBrowserTest, startDemo, waitHeading, webCatalogue,
} from './harness.mjs';

const TIERS = ['triage_desk', 'outpatient', 'ward', 'icu', 'life_care'];

// The card of the submitted case on the board. The demo seeds a surge day, so a busy column
// shows its first cards and a "show all" button, which is pressed first.
async function caseCardOnBoard(page, intake) {
  await page.locator('[data-testid=board]').waitFor();
  const showAll = page.locator(`[data-testid=show-all-${intake.status.tier}]`);
  if (await showAll.count()) await showAll.click();
  return page.locator(`[data-testid=case-card][data-case-id="${intake.case_id}"]`);
}

// The web.clinic.* ids of the catalogue, both languages present and served by the binary.
function clinicCatalogueGaps(text) {
  const catalogue = webCatalogue();
  const gaps = [];
  for (const [id, entry] of Object.entries(catalogue)) {
    if (!id.startsWith('web.clinic.')) continue;
    for (const locale of ['zh-CN', 'en']) {
      if (!entry[locale]) gaps.push(`${id} lacks ${locale}`);
      else if (!text.messages[locale][id]) gaps.push(`${id} not served in ${locale}`);
    }
  }
  return gaps;
}

async function newPage(context, pageErrors, label) {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.on('pageerror', (error) => pageErrors.push(`${label}: ${error.message}`));
  return page;
}

async function login(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/#/login`);
  await page.fill('[data-testid=login-username]', username);
  await page.fill('[data-testid=login-password]', password);
  await page.click('[data-testid=login-submit]');
  await page.locator('[data-testid=user-role]').waitFor();
}

async function main(session) {
  const started = await startDemo(session, 'clinic.test.mjs');
  if (started.exitCode !== undefined) return started.exitCode;
  const { chromium, baseUrl, text } = started;
  const { workDir } = session;
  await check('every web.clinic.* id has zh-CN and en and is served', () => {
    const gaps = clinicCatalogueGaps(text);
    expect(gaps.length === 0, `${gaps.length} gaps, e.g. ${gaps.slice(0, 3).join(', ')}`);
  });

  const browser = session.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const pageErrors = [];
  const unique = `${Date.now() % 1_000_000}`;
  const phone = `139${unique.padStart(8, '0')}`;
  const volunteerName = `dr-${unique}`;
  const volunteerPassword = 'respiratory-2020';

  // --- The family, on a phone, without an account ---
  const family = await browser.newContext({
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  const familyPage = await newPage(family, pageErrors, 'family');
  let intake = null; // the API's answer to the public request

  await check('the login page offers help without an account', async () => {
    await familyPage.goto(`${baseUrl}/`);
    await familyPage.locator('[data-testid=login-ask-help]').click();
    await waitHeading(familyPage, text('zh-CN', 'web.clinic.help.title'));
    expect(familyPage.url().endsWith('#/help'), `landed on ${familyPage.url()}`);
  });

  await check('without consent the error is shown next to the consent box', async () => {
    await familyPage.click('[data-testid=help-submit]');
    const error = familyPage.locator('[data-testid=field-error-consent]');
    await error.waitFor();
    const shown = (await error.textContent()).trim();
    expect(shown === text('zh-CN', 'error.clinic.consent_required'), `shows "${shown}"`);
  });

  const submitted = await check('a family submits a request for a severe adult (SpO2 91 on air, RR 32)', async () => {
    await familyPage.fill('[data-testid=help-age]', '58');
    await familyPage.check('[data-testid=help-sex] input[value=male]');
    await familyPage.selectOption('[data-testid=help-district]', '420106');
    await familyPage.fill('[data-testid=help-street]', '中南路街 丁字桥社区');
    await familyPage.fill('[data-testid=help-phone]', phone);
    for (const symptom of ['fever', 'cough', 'difficulty breathing']) {
      await familyPage.check(`[data-testid=help-symptoms] input[value="${symptom}"]`);
    }
    await familyPage.fill('[data-testid=vital-spo2]', '91');
    await familyPage.check('[data-testid=vital-on-oxygen-false]');
    await familyPage.fill('[data-testid=vital-resp-rate]', '32');
    await familyPage.fill('[data-testid=vital-heart-rate]', '112');
    await familyPage.fill('[data-testid=vital-temperature]', '38.6');
    await familyPage.check('[data-testid=vital-consciousness] input[value=A]');
    await familyPage.check('[data-testid=help-comorbidities] input[value=hypertension]');
    await familyPage.check('[data-testid=help-needs] input[value=oxygen]');
    await familyPage.check('[data-testid=help-consent]');
    const [response] = await Promise.all([
      familyPage.waitForResponse((r) => r.url().endsWith('/api/v1/clinic/requests') && r.request().method() === 'POST'),
      familyPage.click('[data-testid=help-submit]'),
    ]);
    expect(response.status() === 201, `POST /clinic/requests answered ${response.status()}`);
    intake = await response.json();
    expect(TIERS.includes(intake.status?.tier), `no tier in the answer: ${JSON.stringify(intake)}`);
    await familyPage.locator('[data-testid=help-done]').waitFor();
    return `case ${intake.case_id}, tier ${intake.status.tier}`;
  });

  let statusLink = null;
  if (submitted) {
    await check('the private status link is shown, copyable, with the token', async () => {
      statusLink = await familyPage.inputValue('[data-testid=status-link]');
      expect(/#\/status\/[0-9a-f]{64}$/.test(statusLink), `link is "${statusLink}"`);
      expect(statusLink.endsWith(intake.status_token), 'the link does not carry the token the API returned');
      expect(await familyPage.locator('[data-testid=copy-link]').isVisible(), 'no copy button');
    });

    await check('the status link shows the tier the triage chose, and the advice', async () => {
      await familyPage.click('[data-testid=open-status]');
      const view = familyPage.locator('[data-testid=status-view]');
      await view.waitFor();
      const tier = await view.getAttribute('data-tier');
      expect(tier === intake.status.tier, `status page says ${tier}, the API said ${intake.status.tier}`);
      const shown = (await familyPage.locator('[data-testid=status-tier]').textContent()).trim();
      expect(shown.includes(text('zh-CN', `triage.tier.${tier}`)), `tier cell says "${shown}"`);
      const advice = (await familyPage.locator('[data-testid=status-advice]').textContent()).trim();
      expect(advice === text('zh-CN', `clinic.advice.${tier}`), `advice is "${advice}"`);
      const updated = (await familyPage.locator('[data-testid=status-updated]').textContent()).trim();
      expect(/\d/.test(updated), `no update time: "${updated}"`);
      await familyPage.screenshot({ path: path.join(workDir, 'status.png'), fullPage: true });
      return tier;
    });

    await check('a mangled status link says so and shows nothing else', async () => {
      await familyPage.goto(`${baseUrl}/#/status/${'0'.repeat(64)}`);
      const error = familyPage.locator('[data-testid=error]');
      await error.waitFor();
      expect((await error.textContent()).trim() === text('zh-CN', 'error.clinic.status_link_unknown'), 'unexpected message');
      expect(await familyPage.locator('[data-testid=status-view]').count() === 0, 'a status view is shown');
    });
  }

  // --- A doctor applies to volunteer (public page, English) ---
  const applicant = await browser.newContext({ locale: 'en', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 } });
  const applicantPage = await newPage(applicant, pageErrors, 'applicant');
  const applied = await check('a doctor applies to volunteer through the public form', async () => {
    await applicantPage.goto(`${baseUrl}/#/volunteer`);
    await waitHeading(applicantPage, text('en', 'web.clinic.apply.title'));
    await applicantPage.fill('[data-testid=apply-name]', `Dr Test ${unique}`);
    await applicantPage.fill('[data-testid=apply-phone]', `137${unique.padStart(8, '0')}`);
    await applicantPage.check('[data-testid=apply-role] input[value=doctor]');
    await applicantPage.fill('[data-testid=apply-licence]', `110420100${unique}`);
    await applicantPage.fill('[data-testid=apply-hospital]', 'Wuhan Union Hospital');
    await applicantPage.selectOption('[data-testid=apply-department]', 'respiratory');
    await applicantPage.fill('[data-testid=apply-years]', '6');
    await applicantPage.fill('[data-testid=apply-username]', volunteerName);
    await applicantPage.fill('[data-testid=apply-password]', volunteerPassword);
    await applicantPage.click('[data-testid=apply-submit]');
    await applicantPage.locator('[data-testid=apply-done]').waitFor();
  });

  // --- The coordinator ---
  const office = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
  const coordinator = await newPage(office, pageErrors, 'coordinator');
  const onBoard = await check('coordinator logs in and sees the case in the column the triage chose', async () => {
    expect(intake, 'no case was submitted');
    await login(coordinator, baseUrl, 'coordinator', DEMO_PASSWORD);
    await coordinator.click('[data-testid=nav-clinic]');
    await coordinator.locator('[data-testid=board]').waitFor();
    const card = await caseCardOnBoard(coordinator, intake);
    await card.waitFor();
    const column = await card.evaluate((node) => node.closest('[data-tier]')?.dataset.tier);
    expect(column === intake.status.tier, `card is in ${column}, the triage said ${intake.status.tier}`);
    const count = Number((await coordinator.locator(`[data-testid=count-${column}]`).textContent()).trim());
    const cards = await coordinator.locator(`[data-testid=column-${column}] [data-testid=case-card]`).count();
    expect(count === cards, `column ${column} counts ${count} but shows ${cards} cards`);
    return `column ${column}`;
  });

  if (onBoard) {
    await check('the board refreshes on demand without losing the case', async () => {
      await coordinator.click('[data-testid=board-refresh]');
      await (await caseCardOnBoard(coordinator, intake)).waitFor();
      const updated = (await coordinator.locator('[data-testid=board-updated]').textContent()).trim();
      expect(updated.length > 0, 'no update time');
    });
  }

  let approved = false;
  if (applied) {
    approved = await check('coordinator approves the doctor at readiness 3 and adds a shift covering now', async () => {
      await coordinator.goto(`${baseUrl}/#/clinic/volunteers`);
      const application = coordinator.locator(`[data-testid=application][data-username="${volunteerName}"]`);
      await application.waitFor();
      const rule = (await application.locator('[data-testid=requirement]').textContent()).trim();
      expect(rule === text('zh-CN', 'web.clinic.review.rule_met'), `requirement line says "${rule}"`);
      await application.locator('[data-testid=approve-readiness]').selectOption('3');
      await application.locator('[data-testid=approve-submit]').click();
      const card = coordinator.locator(`[data-testid=volunteer][data-username="${volunteerName}"]`);
      await card.waitFor();
      const readiness = (await card.locator('[data-testid=readiness]').textContent()).trim();
      expect(readiness === text('zh-CN', 'web.clinic.readiness.3'), `readiness shows "${readiness}"`);
      await card.locator('[data-testid=shift-open]').click();
      await card.locator('[data-testid=shift-submit]').click();
      await coordinator.waitForFunction((name) => {
        const node = document.querySelector(`[data-testid=volunteer][data-username="${name}"] [data-testid=shift]`);
        return Boolean(node);
      }, volunteerName, { timeout: STEP_TIMEOUT_MS });
      const shift = coordinator.locator(`[data-testid=volunteer][data-username="${volunteerName}"] [data-testid=on-shift]`);
      const onShift = (await shift.textContent()).trim();
      expect(onShift === text('zh-CN', 'web.clinic.review.on_shift'), `shift state says "${onShift}"`);
    });
  }

  let assigned = false;
  if (onBoard) {
    await check('the case page shows the triage with NHC, WHO, NEWS2 and reasons from the catalogue', async () => {
      await coordinator.goto(`${baseUrl}/#/clinic/board`);
      await (await caseCardOnBoard(coordinator, intake)).click();
      await coordinator.locator('[data-testid=case-page]').waitFor();
      await waitHeading(coordinator, text('zh-CN', 'web.clinic.case.title').replace('{id}', String(intake.case_id)));
      const detail = await coordinator.evaluate(async (id) => {
        const response = await fetch(`/api/v1/clinic/cases/${id}`, {
          headers: { Authorization: `Bearer ${sessionStorage.getItem('lifeline.token')}` },
        });
        return response.json();
      }, intake.case_id);
      const latest = detail.triages.at(-1);
      const nhc = (await coordinator.locator('[data-testid=triage-nhc]').textContent()).trim();
      expect(nhc === text('zh-CN', `triage.severity.${latest.nhc_severity}`), `NHC shows "${nhc}"`);
      const who = (await coordinator.locator('[data-testid=triage-who]').textContent()).trim();
      expect(who === text('zh-CN', `triage.severity.${latest.who_severity}`), `WHO shows "${who}"`);
      const news2 = (await coordinator.locator('[data-testid=triage-news2]').textContent()).trim();
      expect(latest.news2 === null || news2.startsWith(String(latest.news2)), `NEWS2 shows "${news2}", API ${latest.news2}`);
      const reasons = await coordinator.locator('[data-testid=triage-reasons] li').allTextContents();
      const wanted = latest.reasons.map((code) => text('zh-CN', `triage.reason.${code}`));
      expect(JSON.stringify(reasons.map((r) => r.trim())) === JSON.stringify(wanted), `reasons ${reasons.join(' / ')}`);
      const vitals = await coordinator.locator('[data-testid=vitals-table] tbody tr').count();
      expect(vitals === 1, `${vitals} rows of vital signs`);
      return `${latest.nhc_severity}/${latest.who_severity}, NEWS2 ${latest.news2}`;
    });

    if (approved) {
      assigned = await check('coordinator assigns the case to the suggested doctor from the case page', async () => {
        const suggestion = coordinator.locator(`[data-testid=suggestion][data-username="${volunteerName}"]`);
        await suggestion.waitFor();
        await suggestion.locator('[data-testid=assign-button]').click();
        const assignment = coordinator.locator('[data-testid=assignment][data-status=offered]');
        await assignment.waitFor();
        const name = (await assignment.textContent());
        expect(name.includes(`Dr Test ${unique}`), `assignment reads "${name}"`);
      });
    }

    await check('coordinator adds a note and sees it listed', async () => {
      const note = `已电话联系家属，氧气在路上 (${unique})`;
      await coordinator.fill('[data-testid=note-text]', note);
      await coordinator.click('[data-testid=note-submit]');
      await coordinator.locator('[data-testid=note-list] .note-text', { hasText: note }).waitFor();
      await coordinator.screenshot({ path: path.join(workDir, 'case.png'), fullPage: true });
    });

    await check("coordinator shows the family's number with a reason, to call back", async () => {
      await coordinator.click('[data-testid=contact-open]');
      await coordinator.fill('[data-testid=contact-reason]', 'Daily follow-up call');
      await coordinator.click('[data-testid=contact-submit]');
      const link = coordinator.locator('[data-testid=contact-phone]');
      await link.waitFor();
      const shown = (await link.textContent()).replace(/\D/g, '');
      expect(shown.endsWith(phone), `shows "${await link.textContent()}", the family gave ${phone}`);
      expect((await link.getAttribute('href')).startsWith('tel:'), 'not a tel: link');
    });

    await check('screenshot of the board', async () => {
      await coordinator.goto(`${baseUrl}/#/clinic/board`);
      const card = await caseCardOnBoard(coordinator, intake);
      await card.waitFor();
      if (assigned) {
        const foot = (await card.textContent());
        expect(!foot.includes(text('zh-CN', 'web.clinic.board.unassigned')), 'the card still says unassigned');
      }
      const shot = path.join(workDir, 'board.png');
      await coordinator.screenshot({ path: shot, fullPage: true });
      return shot;
    });
  }

  // --- The doctor takes the case ---
  if (assigned) {
    await check('the doctor logs in, sees the offer under "My cases" and accepts it', async () => {
      const desk = await browser.newContext({ locale: 'en', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const doctor = await newPage(desk, pageErrors, 'doctor');
      await login(doctor, baseUrl, volunteerName, volunteerPassword);
      await doctor.click('[data-testid=nav-clinic]');
      const offer = doctor.locator(`[data-testid=my-case][data-case-id="${intake.case_id}"]`);
      await offer.waitFor();
      await offer.locator('[data-testid=accept]').click();
      await doctor.locator(`[data-testid=my-active] [data-testid=my-case][data-case-id="${intake.case_id}"][data-assignment-status=active]`).waitFor();
      // Their own standing: the readiness the coordinator gave, the case just accepted.
      const standing = text('en', 'web.clinic.mine.standing')
        .replace('{readiness}', '3').replace('{active}', '1').replace('{capacity}', '');
      await doctor.waitForFunction((prefix) =>
        document.querySelector('[data-testid=my-standing]')?.textContent.startsWith(prefix),
      standing, { timeout: STEP_TIMEOUT_MS });
      await doctor.screenshot({ path: path.join(workDir, 'my-cases.png'), fullPage: true });
      await desk.close();
    });
  }

  await check('no uncaught errors in the pages', () => {
    expect(pageErrors.length === 0, pageErrors.join(' | '));
  });
  return results.failed === 0 ? 0 : 1;
}

await runBrowserTest('lifeline-clinic-', main);
