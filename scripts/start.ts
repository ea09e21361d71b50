// `npm start`: the demo of the whole product on the bundled fixture site. With a display: a visible
// Chromium with the extension, DevTools open on the Frame Security panel on the zoo page, and the demo
// index (every scenario of the tests) in a second tab. Without one (Linux without DISPLAY, or
// --headless): the audit of every demo scenario printed to the terminal, plus a PNG of the real panel
// saved to a path it prints; exit 0.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromiumWithExtension, waitForCompleteRecord, warmUp, findTabId, type ChromiumWithExtension } from '../src/cli/chromium.ts';
import { MissingBrowserError } from '../src/cli/browsers.ts';
import { openPanel, REMOTE_DEBUGGING_ARG } from '../src/cli/devtools.ts';
import { startAuditor } from '../src/cli/audit.ts';
import { renderReportText } from '../src/cli/text-report.ts';
import { startFixtureServer, type FixtureServer } from '../test/fixtures/server.ts';
import { DEMO_SCENARIOS } from '../test/fixtures/site.ts';

const headless =
  process.argv.includes('--headless') ||
  (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
const PNG = resolve(import.meta.dirname, '..', '.cache', 'demo-panel.png');

async function auditDemo(server: FixtureServer): Promise<void> {
  const auditor = await startAuditor({
    browserArgs: server.chromiumArgs.filter((a) => a !== '--ignore-certificate-errors'),
    ignoreHttpsErrors: true,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    for (const d of DEMO_SCENARIOS) {
      const { report } = await auditor.audit(server.url(d.scheme, 'a.test', d.path));
      process.stdout.write(`\n━━ ${d.title}\n${renderReportText(report, { color: Boolean(process.stdout.isTTY) })}`);
    }
  } finally {
    await auditor.close();
  }
}

async function panelScreenshot(browser: ChromiumWithExtension, server: FixtureServer): Promise<string> {
  const zoo = server.url('https', 'a.test', '/zoo.html');
  const page = await warmUp(browser, server.url('https', 'a.test', '/warmup.html'));
  await page.goto(zoo);
  const worker = await browser.worker();
  const tabId = await findTabId(worker, zoo);
  if (tabId === null) throw new Error('the zoo tab is not visible to the extension');
  await waitForCompleteRecord(worker, tabId);
  const opened = await openPanel(browser, page);
  try {
    // The sandboxed frame selected, the shot clipped to the panel (as the README's screenshot).
    await opened.panel.locator('[data-testid=frame-row]').first().waitFor();
    await opened.panel.locator('[data-testid=frame-label]', { hasText: 'iframe#sandbox-scripts' }).first().click();
    await opened.panel.locator('[data-testid=frame-details]').waitFor();
    mkdirSync(join(PNG, '..'), { recursive: true });
    const box = await (await opened.panel.frameElement()).boundingBox();
    const size = opened.devtools.viewportSize() ?? (await opened.devtools.evaluate(() => ({ width: innerWidth, height: innerHeight })));
    await opened.devtools.screenshot({ path: PNG, ...(box ? { clip: { x: box.x, y: 0, width: box.width, height: size.height } } : {}) });
  } finally {
    await opened.disconnect();
  }
  return PNG;
}

async function main(): Promise<number> {
  const server = await startFixtureServer();
  let browser: ChromiumWithExtension | null = null;
  try {
    if (headless) {
      await auditDemo(server);
      browser = await launchChromiumWithExtension({ headless: true, args: [...server.chromiumArgs, REMOTE_DEBUGGING_ARG, '--window-size=1280,800'] });
      const png = await panelScreenshot(browser, server);
      console.log(`\n(no display: printed the audit of ${DEMO_SCENARIOS.length} demo pages; the real panel on the zoo page is saved as ${png})`);
      return 0;
    }
    browser = await launchChromiumWithExtension({ headless: false, args: [...server.chromiumArgs, REMOTE_DEBUGGING_ARG] });
    const zoo = server.url('https', 'a.test', '/zoo.html');
    const page = await warmUp(browser, server.url('https', 'a.test', '/warmup.html'));
    await page.goto(zoo);
    const index = await browser.context.newPage();
    await index.goto(server.url('https', 'a.test', '/index.html'));
    await page.bringToFront();
    const opened = await openPanel(browser, page);
    await opened.disconnect();
    console.log(`Chromium is open with DevTools on the Frame Security panel (zoo page); the second tab lists every scenario:
${DEMO_SCENARIOS.map((d) => `  ${server.url(d.scheme, 'a.test', d.path)}  ${d.title}`).join('\n')}
The fixture site serves a.test, sub.a.test and b.test on https port ${server.httpsPort} and http port ${server.httpPort}.
Close the browser window (or press Ctrl+C) to stop.`);
    process.once('SIGINT', () => void browser?.close().then(() => server.close()).then(() => process.exit(0)));
    await new Promise<void>((done) => browser!.context.once('close', () => done()));
    browser = null;
    return 0;
  } catch (err) {
    if (err instanceof MissingBrowserError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  } finally {
    await browser?.close().catch(() => {});
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
