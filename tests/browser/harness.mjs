// Shared harness of the browser tests: a `lifeline demo` server on a free port with a fresh
// database, Debian's chromium through playwright-core, one line per check and the closing
// "N passed, M failed" line. The server and the browser are always stopped, also on failure.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const HEALTH_TIMEOUT_MS = 60_000;
export const STEP_TIMEOUT_MS = 15_000;
export const STOP_TIMEOUT_MS = 10_000;
export const DEMO_PASSWORD = 'wuhan2020';
export const CHROMIUM = '/usr/bin/chromium';
// The machine has no internet: keep chromium from reaching out (and from waiting on it).
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The web.* ids of the whole catalogue: each module keeps its own file in i18n/ (web.json,
// beds.json, devices.json, ...), and the server merges them all.
export function webCatalogue() {
  const dir = path.join(REPO, 'i18n');
  const merged = {};
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    for (const [id, entry] of Object.entries(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')))) {
      if (id.startsWith('web.')) merged[id] = entry;
    }
  }
  return merged;
}

export const results = { passed: 0, failed: 0 };
let server = null;
let serverLog = '';

export function report(ok, name, detail) {
  if (ok) results.passed += 1;
  else results.failed += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} - ${name}${detail ? `: ${detail}` : ''}`);
}

// Runs one check; a thrown error fails it without stopping the others.
export async function check(name, body) {
  try {
    const detail = await body();
    report(true, name, typeof detail === 'string' ? detail : '');
    return true;
  } catch (error) {
    report(false, name, String(error?.message ?? error).split('\n')[0]);
    return false;
  }
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitHealthy(baseUrl) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`server exited early (${server.exitCode ?? server.signalCode})`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await sleep(250);
  }
  throw new Error(`/healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last})`);
}

export function startServer(binary, dbPath, port) {
  server = spawn(binary, ['demo', '--db', dbPath, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    serverLog += chunk.toString();
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  server.on('error', (error) => {
    serverLog += `\nspawn failed: ${error.message}\n`;
  });
}

export async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
  if (!stopped) {
    console.log(`note: server ignored SIGTERM for ${STOP_TIMEOUT_MS / 1000} s; sending SIGKILL`);
    server.kill('SIGKILL');
    await exited;
  }
}

// If this script is interrupted, the server must not outlive it.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server?.kill('SIGTERM');
    process.exit(1);
  });
}
process.on('exit', () => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
});

// The catalogue as the server serves it (i18n/*.json merged into the binary): the texts the
// page must show.
export async function servedCatalogue(baseUrl) {
  const messages = {};
  for (const locale of ['zh-CN', 'en']) {
    const response = await fetch(`${baseUrl}/api/v1/i18n/${locale}`);
    expect(response.status === 200, `GET /api/v1/i18n/${locale} answered ${response.status}`);
    messages[locale] = (await response.json()).messages ?? {};
  }
  const text = (locale, id) => {
    const found = messages[locale][id];
    if (!found) throw new Error(`the served catalogue lacks ${id} in ${locale}`);
    return found;
  };
  text.messages = messages;
  return text;
}

// A demo account's session token, and a GET with it that must answer 200: what the tests check
// the pages against.
export async function apiLogin(baseUrl, username) {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(response.status === 200, `login of ${username} answered ${response.status}`);
  return (await response.json()).token;
}

export async function apiGet(baseUrl, token, route) {
  const response = await fetch(`${baseUrl}/api/v1${route}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status === 200, `GET ${route} answered ${response.status}`);
  return response.json();
}

// Chromium with one desktop page in Chinese and Wuhan's time zone, its uncaught errors collected;
// the browser is kept in `session` so runBrowserTest closes it.
export async function openDesktopPage(chromium, session) {
  const browser = session.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, page, pageErrors };
}

export async function waitHeading(page, expected) {
  await page.waitForFunction(
    (text) => document.querySelector('main h1')?.textContent.trim() === text,
    expected, { timeout: STEP_TIMEOUT_MS });
}


// The start every browser test shares: checks the arguments and playwright-core, starts
// `lifeline demo` on a free port with a fresh database in `session.workDir`, waits until it
// answers and fetches the catalogue it serves. Returns { chromium, baseUrl, text } (text(locale,
// id) reads the served catalogue), or { exitCode } after reporting why the test cannot go on.
export async function startDemo(session, script) {
  const binary = process.argv[2];
  if (!binary) {
    console.error(`usage: node tests/browser/${script} <path-to-lifeline-binary>`);
    return { exitCode: 2 };
  }
  if (!fs.existsSync(path.join(HERE, 'node_modules', 'playwright-core'))) {
    report(false, 'playwright-core installed',
      `tests/browser/node_modules is missing: run \`npm ci\` in ${HERE}`);
    return { exitCode: 1 };
  }
  const { chromium } = await import('playwright-core');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  startServer(path.resolve(binary), path.join(session.workDir, 'demo.db'), port);
  const healthy = await check(`server ${path.basename(binary)} demo answers /healthz on port ${port}`,
    () => waitHealthy(baseUrl));
  if (!healthy) return { exitCode: 1 };
  let text = null;
  await check('server serves the message catalogue', async () => {
    text = await servedCatalogue(baseUrl);
  });
  if (!text) return { exitCode: 1 };
  return { chromium, baseUrl, text };
}

// Runs `main(session)` with a fresh work folder (`session.workDir`, named after `prefix`); main
// sets `session.browser` when it launches one. Afterwards: browser closed, server stopped,
// database files removed (screenshots kept), server output shown on failure, summary printed,
// and the process exits 0 only if every check passed.
export async function runBrowserTest(prefix, main) {
  const session = { workDir: fs.mkdtempSync(path.join(os.tmpdir(), prefix)), browser: null };
  let exitCode = 1;
  try {
    exitCode = await main(session);
  } catch (error) {
    report(false, 'test harness', error?.stack ?? String(error));
  } finally {
    await session.browser?.close().catch(() => {});
    await stopServer();
    for (const name of ['demo.db', 'demo.db-wal', 'demo.db-shm', 'demo.db.key']) {
      fs.rmSync(path.join(session.workDir, name), { force: true });
    }
    console.log(`screenshots in ${session.workDir}`);
    if (results.failed > 0 && serverLog) {
      console.log(`--- server output (last 40 lines) ---\n${serverLog.trim().split('\n').slice(-40).join('\n')}\n---`);
    }
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 && exitCode === 0 ? 0 : 1);
}
