import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type BrowserContext } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const CHROMIUM = process.env['FRX_CHROMIUM'] ?? '/usr/bin/chromium';
// Debian's chromium, headless, with nothing that reaches the network on its own.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server: PreviewServer;
let browser: BrowserContext;
let userDataDir = '';
let origin = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set FRX_CHROMIUM)`);
  await build({ root: ROOT, logLevel: 'warn' });
  server = await preview({
    root: ROOT,
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
    logLevel: 'warn',
  });
  origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  // A fresh profile every run (playwright passes it as --user-data-dir).
  userDataDir = mkdtempSync(join(tmpdir(), 'frx-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: FLAGS,
    viewport: { width: 960, height: 560 },
  });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (userDataDir !== '') rmSync(userDataDir, { recursive: true, force: true });
});

/** Opens a page, waits for `body[data-state]` to leave 'running', and returns what the console said. */
async function open(path: string, timeout: number) {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(`${origin}${path}`);
  await page.waitForSelector('body:not([data-state="running"])', { timeout });
  return {
    page,
    errors,
    state: await page.getAttribute('body', 'data-state'),
    status: await page.textContent('#status'),
  };
}

describe('examples/browser in headless Chromium', () => {
  it('trains InceptionTime on wasm: the loss falls, MHLR sets the rate, no console error, no leak', async () => {
    const { page, errors, state, status } = await open('/?backend=wasm&epochs=30', 240_000);
    await page.screenshot({ path: `${ARTIFACTS}train-wasm.png` });
    expect(errors).toEqual([]);
    expect(state, status ?? '').toBe('done');
    const result = await page.evaluate<{
      backend: string;
      losses: number[];
      learningRates: number[];
      testAccuracy: number;
      numTensors: number;
    }>('window.frxResult');
    expect(result.backend).toBe('wasm');
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    const first = mean(result.losses.slice(0, 3));
    const last = mean(result.losses.slice(-3));
    // ln 3 = 1.0986 is the loss of a uniform guess over the three classes.
    expect(first).toBeGreaterThan(0.7);
    expect(last).toBeLessThan(0.5 * first);
    // Chance is 1/3; the time-series example reaches 0.99 with the full-size network and 1500 epochs.
    expect(result.testAccuracy).toBeGreaterThan(0.8);
    expect(result.learningRates).toHaveLength(result.losses.length);
    expect(result.numTensors).toBe(0);
    await page.close();
  }, 300_000);

  it('registers tfjs gradients in a bundle that has no tfjs-layers (d/dx Σx² = 2x)', async () => {
    const { page, errors, state, status } = await open('/gradients.html', 60_000);
    expect(errors).toEqual([]);
    expect(state, status ?? '').toBe('done');
    expect(await page.evaluate('window.frxGradient')).toEqual([2, -4, 6]);
    await page.close();
  }, 120_000);
});
