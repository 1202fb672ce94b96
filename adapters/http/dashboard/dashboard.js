// The routekit dashboard: reads GET /v1/usage, /v1/usage/limits and /v1/receipts from the same
// origin, with the admin key typed into the page (kept in this tab's sessionStorage only), and draws
// with uPlot. Charts take their container's width and follow it when the window is resized.
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
  const palette = ['#2563eb', '#16a34a', '#f59e0b', '#9333ea', '#0891b2', '#dc2626', '#6b7280'];
  // The bucket each range reads best in (the gateway's bucketForRange): 60 to 168 points.
  const buckets = new Map([[1, ['1m', 60_000]], [6, ['5m', 300_000]], [24, ['15m', 900_000]], [168, ['1h', 3_600_000]], [720, ['1d', 86_400_000]]]);
  const cell = (row, text) => { const td = document.createElement('td'); td.textContent = text; row.appendChild(td); return td; };

  // The two figures a router's user looks for first: the share of the default model's cost saved,
  // and the share of requests each model took.
  function showHeadline(totals) {
    const share = totals.default_cost_usd > 0 ? totals.savings_usd / totals.default_cost_usd : null;
    const big = byId('saved-share');
    big.textContent = share === null ? '–' : (share < 0 ? '−' : '') + (Math.abs(share) * 100).toFixed(1) + '%';
    big.classList.toggle('negative', share !== null && share < 0);
    byId('saved-detail').textContent = share === null ? 'no priced requests in this range' : money(totals.cost_usd) + ' spent instead of ' + money(totals.default_cost_usd) + ' on the default model';
    const entries = Object.entries(totals.models);
    const answered = entries.reduce((total, [, count]) => total + count, 0);
    const shown = entries.slice(0, palette.length - 1);
    const rest = entries.slice(palette.length - 1).reduce((total, [, count]) => total + count, 0);
    if (rest > 0) shown.push(['other models', rest]);
    const bar = byId('traffic-bar');
    const legend = byId('traffic-legend');
    bar.replaceChildren();
    legend.replaceChildren();
    shown.forEach(([model, count], index) => {
      const color = palette[index % palette.length];
      const segment = document.createElement('span');
      segment.style.width = (count / Math.max(1, answered)) * 100 + '%';
      segment.style.background = color;
      segment.title = model + ': ' + percent(count / answered);
      segment.dataset.model = model;
      bar.appendChild(segment);
      const item = document.createElement('li');
      const swatch = document.createElement('i');
      swatch.style.background = color;
      item.append(swatch, document.createTextNode(model + ' ' + percent(count / answered)));
      legend.appendChild(item);
    });
    if (shown.length === 0) legend.textContent = 'no answered requests in this range';
  }

  function showTotals(totals) {
    showHeadline(totals);
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
    // Shares of the answered requests, as in the headline's bar (refused and failed ones have no model).
    const answered = Object.values(totals.models).reduce((total, count) => total + count, 0);
    for (const [model, count] of Object.entries(totals.models)) {
      const row = document.createElement('tr');
      cell(row, model).className = 'wrap';
      cell(row, String(count));
      cell(row, percent(count / Math.max(1, answered)));
      body.appendChild(row);
    }
  }

  // Series with gaps (latency, success rate) draw their points, so a lone busy minute between empty
  // ones is a dot, not nothing. The value axis is as wide as its longest label.
  function chart(target, series, data, range, options) {
    const element = byId(target);
    const previous = charts.findIndex((entry) => entry.element === element);
    if (previous >= 0) charts.splice(previous, 1)[0].plot.destroy();
    element.replaceChildren();
    const width = Math.max(200, element.clientWidth || 480);
    const format = options && options.format;
    const size = (_chart, values) => (values ? Math.max(3, ...values.map((value) => String(value).length)) * 7 + 18 : 40);
    const values = format ? { values: (_chart, ticks) => ticks.map(format) } : {};
    const config = {
      width,
      height: 220,
      scales: { x: { time: true, range: () => range }, ...(options && options.scales) },
      series: [{}, ...series.map((entry) => ({ points: { show: entry.dots === true, size: 5 }, ...entry, dots: undefined }))],
      axes: [{ space: 80 }, { size, ...values }, ...((options && options.axes) || []).map((axis) => ({ size, ...axis }))],
    };
    charts.push({ element, plot: new uPlot(config, data, element) });
  }

  // A narrower or wider window resizes the charts to their containers instead of overflowing them.
  let resizing;
  addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => { for (const { element, plot } of charts) plot.setSize({ width: Math.max(200, element.clientWidth), height: 220 }); }, 100);
  });

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
    chart('chart-savings', [{ label: 'cost so far', stroke: '#2563eb' }, { label: 'on the default model', stroke: '#9ca3af' }, { label: 'saved', stroke: '#16a34a' }], [times, cumulativeCost, cumulativeDefault, cumulativeDefault.map((value, index) => value - cumulativeCost[index])], range, { format: usd });
    chart('chart-requests', [{ label: 'requests', stroke: '#2563eb' }, { label: 'success rate', stroke: '#16a34a', scale: '%', dots: true }], [times, rows.map((row) => (row ? row.requests : 0)), rows.map((row) => (row ? row.success_rate * 100 : null))], range, { scales: { '%': { range: [0, 100] } }, axes: [{ scale: '%', side: 1, grid: { show: false }, values: (_chart, ticks) => ticks.map((tick) => tick + '%') }] });
    chart('chart-latency', [{ label: 'p50', stroke: '#16a34a', dots: true }, { label: 'p95', stroke: '#f59e0b', dots: true }, { label: 'p99', stroke: '#dc2626', dots: true }], [times, rows.map((row) => (row ? row.latency_ms.p50 : null)), rows.map((row) => (row ? row.latency_ms.p95 : null)), rows.map((row) => (row ? row.latency_ms.p99 : null))], range);
  }

  function showLimits(standings) {
    const body = byId('limits').querySelector('tbody');
    body.replaceChildren();
    for (const standing of standings) {
      const row = document.createElement('tr');
      cell(row, standing.scope === 'global' ? 'all traffic' : standing.scope + ' ' + standing.id).className = 'wrap';
      cell(row, standing.tenant || '–');
      cell(row, money(standing.month_spent_usd) + ' · ' + standing.month_requests + ' requests');
      const limits = cell(row, standing.limits.length === 0 ? 'no spend limit' : '');
      for (const limit of standing.limits) {
        const meter = document.createElement('div');
        meter.className = 'meter';
        meter.dataset.limit = limit.limit;
        const label = document.createElement('span');
        label.textContent = limit.limit.replace('_usd', '') + ' ' + money(limit.limit_usd);
        const track = document.createElement('span');
        track.className = 'track';
        const fill = document.createElement('span');
        fill.className = 'fill' + (limit.used_share >= 1 ? ' over' : limit.used_share >= 0.8 ? ' warn' : '');
        fill.style.display = 'block';
        fill.style.width = Math.min(100, limit.used_share * 100) + '%';
        track.appendChild(fill);
        const text = document.createElement('span');
        text.className = 'text';
        text.textContent = money(limit.spent_usd) + ' of ' + money(limit.limit_usd) + ' (' + percent(limit.used_share) + ')';
        meter.append(label, track, text);
        limits.appendChild(meter);
      }
      body.appendChild(row);
    }
    if (standings.length === 0) cell(body.appendChild(document.createElement('tr')), 'no spend this month and no spend limits').colSpan = 4;
  }

  function showReceipts(receipts) {
    const body = byId('receipts').querySelector('tbody');
    body.replaceChildren();
    for (const receipt of receipts) {
      const row = document.createElement('tr');
      row.dataset.id = receipt.request_id;
      cell(row, new Date(receipt.timestamp).toLocaleString());
      cell(row, receipt.tenant);
      cell(row, receipt.model_requested).className = 'wrap';
      cell(row, receipt.winner || '–').className = 'wrap';
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
    const [bucket, bucketMs] = buckets.get(hours) || ['1h', 3_600_000];
    const to = Date.now();
    const from = to - hours * 3_600_000;
    byId('status').textContent = '';
    for (const label of document.querySelectorAll('figcaption .bucket')) label.textContent = '· per ' + bucket;
    try {
      const [totals, timeline, recent, limits] = await Promise.all([
        api('/v1/usage?group_by=none&from=' + from + '&to=' + to),
        api('/v1/usage?group_by=time&bucket=' + bucket + '&from=' + from + '&to=' + to),
        api('/v1/receipts?limit=50'),
        api('/v1/usage/limits'),
      ]);
      sessionStorage.setItem('routekit-admin-key', keyInput.value.trim());
      showTotals(totals.totals);
      showTimeline(timeline.groups, from, to, bucketMs);
      showLimits(limits.data);
      showReceipts(recent.data);
      document.body.dataset.loaded = 'true';
      document.body.dataset.bucket = bucket;
    } catch (error) {
      byId('status').textContent = 'Could not load: ' + error.message;
    }
  }

  byId('range').addEventListener('submit', (event) => { event.preventDefault(); load(); });
  load();
})();
