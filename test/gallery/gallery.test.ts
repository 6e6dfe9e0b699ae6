import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildGalleryHtml, galleryCards, SCREENSHOT_CARD_ID, TICKET_SCREENSHOT_CARD_ID, writeCardsPreview, type GalleryCard } from '../../scripts/cardsPreview';
import { defaultKnowledge, LANGS } from '../../src/knowledge';

/** CI installs it the same way: apt-get install -y chromium. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SCREENSHOT = join(REPO_ROOT, 'docs', 'diagnosis-card.png');
const TICKET_SCREENSHOT = join(REPO_ROOT, 'docs', 'ticket-card.png');
const TEMPLATES_DIR = join(REPO_ROOT, 'src', 'cards', 'templates');

interface GalleryResult {
  total: number;
  ok: number;
  failed: Array<{ id: string; error: string }>;
}

describe('card gallery in headless Chromium', function () {
  this.timeout(60_000);

  let outDir: string | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let result: GalleryResult;
  const pageErrors: string[] = [];
  const requestsOffFile: string[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    outDir = mkdtempSync(join(tmpdir(), 'cards-preview-'));
    const { file } = writeCardsPreview(outDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await browser.newPage({ viewport: { width: 960, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    // The page is self-contained: anything it asks for beyond its own file is a bug, and is refused.
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requestsOffFile.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { timeout: 30_000 });
    await page.waitForFunction(() => (globalThis as { __galleryResult?: unknown }).__galleryResult !== undefined, null, { timeout: 30_000 });
    result = await page.evaluate(() => (globalThis as unknown as { __galleryResult: GalleryResult }).__galleryResult);
  });

  after(async () => {
    await browser?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('renders every card without an error', () => {
    assert.deepEqual(result.failed, []);
    assert.equal(result.ok, result.total);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(requestsOffFile, []);
  });

  it('renders at least every failure mode and every other template, in every language', () => {
    const templates = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.json')).map((f) => basename(f, '.json'));
    const expected = LANGS.length * (defaultKnowledge().modes.length + templates.length - 1);
    assert.ok(result.total >= expected, `rendered ${result.total} cards, expected at least ${expected}`);
    assert.equal(result.total, galleryCards().length);
  });

  it('marks every section with its outcome', async () => {
    const outcomes = await page.$$eval('section[data-card-id]', (sections) => sections.map((s) => s.getAttribute('data-rendered')));
    assert.equal(outcomes.length, result.total);
    assert.deepEqual([...new Set(outcomes)], ['ok']);
  });

  it('renders CodeBlock with its own renderer, not the fallback', async () => {
    const section = page.locator(`section[data-card-id="${SCREENSHOT_CARD_ID}"]`);
    assert.ok((await section.locator('.code-block pre').count()) > 0);
    assert.equal(await section.locator('.code-block .code-language').first().textContent(), 'PowerShell');
  });

  it('reports a card that does not parse as failed, in its section and in the result', async () => {
    const good = galleryCards().find((c) => c.id === SCREENSHOT_CARD_ID) as GalleryCard;
    const broken: GalleryCard = { ...good, id: 'broken', card: { ...good.card, body: [{ type: 'Frobnicator' }] } };
    const file = join(outDir as string, 'broken.html');
    writeFileSync(file, buildGalleryHtml([good, broken]));
    const other = await (browser as Browser).newPage();
    try {
      await other.goto(pathToFileURL(file).href, { timeout: 30_000 });
      await other.waitForFunction(() => (globalThis as { __galleryResult?: unknown }).__galleryResult !== undefined, null, { timeout: 30_000 });
      const brokenResult = await other.evaluate(() => (globalThis as unknown as { __galleryResult: GalleryResult }).__galleryResult);
      assert.equal(brokenResult.total, 2);
      assert.equal(brokenResult.ok, 1);
      assert.deepEqual(brokenResult.failed.map((f) => f.id), ['broken']);
      assert.match(brokenResult.failed[0]?.error ?? '', /Frobnicator/);
      const section = other.locator('section[data-card-id="broken"]');
      assert.equal(await section.getAttribute('data-rendered'), 'error');
      assert.match((await section.getAttribute('data-error')) ?? '', /Frobnicator/);
    } finally {
      await other.close();
    }
  });

  it('keeps docs/diagnosis-card.png (UPDATE_SCREENSHOT=1 retakes it)', async () => {
    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(SCREENSHOT)) {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.locator(`section[data-card-id="${SCREENSHOT_CARD_ID}"]`).screenshot({ path: SCREENSHOT, timeout: 15_000 });
    }
    assert.ok(existsSync(SCREENSHOT));
  });

  it('keeps docs/ticket-card.png (UPDATE_SCREENSHOT=1 retakes it)', async () => {
    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(TICKET_SCREENSHOT)) {
      await page.locator(`section[data-card-id="${TICKET_SCREENSHOT_CARD_ID}"]`).screenshot({ path: TICKET_SCREENSHOT, timeout: 15_000 });
    }
    assert.ok(existsSync(TICKET_SCREENSHOT));
  });
});
