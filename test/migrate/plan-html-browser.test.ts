/**
 * plan.html in a real browser (Debian's chromium, driven by playwright-core): it
 * loads without a console error or a network request, both trust graphs are SVG,
 * and a screenshot is kept as a test artifact (test-artifacts/, gitignored).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { hostFiles } from '../../src/migrate/generate/files.js';
import { describeWhen } from '../helpers/requires.js';
import { ALL_IDS, examplePlans, testIndex } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts', 'migrate');

describeWhen(fs.existsSync(CHROMIUM), 'chromium (apt-get install chromium)', 'migrate: plan.html in headless Chromium', () => {
  it.each([
    ['server', 'examples/server', true],
    ['desktop-unpinned', 'examples/desktop', false],
  ])('%s: no console error, no request, both SVG graphs, a screenshot', async (name, dir, pinned) => {
    const [out] = await examplePlans(dir, pinned ? { index: testIndex(ALL_IDS) } : {});
    const html = (await hostFiles(out!)).find((f) => f.path === 'plan.html')!.content;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-html-'));
    const file = path.join(tmp, 'plan.html');
    fs.writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (r.url() !== `file://${file}`) requests.push(r.url());
      });
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.locator('#graph-before svg').count()).toBe(1);
      expect(await page.locator('#graph-after svg').count()).toBe(1);
      expect(await page.locator('#graph-after svg g.node').count()).toBeGreaterThanOrEqual(out!.plan.signers.length + 8);
      expect(await page.locator('#unpinned').count()).toBe(pinned ? 0 : 1);
      expect(await page.locator('h2').allTextContents()).toEqual(expect.arrayContaining(['Risk today (nixharden scan)', 'Pin status', 'Package coverage', 'Service mapping', 'Trust graph', 'Checklist', 'What stays trusted, and why']));
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `plan-${name}.png`), fullPage: true });
      await page.locator('.graphs').screenshot({ path: path.join(ARTIFACTS, `plan-${name}-graphs.png`) });
      expect(fs.statSync(path.join(ARTIFACTS, `plan-${name}.png`)).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
