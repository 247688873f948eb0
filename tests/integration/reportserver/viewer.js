// tests/integration/reportserver/viewer.js: the report viewer in Chromium,
// reached and paged as a user does: open the portal's folder page (HTTP
// Basic, the test's certificate trusted through $HOME/.pki/nssdb), click
// the report's name, read the toolbar's "Page N of M" and the page footer,
// click "Next >" while there is one, then open the one-page report.
// Prints one JSON line with what it saw.
//
//   node viewer.js FOLDER_URL REPORT_NAME ONE_PAGE_URL USER PASSWORD SCREENSHOT
const { chromium } = require('playwright-core');

async function state(page) {
  return page.evaluate(() => {
    const no = document.querySelector('.rs-pages .rs-pageno');
    const foot = document.querySelector('.rs-footer');
    return {
      pageno: no ? no.textContent : null,
      footer: foot ? foot.textContent : null,
      links: Array.from(document.querySelectorAll('.rs-pages a'))
        .map((a) => a.className),
      rows: document.querySelectorAll('table.rs-tablix tr').length,
    };
  });
}

async function main() {
  const [folder, name, one, user, password, shot] = process.argv.slice(2);
  const out = { ok: false, pages: [] };
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
      httpCredentials: { username: user, password },
      ignoreHTTPSErrors: false,
    });
    const page = await ctx.newPage();
    await page.goto(folder, { timeout: 30000 });
    const row = page.locator('tbody tr', { hasText: name });
    out.manage = await row.locator('a.manage').getAttribute('href');
    const [resp] = await Promise.all([
      page.waitForNavigation({ timeout: 30000 }),
      row.locator('th a', { hasText: name }).click(),
    ]);
    out.status = resp.status();
    out.url = page.url();
    for (let i = 0; i < 8; i++) {
      out.pages.push(await state(page));
      const next = await page.$('.rs-pages a.rs-next');
      if (next === null) break;
      await Promise.all([page.waitForNavigation({ timeout: 30000 }),
        next.click()]);
    }
    await page.screenshot({ path: shot, fullPage: true });
    await Promise.all([page.waitForNavigation({ timeout: 30000 }),
      page.click('.rs-pages a.rs-first')]);
    out.back = await state(page);
    await page.goto(one, { timeout: 30000 });
    out.one = await state(page);
    out.ok = true;
  } catch (e) {
    out.error = String(e && e.message || e).slice(0, 800);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
}

main();
