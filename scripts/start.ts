// `npm start`: the demo. Serves the fixture site, opens Chromium with the extension loaded, DevTools open
// on the Frame Security panel and the zoo page loaded. Without a display (Linux without DISPLAY, or
// --headless) it prints the recorded frame tree instead and exits 0.
import { launchChromiumWithExtension, waitForCompleteRecord, warmUp, findTabId } from '../src/cli/chromium.ts';
import { MissingBrowserError } from '../src/cli/browsers.ts';
import { openPanel, REMOTE_DEBUGGING_ARG } from '../src/cli/devtools.ts';
import { renderFrameTreeText } from '../src/shared/frame-tree.ts';
import { startFixtureServer } from '../test/fixtures/server.ts';

const headless =
  process.argv.includes('--headless') ||
  (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);

async function main(): Promise<number> {
  const server = await startFixtureServer();
  const zoo = server.url('https', 'a.test', '/zoo.html');
  let browser;
  try {
    browser = await launchChromiumWithExtension({ headless, args: [...server.chromiumArgs, REMOTE_DEBUGGING_ARG] });
  } catch (err) {
    await server.close();
    if (err instanceof MissingBrowserError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const shutdown = async () => {
    await browser.close().catch(() => {});
    await server.close();
  };
  process.once('SIGINT', () => void shutdown().then(() => process.exit(0)));

  const page = await warmUp(browser, server.url('https', 'a.test', '/warmup.html'));
  await page.goto(zoo);
  const worker = await browser.worker();
  const tabId = await findTabId(worker, zoo);
  if (tabId === null) throw new Error('the zoo tab is not visible to the extension');
  const record = await waitForCompleteRecord(worker, tabId);

  console.log(`Frame Security: recorded frame tree of ${zoo}\n`);
  process.stdout.write(renderFrameTreeText(record));

  if (headless) {
    console.log('\n(no display: printed the recorded tree instead of opening the browser window)');
    await shutdown();
    return 0;
  }
  const opened = await openPanel(browser, page);
  await opened.disconnect();
  console.log(`\nChromium is open with DevTools on the Frame Security panel. The fixture site serves
  https://a.test:${server.httpsPort}, https://sub.a.test:${server.httpsPort}, https://b.test:${server.httpsPort} (and http on port ${server.httpPort}).
Close the browser window (or press Ctrl+C) to stop.`);
  await new Promise<void>((resolve) => browser.context.once('close', () => resolve()));
  await server.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
