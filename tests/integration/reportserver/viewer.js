// tests/integration/reportserver/viewer.js: the portal's report viewer in
// Chromium, used as a person does (HTTP Basic; the test's certificate is
// trusted through $HOME/.pki/nssdb).  Journeys:
//   1. open the folder page, click the report's name, page with the
//      toolbar (next until it is gone, first, the page box);
//   2. zoom (200 %, then page width);
//   3. find a text that is on a later page, then Find Next on that page;
//   4. the parameters of the test report: the date's default shows in
//      the date control, set a date and a second value of a multi-value
//      list, change the cascading parent (the child list is re-queried in
//      place), View Report;
//   5. export PDF and CSV from the export menu (files saved), and print
//      (the print link's PDF, saved).
// Prints one JSON line with what it saw; viewer.py judges it.
//
//   node viewer.js BASE FOLDER USER PASSWORD OUTDIR
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

async function state(page) {
  return page.evaluate(() => {
    const t = (s) => {
      const e = document.querySelector(s);
      return e ? e.textContent.trim() : null;
    };
    return {
      url: location.pathname + location.search,
      pageof: t('.rv-pageof'),
      footer: t('.rs-footer'),
      links: Array.from(document.querySelectorAll('.rv-pages a'))
        .map((a) => a.className),
      rows: document.querySelectorAll('.rv-canvas table.rs-tablix tr').length,
      crumbs: Array.from(document.querySelectorAll('nav.crumbs li'))
        .map((l) => l.textContent),
      back: (document.querySelector('a.rv-back') || {}).textContent || null,
    };
  });
}

async function nav(page, action) {
  await Promise.all([page.waitForNavigation({ timeout: 30000 }), action()]);
}

async function journeyPaging(page, out, folder, name) {
  await page.goto(folder, { timeout: 30000 });
  const row = page.locator('tbody tr', { hasText: name });
  await row.locator('details.menu summary').click();
  out.manage = await row.locator('a.manage').getAttribute('href');
  out.manageVisible = await row.locator('a.manage').isVisible();
  await nav(page, () => row.locator('th a', { hasText: name }).click());
  out.opened = await state(page);
  out.pages = [];
  for (let i = 0; i < 8; i++) {
    out.pages.push(await state(page));
    const next = await page.$('.rv-pages a.rv-next');
    if (next === null) break;
    await nav(page, () => next.click());
  }
  await nav(page, () => page.click('.rv-pages a.rv-first'));
  out.first = await state(page);
  await page.fill('#rv-pageno', '3');
  await nav(page, () => page.click('form.rv-goto button'));
  out.box = await state(page);
}

async function zoomOf(page) {
  return page.evaluate(() => {
    const z = document.querySelector('.rv-zoom');
    const c = document.getElementById('rv-canvas');
    const r = z;
    return {
      zoom: z.style.zoom,
      width: r.getBoundingClientRect().width,
      canvas: c.clientWidth,
    };
  });
}

async function journeyZoom(page, out) {
  const before = await zoomOf(page);
  await page.selectOption('#rv-zoom', '200');
  const z200 = await zoomOf(page);
  await page.selectOption('#rv-zoom', 'pagewidth');
  const zpw = await zoomOf(page);
  out.zoom = { before, z200, zpw, url: page.url(),
    applyShown: await page.isVisible('form.rv-zoomf button.rv-nojs'),
    nextHref: await page.getAttribute('.rv-pages a.rv-next', 'href') };
  await page.selectOption('#rv-zoom', '100');
}

async function marks(page) {
  return page.evaluate(() => {
    const m = Array.from(document.querySelectorAll('mark.rv-hit'));
    return { n: m.length, current: m.findIndex((x) =>
      x.classList.contains('rv-current')), text: m.length ? m[0].textContent
      : null };
  });
}

async function journeyFind(page, out, text) {
  await nav(page, () => page.click('.rv-pages a.rv-first'));
  await page.fill('#rv-find', text);
  await nav(page, () => page.press('#rv-find', 'Enter'));
  out.find = { at: await state(page), marks: await marks(page) };
  const url = page.url();
  await page.click('button.rv-findnext');
  await page.waitForTimeout(300);
  out.find.next = { marks: await marks(page), same: page.url() === url };
}

