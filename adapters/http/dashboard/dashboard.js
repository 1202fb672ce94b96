// The routekit dashboard: reads GET /v1/usage and GET /v1/receipts from the same origin, with the
// admin key typed into the page (kept in this tab's sessionStorage only), and draws with uPlot.
'use strict';
(function dashboard() {
  const base = location.pathname.replace(/\/dashboard\/?$/, '');
  const byId = (id) => document.getElementById(id);
  const keyInput = byId('key');
  keyInput.value = sessionStorage.getItem('routekit-admin-key') || '';
  const charts = [];

  async function api(path) {
    const key = keyInput.value.trim();
    const response = await fetch(base + path, { headers: key ? { authorization: 'Bearer ' + key } : {} });
    const body = await response.json();
    if (!response.ok) throw new Error((body.error && body.error.message) || 'HTTP ' + response.status);
    return body;
  }

  const money = (value) => '$' + value.toFixed(value >= 1 ? 2 : 6);
  const percent = (value) => (value * 100).toFixed(1) + '%';
  const cell = (row, text) => { const td = document.createElement('td'); td.textContent = text; row.appendChild(td); return td; };

  function showTotals(totals) {
    byId('requests').textContent = String(totals.requests);
    byId('success').textContent = percent(totals.success_rate);
    byId('savings').textContent = money(totals.savings_usd);
    byId('cost').textContent = money(totals.cost_usd);
    byId('cache').textContent = percent(totals.cache_hit_rate);
    byId('fallback').textContent = percent(totals.fallback_rate);
    byId('limited').textContent = totals.rate_limited + ' / ' + totals.spend_limited;
    byId('latency').textContent = [totals.latency_ms.p50, totals.latency_ms.p95, totals.latency_ms.p99].map((value) => Math.round(value)).join(' / ') + ' ms';
    const body = byId('models').querySelector('tbody');
    body.replaceChildren();
    for (const [model, count] of Object.entries(totals.models)) {
      const row = document.createElement('tr');
      cell(row, model);
      cell(row, String(count));
      cell(row, percent(count / Math.max(1, totals.requests)));
      body.appendChild(row);
    }
  }

  function chart(target, series, data, range, format) {
    const element = byId(target);
    element.replaceChildren();
    const width = Math.max(320, element.clientWidth || 480);
    const values = format ? { values: (_chart, ticks) => ticks.map(format) } : {};
    charts.push(new uPlot({ width, height: 220, scales: { x: { time: true, range: () => range } }, series: [{}, ...series], axes: [{}, { size: 80, ...values }] }, data, element));
  }

  // One point per bucket of the range, zero requests where nothing happened, so the lines read as
  // time; such a bucket has no latency or success rate (null, a gap), not 0.
  function showTimeline(groups, from, to, bucketMs) {
    const byStart = new Map(groups.map((group) => [Date.parse(group.group), group]));
    const starts = [];
    for (let start = from - (from % bucketMs); start < to; start += bucketMs) starts.push(start);
    const rows = starts.map((start) => byStart.get(start));
    const times = starts.map((start) => start / 1000);
    const range = [times[0], to / 1000];
    let cost = 0;
    let defaultCost = 0;
    const cumulativeCost = rows.map((row) => (cost += row ? row.cost_usd : 0));
    const cumulativeDefault = rows.map((row) => (defaultCost += row ? row.default_cost_usd : 0));
    const usd = (value) => '$' + Number(value).toPrecision(2);
    chart('chart-savings', [{ label: 'cost so far', stroke: '#2563eb' }, { label: 'on the default model', stroke: '#9ca3af' }, { label: 'saved', stroke: '#16a34a' }], [times, cumulativeCost, cumulativeDefault, cumulativeDefault.map((value, index) => value - cumulativeCost[index])], range, usd);
    chart('chart-requests', [{ label: 'requests', stroke: '#2563eb' }, { label: 'success rate %', stroke: '#16a34a' }], [times, rows.map((row) => (row ? row.requests : 0)), rows.map((row) => (row ? row.success_rate * 100 : null))], range);
    chart('chart-latency', [{ label: 'p50', stroke: '#16a34a' }, { label: 'p95', stroke: '#f59e0b' }, { label: 'p99', stroke: '#dc2626' }], [times, rows.map((row) => (row ? row.latency_ms.p50 : null)), rows.map((row) => (row ? row.latency_ms.p95 : null)), rows.map((row) => (row ? row.latency_ms.p99 : null))], range);
  }

  function showReceipts(receipts) {
    const body = byId('receipts').querySelector('tbody');
    body.replaceChildren();
    for (const receipt of receipts) {
      const row = document.createElement('tr');
      row.dataset.id = receipt.request_id;
      cell(row, new Date(receipt.timestamp).toLocaleString());
      cell(row, receipt.tenant);
      cell(row, receipt.model_requested);
      cell(row, receipt.winner || '–');
      cell(row, receipt.status + (receipt.error ? ' ' + receipt.error.status : ''));
      cell(row, money(receipt.cost_usd));
      cell(row, money(receipt.savings_usd));
      cell(row, receipt.cache ? receipt.cache.status : 'off');
      row.addEventListener('click', () => openReceipt(receipt.request_id));
      body.appendChild(row);
    }
  }

  async function openReceipt(id) {
    const receipt = await api('/v1/receipts/' + encodeURIComponent(id));
    byId('receipt-id').textContent = receipt.request_id;
    byId('receipt-reason').textContent = receipt.strategy + ': ' + receipt.reason;
    const candidates = byId('receipt-candidates').querySelector('tbody');
    candidates.replaceChildren();
    for (const candidate of receipt.candidates) {
      const row = document.createElement('tr');
      cell(row, candidate.model);
      cell(row, candidate.score.toFixed(4));
      cell(row, candidate.predicted_quality === undefined ? '–' : candidate.predicted_quality.toFixed(3));
      cell(row, money(candidate.estimated_cost_usd));
      cell(row, candidate.eligible ? 'yes' : 'no');
      cell(row, candidate.rejected_because || '');
      candidates.appendChild(row);
    }
    const attempts = byId('receipt-attempts').querySelector('tbody');
    attempts.replaceChildren();
    for (const attempt of receipt.attempts) {
      const row = document.createElement('tr');
      cell(row, attempt.model);
      cell(row, attempt.outcome);
      cell(row, attempt.latency_ms.toFixed(1) + ' ms');
      cell(row, attempt.error_code || '');
      attempts.appendChild(row);
    }
    byId('receipt').showModal();
  }

  async function load() {
    const hours = Number(byId('hours').value);
    const to = Date.now();
    const from = to - hours * 3_600_000;
    const bucket = hours > 48 ? 'day' : 'hour';
    byId('status').textContent = '';
    try {
      const [totals, timeline, recent] = await Promise.all([
        api('/v1/usage?group_by=none&from=' + from + '&to=' + to),
        api('/v1/usage?group_by=' + bucket + '&from=' + from + '&to=' + to),
        api('/v1/receipts?limit=50'),
      ]);
      sessionStorage.setItem('routekit-admin-key', keyInput.value.trim());
      showTotals(totals.totals);
      showTimeline(timeline.groups, from, to, bucket === 'day' ? 86_400_000 : 3_600_000);
      showReceipts(recent.data);
      document.body.dataset.loaded = 'true';
    } catch (error) {
      byId('status').textContent = 'Could not load: ' + error.message;
    }
  }

  byId('range').addEventListener('submit', (event) => { event.preventDefault(); load(); });
  load();
})();
