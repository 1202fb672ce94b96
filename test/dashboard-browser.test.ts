import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

// The dashboard in a real browser: Debian's chromium driven by playwright-core (.ci/run installs it),
// against a gateway that served known traffic. Screenshots go to test-results/ as artifacts.
const artifacts = new URL('../test-results/', import.meta.url).pathname;

describe('the dashboard in chromium', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    mock = await startMockUpstream();
    gateway = await startGateway('express', { providers: mockProviders(mock), defaultModel: 'openai/gpt-4.1', dashboard: true, logger: false, cache: true, spendLimits: { perTenant: { limits: { daily_usd: 1, monthly_usd: 20 } } } });
    const send = (content: string, model = 'auto') => fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content }] }) });
    // Known traffic: 5 answered (one from the cache), 1 failed.
    for (const content of ['Hello!', 'What is the capital of France?', 'Prove that there are infinitely many primes, step by step.', 'Write a haiku about rain.']) await send(content);
    await send('Hello!');
    mock.failNext({ type: 'status', status: 400 }, 10);
    await send('This one fails', 'openai/gpt-4.1-mini');
    mock.reset();
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await mock?.close();
  });

  it('shows the numbers of the traffic served, and opens one decision in full', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    await page.goto(`${gateway.url}/dashboard`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
    expect(await page.textContent('#requests')).toBe('6');
    expect(await page.textContent('#success')).toBe('83.3%');
    // Six lookups (the failed request looked too), one hit.
    expect(await page.textContent('#cache')).toBe('16.7%');
    expect(await page.locator('#receipts tbody tr').count()).toBe(6);
    expect(await page.locator('#chart-savings canvas').count()).toBe(1);
    await page.screenshot({ path: `${artifacts}dashboard.png`, fullPage: true });
    // The failed request is the newest; open the proof request's decision instead.
    const row = page.locator('#receipts tbody tr', { hasText: 'auto' }).nth(2);
    await row.click();
    await page.waitForSelector('dialog#receipt[open]');
    expect(await page.locator('#receipt-candidates tbody tr').count()).toBeGreaterThan(1);
    expect(await page.textContent('#receipt-reason')).toMatch(/^auto: /);
    expect(await page.locator('#receipt-attempts tbody tr').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: `${artifacts}dashboard-receipt.png`, fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);

  it.each([[1280, 900], [420, 860]])('puts the share saved and the traffic split first, buckets by range, and fits a %i px wide screen', async (width, height) => {
    const page = await browser.newPage({ viewport: { width, height } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    const usageCalls: string[] = [];
    page.on('request', (request) => request.url().includes('/v1/usage?') && usageCalls.push(request.url()));
    await page.goto(`${gateway.url}/dashboard`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
    // The figures the headline shows, computed from the usage API itself.
    const usage = (await (await fetch(`${gateway.url}/v1/usage`)).json()) as { totals: { savings_usd: number; default_cost_usd: number; models: Record<string, number> } };
    const saved = ((usage.totals.savings_usd / usage.totals.default_cost_usd) * 100).toFixed(1);
    expect(await page.textContent('#saved-share')).toBe(`${saved}%`);
    const answered = Object.values(usage.totals.models).reduce((total, count) => total + count, 0);
    const segments = await page.locator('#traffic-bar span').evaluateAll((spans) => spans.map((span) => [(span as HTMLElement).dataset.model, parseFloat((span as HTMLElement).style.width)]));
    expect(segments.map(([model]) => model)).toEqual(Object.keys(usage.totals.models));
    for (const [model, share] of segments) expect(share as number).toBeCloseTo((usage.totals.models[model as string]! / answered) * 100, 3);
    // Spend against limits: the default tenant with both of its limits.
    const limitRow = page.locator('#limits tbody tr', { hasText: 'tenant default' });
    expect(await limitRow.locator('.meter').evaluateAll((meters) => meters.map((meter) => (meter as HTMLElement).dataset.limit))).toEqual(['daily_usd', 'monthly_usd']);
    // 24 hours (the default) in 15-minute buckets; the last hour in 1-minute ones.
    expect(usageCalls.some((url) => url.includes('group_by=time&bucket=15m'))).toBe(true);
    await page.selectOption('#hours', '1');
    await page.click('#range button');
    await page.waitForSelector('body[data-bucket="1m"]', { timeout: 20_000 });
    expect(usageCalls.some((url) => url.includes('group_by=time&bucket=1m'))).toBe(true);
    // Nothing wider than the screen: no sideways scrolling of the page, every chart inside its card.
    const overflow = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: innerWidth, charts: [...document.querySelectorAll('.chart')].map((chart) => [chart.querySelector('canvas')!.getBoundingClientRect().right, chart.closest('figure')!.getBoundingClientRect().right]) }));
    expect(overflow.page).toBeLessThanOrEqual(overflow.viewport);
    expect(overflow.charts).toHaveLength(3);
    for (const [canvas, figure] of overflow.charts) expect(canvas!).toBeLessThanOrEqual(figure!);
    await page.screenshot({ path: `${artifacts}dashboard-${width}.png`, fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);
});