async function journeyParams(page, out, base) {
  await page.goto(base + '/Reports/report/Samples/ViewerParams',
    { timeout: 30000 });
  const p = {};
  out.params = p;
  p.dateDefault = await page.inputValue('input[name="From"]');
  p.dateType = await page.getAttribute('input[name="From"]', 'type');
  p.title0 = await page.textContent('#Title');
  await page.fill('input[name="From"]', '2024-02-01');
  await page.check('input[name="Regions"][value="South"]');
  p.productsBefore = await page.$$eval('#rv-params input[name="Product"]',
    (l) => l.map((x) => x.value));
  // No waitForFunction: the page's policy forbids eval, rightly.
  await Promise.all([
    page.waitForSelector('input[name="Product"][value="Helmet"]',
      { timeout: 15000 }),
    page.selectOption('select[name="Category"]', 'Accessories'),
  ]);
  p.sameUrl = page.url();
  p.productsAfter = await page.$$eval('#rv-params input[name="Product"]',
    (l) => l.map((x) => x.value + (x.checked ? '*' : '')));
  p.dateKept = await page.inputValue('input[name="From"]');
  await page.check('input[name="To:isnull"]');
  p.toDisabled = await page.isDisabled('input[name="To"]');
  await page.uncheck('input[name="To:isnull"]');
  // Products: Select all in the re-queried list.
  await page.check('fieldset.rv-multi:has(input[name="Product"]) input.rv-all');
  await nav(page, () => page.click('button.rv-apply'));
  p.afterUrl = page.url();
  p.messages = await page.$$eval('.rv-msg, .rv-hint, .error', (l) =>
    l.map((x) => x.textContent));
  p.title = await page.textContent('#Title', { timeout: 5000 });
  p.rows = await page.$$eval('.rv-canvas table.rs-tablix tr', (l) =>
    l.map((r) => r.textContent));
  p.url = page.url();
  // Hide the pane: it stays hidden on the next view (Refresh).
  await page.click('#rv-pane > summary');
  await nav(page, () => page.click('a.rv-refresh'));
  p.paneOpenAfter = await page.$eval('#rv-pane', (d) => d.open);
  p.titleAfter = await page.textContent('#Title');
  await page.click('#rv-pane > summary');
}

async function download(page, format, dir) {
  if (!(await page.$('details.rv-export[open]'))) {
    await page.click('details.rv-export summary');
  }
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: 30000 }),
    page.click('details.rv-export a[data-format="' + format + '"]'),
  ]);
  const file = path.join(dir, 'viewer-export.' + format.toLowerCase());
  await dl.saveAs(file);
  return { file, name: dl.suggestedFilename() };
}

async function journeyExport(page, out, dir) {
  out.export = {};
  out.export.menu = await page.$$eval('details.rv-export li', (l) =>
    l.map((x) => x.textContent.trim()));
  out.export.pdf = await download(page, 'PDF', dir);
  out.export.closed = (await page.$('details.rv-export[open]')) === null;
  out.export.csv = await download(page, 'CSV', dir);
  // The print link opens a new tab on an inline PDF; the page's own
  // fetch (the browser's TLS and sign-in) gets the same answer.
  const href = await page.getAttribute('a.rv-print', 'href');
  const target = await page.getAttribute('a.rv-print', 'target');
  const got = await page.evaluate(async (h) => {
    const resp = await fetch(h, { credentials: 'same-origin' });
    const b = new Uint8Array(await resp.arrayBuffer());
    let s = '';
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return { status: resp.status, type: resp.headers.get('content-type'),
      disposition: resp.headers.get('content-disposition'), b64: btoa(s) };
  }, href);
  const file = path.join(dir, 'viewer-print.pdf');
  fs.writeFileSync(file, Buffer.from(got.b64, 'base64'));
  out.print = { href, target, status: got.status, type: got.type,
    disposition: got.disposition, file };
}

async function main() {
  const [base, folder, user, password, dir] = process.argv.slice(2);
  const out = { ok: false, csp: [], errors: [] };
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
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) out.csp.push(m.text());
    });
    page.on('pageerror', (e) => out.errors.push(String(e).slice(0, 300)));
    out.net = [];
    page.on('response', (r) => {
      if (r.url().includes('pane')) out.net.push([r.url(), r.status()]);
    });
    out.step = 'paging';
    await journeyPaging(page, out, base + folder, 'SalesSummary');
    await page.screenshot({ path: path.join(dir,
      'reportserver-viewer-page3.png'), fullPage: true });
    out.step = 'zoom';
    await journeyZoom(page, out);
    out.step = 'find';
    await journeyFind(page, out, '2025-05');
    out.step = 'params';
    await journeyParams(page, out, base);
    await page.screenshot({ path: path.join(dir,
      'reportserver-viewer-params.png'), fullPage: true });
    out.step = 'export';
    await journeyExport(page, out, dir);
    out.step = 'phone';
    await page.setViewportSize({ width: 360, height: 740 });
    await page.reload();
    out.phone = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      bar: document.querySelector('.rv-bar').getBoundingClientRect().right,
      pane: document.getElementById('rv-pane').getBoundingClientRect().right,
    }));
    await page.screenshot({ path: path.join(dir,
      'reportserver-viewer-phone.png'), fullPage: true });
    out.ok = true;
  } catch (e) {
    out.error = String(e && e.message || e).slice(0, 800);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
}

main();
