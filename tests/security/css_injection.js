// tests/security/css_injection.js: opens a report viewer page in Chromium
// and records every request the page makes (and every CSP report it
// raises), so css_injection.py can check that an injected url() never
// leaves the page.  Requests to other origins are aborted, never sent.
//
//   node css_injection.js URL USER PASSWORD MARKER
const { chromium } = require('playwright-core');

async function main() {
  const [url, user, password, marker] = process.argv.slice(2);
  const origin = new URL(url).origin;
  const out = { ok: false, requests: [], foreign: [], violations: [] };
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
    });
    await ctx.route((u) => u.origin !== origin, (route) => {
      out.foreign.push(route.request().url());
      return route.abort();
    });
    const page = await ctx.newPage();
    page.on('request', (r) => out.requests.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) {
        out.violations.push(m.text().slice(0, 300));
      }
    });
    const resp = await page.goto(url, { timeout: 30000 });
    out.status = resp.status();
    out.csp = resp.headers()['content-security-policy'] || null;
    await page.waitForLoadState('networkidle', { timeout: 15000 });
    out.css = await page.evaluate(() => Array.from(document.styleSheets)
      .map((s) => Array.from(s.cssRules).map((r) => r.cssText).join('\n'))
      .join('\n') + '\n' + Array.from(document.querySelectorAll('[style]'))
      .map((e) => e.getAttribute('style')).join('\n'));
    out.title = await page.evaluate(() => {
      const t = Array.from(document.querySelectorAll('div,td,span'))
        .find((e) => e.textContent.trim() === 'Product List');
      return t ? getComputedStyle(t).fontFamily : null;
    });
    out.marked = out.requests.filter((u) => u.includes(marker));
    out.ok = true;
  } catch (e) {
    out.error = String(e && e.message || e).slice(0, 800);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
}

main();
