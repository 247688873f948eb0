// tests/integration/reportserver/browser.js: drives Debian's chromium with
// playwright-core through the web portal, as a user would: open
// https://localhost:PORT/Reports with the CA trusted through the NSS
// database in $HOME/.pki/nssdb (no certificate errors ignored), answer the
// Basic sign-in prompt, upload a file with the form, check it is listed,
// save a screenshot.  Prints one JSON line with what it saw.  "probe" only
// opens the URL and reports the error Chromium shows instead of the page
// (its interstitial: net::ERR_CERT_AUTHORITY_INVALID when the CA is not
// trusted).
//
//   node browser.js URL USER PASSWORD FILE SCREENSHOT
//   node browser.js probe URL
const { chromium } = require('playwright-core');

async function main() {
  const probe = process.argv[2] === 'probe';
  const [url, user, password, file, shot] = process.argv.slice(probe ? 3 : 2);
  const out = { ok: false };
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update',
      '--disable-sync'],
    env: { ...process.env },
    timeout: 60000,
  });
  try {
    const ctx = await browser.newContext({
      httpCredentials: probe ? undefined : { username: user, password },
      ignoreHTTPSErrors: false,
    });
    const page = await ctx.newPage();
    const resp = await page.goto(url, { timeout: 30000 });
    out.status = resp.status();
    if (!probe) {
      out.url = page.url();
      out.title = await page.title();
      out.h1 = await page.textContent('h1');
      await page.setInputFiles('#uf', file);
      await Promise.all([
        page.waitForNavigation({ timeout: 30000 }),
        page.click('form.card button:has-text("Upload")'),
      ]);
      out.after = page.url();
      out.status_text = await page.textContent('p.status');
      out.rows = await page.$$eval('tbody th[scope=row] a',
        (as) => as.map((a) => a.textContent));
      await page.screenshot({ path: shot, fullPage: true });
    }
    out.ok = true;
  } catch (e) {
    out.error = String(e && e.message || e).slice(0, 800);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
}

main();
