// docs/view.md: the page's behaviour: run list, live curves (uPlot), run details, and the sampling playground.
'use strict';
(() => {
  const $ = id => document.getElementById(id);

  /** A DOM element; text children become text nodes (never HTML: names come from the file system). */
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'style') e.style.cssText = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids.flat()) if (k != null && k !== false) e.append(k instanceof Node ? k : String(k));
    return e;
  }

  async function api(url, options) {
    const r = await fetch(url, options);
    const text = await r.text();
    let body;
    try { body = JSON.parse(text); } catch (e) { body = {error: text || r.statusText}; }
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  }

  /** Tableau's ten colours, teal moved up: neighbours in the order runs are ticked stay easy to tell apart. */
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#17becf', '#9467bd', '#8c564b', '#e377c2',
    '#bcbd22', '#7f7f7f'];
  /** Keys that are not loss terms, in chart order; anything else a run logs is plotted between loss and these. */
  const META = ['lr', 'gradNorm', 'paramNorm', 'imagesPerSecond', 'sigmaMean', 'tauMax', 'noiseLevels', 'ectStage',
    'lossScale', 'skipped'];
  const IGNORED = new Set(['step', 'timestamp', 'time', 'epoch', 'wall', 'elapsed']);
  const TITLES = {
    loss: ['loss', 'total'], lr: ['learning rate', ''], gradNorm: ['gradient norm', 'before clipping'],
    paramNorm: ['parameter norm', ''], imagesPerSecond: ['throughput', 'images/s'],
    sigmaMean: ['mean σ', 'of the batch'],
    tauMax: ['τ_max', 'temperature'], noiseLevels: ['N', 'discretisation steps'], ectStage: ['ECT stage', ''],
    skipped: ['skipped steps', 'non-finite'], contrastive: ['contrastive loss', 'RCM'],
    consistency: ['consistency loss', ''], aux: ['auxiliary RCM loss', ''], lossScale: ['loss scale', ''],
  };
  const LOG_DEFAULT = new Set(['loss', 'gradNorm', 'contrastive', 'consistency', 'aux']);

  const S = {
    roots: [], runs: [], byId: new Map(), selected: new Set(), focus: null, colors: new Map(), logs: new Map(),
    charts: new Map(), logScale: new Map(), started: false, lastOk: 0, detailJson: '', preview: new Map(),
    models: [], samplers: [], limits: {}, job: null, events: null, pgReady: false,
  };
  const runId = r => r.root + ':' + r.path;

  // ---------------------------------------------------------------- formatting
  function fmt(v) {
    if (v == null || !isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) {
      const [m, e] = v.toExponential(2).split('e');
      return String(Number(m)) + 'e' + Number(e);
    }
    if (Number.isInteger(v)) return String(v);
    return String(Number(v.toPrecision(4)));
  }
  /** Tick spacings for the step axis: whole steps only. */
  const STEP_INCRS = [];
  for (let e = 0; e < 10; e++) for (const m of [1, 2, 5]) STEP_INCRS.push(m * 10 ** e);
  const bytes = n => n >= 1e9 ? (n / 1e9).toFixed(1) + ' GB' : n >= 1e6 ? (n / 1e6).toFixed(1) + ' MB'
    : n >= 1e3 ? (n / 1e3).toFixed(0) + ' kB' : n + ' B';
  function ago(ms) {
    const s = Math.max(0, (Date.now() - ms) / 1000);
    if (s < 60) return Math.round(s) + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return Math.round(s / 3600) + ' h ago';
    return new Date(ms).toLocaleDateString();
  }
  /** A run's name in legends: its path, after its folder's last name when several folders are served. */
  function shortName(r) {
    const root = S.roots[r.root] ? S.roots[r.root].name : '';
    if (!r.path) return root || r.name;
    return S.roots.length > 1 ? root.replace(/\/+$/, '').split('/').pop() + '/' + r.path : r.path;
  }

  /** The list shows a run's own folder name, its parents muted: "calibration/" + "diffusion". */
  function nameParts(r) {
    if (!r.path) return [shortName(r)];
    const i = r.path.lastIndexOf('/');
    return i < 0 ? [r.path]
      : [h('span', {class: 'prefix'}, r.path.slice(0, i + 1)), h('wbr'), r.path.slice(i + 1)];
  }

  function setStatus(kind, text) {
    $('status-dot').className = 'dot ' + kind;
    $('status-text').textContent = text;
  }

  // ---------------------------------------------------------------- tabs and hash
  function hashParams() {
    const parts = location.hash.replace(/^#/, '').split('&');
    const p = {tab: parts[0] || 'runs'};
    for (const kv of parts.slice(1)) {
      const i = kv.indexOf('=');
      if (i > 0) p[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
    }
    return p;
  }
  function showTab() {
    const tab = hashParams().tab === 'playground' ? 'playground' : 'runs';
    $('view-runs').hidden = tab !== 'runs';
    $('view-playground').hidden = tab !== 'playground';
    $('tab-runs').classList.toggle('active', tab === 'runs');
    $('tab-playground').classList.toggle('active', tab === 'playground');
    if (tab === 'playground') initPlayground();
    else for (const c of S.charts.values()) resize(c);
  }
  window.addEventListener('hashchange', showTab);

  // ---------------------------------------------------------------- runs
  async function refreshRuns() {
    const data = await api('/api/runs');
    S.roots = data.roots;
    S.runs = data.runs;
    S.byId = new Map(data.runs.map(r => [runId(r), r]));
    if (!S.started) {
      S.started = true;
      const p = hashParams();
      for (const r of S.runs) {
        if (r.lastStep >= 0 && !/(^|\/)calibration(\/|$)/.test(r.path)) select(runId(r), true);
      }
      const wanted = p.run && S.byId.has(p.run) ? p.run : null;
      const firstLogged = S.runs.find(r => S.selected.has(runId(r)));
      S.focus = wanted || (firstLogged ? runId(firstLogged) : S.runs.length ? runId(S.runs[0]) : null);
    }
    for (const id of [...S.selected]) if (!S.byId.has(id)) S.selected.delete(id);
    renderRunList(data.now);
  }

  function select(id, on) {
    if (on) {
      S.selected.add(id);
      if (!S.colors.has(id)) S.colors.set(id, PALETTE[S.colors.size % PALETTE.length]);
    } else S.selected.delete(id);
  }

  function renderRunList(now) {
    const list = $('run-list');
    list.replaceChildren();
    if (!S.runs.length) {
      list.append(h('p', {class: 'empty'}, 'No runs yet under ' + S.roots.map(r => r.name).join(', ')
        + '. Start one (epg pretrain / epg train / epg demo) with its --out here; it appears within seconds.'));
      return;
    }
    for (const root of S.roots) {
      const runs = S.runs.filter(r => r.root === root.index);
      list.append(h('div', {class: 'root-name'}, root.name));
      if (!runs.length) list.append(h('p', {class: 'empty'}, 'no runs'));
      for (const r of runs) list.append(runRow(r, now));
    }
  }

  function runRow(r, now) {
    const id = runId(r);
    const live = r.modified && now - r.modified < 60000 && r.lastStep >= 0 && (r.steps < 0 || r.lastStep < r.steps);
    const box = h('input', {type: 'checkbox', title: 'compare on the charts',
      disabled: r.lastStep < 0 && !S.logs.has(id)});
    box.checked = S.selected.has(id);
    box.addEventListener('click', e => {
      e.stopPropagation();
      select(id, box.checked);
      renderRunList(Date.now());
      refreshLogs().then(drawCharts);
    });
    const sw = h('span', {class: 'swatch', style: S.selected.has(id) ? 'background:' + S.colors.get(id) : ''});
    const progress = r.steps > 0 && r.lastStep >= 0
      ? h('span', {class: 'bar', title: r.lastStep + ' of ' + r.steps + ' steps'},
        h('div', {style: 'width:' + Math.min(100, 100 * r.lastStep / r.steps) + '%'})) : null;
    const steps = r.lastStep >= 0 ? h('span', {}, 'step ' + r.lastStep + (r.steps > 0 ? '/' + r.steps : '')) : null;
    const row = h('div', {class: 'run' + (S.focus === id ? ' focus' : ''), 'data-run': id, title: r.name,
      onclick: () => { S.focus = id; S.detailJson = ''; renderRunList(Date.now()); refreshDetail(); }},
    box, sw, h('span', {class: 'name'}, ...nameParts(r)), h('span', {class: 'badge ' + r.kind}, r.kind),
    h('div', {class: 'sub'}, live ? h('span', {class: 'live-tag'}, '● live') : null, steps, progress,
      r.modified ? h('span', {}, ago(r.modified)) : null));
    return row;
  }

  // ---------------------------------------------------------------- logs
  function emptyLog() {
    return {from: 0, line: 1, version: '', steps: [], series: {}, malformed: [], nonFinite: [], pending: 0, size: 0};
  }

  async function refreshLogs() {
    let changed = false;
    for (const id of S.selected) {
      const r = S.byId.get(id);
      if (!r) continue;
      const log = S.logs.get(id) || emptyLog();
      S.logs.set(id, log);
      for (let round = 0; round < 20; round++) {
        const q = new URLSearchParams({root: r.root, path: r.path, from: log.from, line: log.line,
          version: log.version});
        const c = await api('/api/log?' + q);
        if (c.reset || c.steps.length || c.malformed.length) changed = true;
        append(log, c);
        if (!c.more) break;
      }
    }
    return changed;
  }

  function append(log, c) {
    if (c.reset) Object.assign(log, emptyLog());
    const n0 = log.steps.length, n = c.steps.length;
    for (const k of Object.keys(c.series)) if (!log.series[k]) log.series[k] = new Array(n0).fill(null);
    for (const [k, col] of Object.entries(log.series)) {
      const add = c.series[k];
      for (let i = 0; i < n; i++) col.push(add ? add[i] : null);
    }
    for (let i = 0; i < n; i++) log.steps.push(c.steps[i]);
    log.malformed = log.malformed.concat(c.malformed).slice(-200);
    log.nonFinite = log.nonFinite.concat(c.nonFinite).slice(-200);
    Object.assign(log, {from: c.next, line: c.nextLine, version: c.version, pending: c.pendingBytes, size: c.size});
  }

  /** [steps, values] of one key, one value per step (the last logged), steps ascending. */
  function seriesOf(log, key, positive) {
    const col = log.series[key];
    if (!col) return null;
    const m = new Map();
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (v != null && (!positive || v > 0)) m.set(log.steps[i], v);
    }
    const xs = [...m.keys()].sort((a, b) => a - b);
    return [xs, xs.map(x => m.get(x))];
  }

  function chartKeys() {
    const keys = new Set();
    for (const id of S.selected) {
      const log = S.logs.get(id);
      if (!log) continue;
      for (const [k, col] of Object.entries(log.series)) {
        if (IGNORED.has(k)) continue;
        if (col.some(v => v != null && v !== 0)) keys.add(k);
      }
    }
    const terms = [...keys].filter(k => k !== 'loss' && !META.includes(k)).sort();
    return [...(keys.has('loss') ? ['loss'] : []), ...terms, ...META.filter(k => keys.has(k))];
  }

  function isLog(key) {
    if (S.logScale.has(key)) return S.logScale.get(key);
    return LOG_DEFAULT.has(key);
  }

  // ---------------------------------------------------------------- charts
  function drawCharts() {
    const keys = chartKeys();
    const box = $('charts');
    for (const [k, c] of S.charts) {
      if (!keys.includes(k)) { if (c.plot) c.plot.destroy(); c.card.remove(); S.charts.delete(k); }
    }
    const ids = [...S.selected].filter(id => S.logs.has(id) && S.byId.has(id));
    $('chart-hint').textContent = ids.length ? 'updates every 2 s · drag to zoom, double-click to reset' : '';
    $('legend').replaceChildren(...ids.map(id => h('span', {class: 'key'},
      h('i', {style: 'background:' + S.colors.get(id)}), shortName(S.byId.get(id)))));
    if (!keys.length) {
      if (!box.querySelector('.empty')) box.replaceChildren(h('p', {class: 'empty'},
        ids.length ? 'No logged values yet.' : 'Tick a run on the left to plot its log.'));
      return;
    }
    const empty = box.querySelector('.empty');
    if (empty) empty.remove();
    keys.forEach((k, i) => {
      const c = S.charts.get(k) || makeChart(k);
      if (box.children[i] !== c.card) box.insertBefore(c.card, box.children[i] || null);
      updateChart(c, ids);
    });
  }

  function makeChart(key) {
    const [title, sub] = TITLES[key] || [key, ''];
    const toggle = h('button', {class: 'toggle', type: 'button', title: 'logarithmic y axis'}, 'log');
    const plotEl = h('div', {class: 'plot'});
    const readout = h('span', {class: 'readout'});
    const card = h('div', {class: 'chart', 'data-key': key},
      h('div', {class: 'chart-head'}, h('span', {class: 'chart-title'}, title, sub ? h('small', {}, sub) : null),
        readout, toggle), plotEl);
    const c = {key, card, plotEl, toggle, readout, plot: null, sig: '', colors: []};
    toggle.addEventListener('click', () => {
      S.logScale.set(key, !isLog(key));
      c.sig = '';
      updateChart(c, [...S.selected].filter(id => S.logs.has(id)));
    });
    S.charts.set(key, c);
    new ResizeObserver(() => resize(c)).observe(plotEl);
    return c;
  }

  function resize(c) {
    if (c.plot && c.plotEl.clientWidth > 0 && Math.abs(c.plot.width - c.plotEl.clientWidth) > 2)
      c.plot.setSize({width: c.plotEl.clientWidth, height: 200});
  }

  /** Under the cursor: the step and each run's value, in the run's colour (the charts' only legend). */
  function showReadout(c, u) {
    const i = u.cursor.idx;
    if (i == null) { c.readout.replaceChildren(); return; }
    const parts = [h('span', {}, 'step ' + fmt(u.data[0][i]))];
    for (let s = 1; s < u.data.length; s++) {
      const v = u.data[s][i];
      if (v != null) parts.push(h('b', {style: 'color:' + c.colors[s - 1]}, fmt(v)));
    }
    c.readout.replaceChildren(...parts);
  }

  function updateChart(c, ids) {
    const log = isLog(c.key);
    c.toggle.classList.toggle('on', log);
    const runs = ids.filter(id => S.logs.get(id).series[c.key]);
    const tables = runs.map(id => seriesOf(S.logs.get(id), c.key, log)).filter(t => t);
    let points = 0;
    for (const t of tables) points += t[0].length;
    c.card.dataset.points = points;
    c.card.dataset.runs = runs.length;
    const data = tables.length ? (tables.length === 1 ? tables[0] : uPlot.join(tables)) : [[]];
    const sig = runs.join('|') + (log ? '#log' : '');
    if (c.plot && c.sig === sig) { c.plot.setData(data); return; }
    if (c.plot) c.plot.destroy();
    c.sig = sig;
    c.colors = runs.map(id => S.colors.get(id));
    const width = c.plotEl.clientWidth || 420;
    const opts = {
      width, height: 200,
      cursor: {sync: {key: 'runs'}, drag: {x: true, y: false}},
      scales: {x: {time: false}, y: log ? {distr: 3} : {}},
      legend: {show: false},
      hooks: {setCursor: [u => showReadout(c, u)]},
      axes: [
        {stroke: '#6b7385', grid: {stroke: '#eef0f4'}, ticks: {stroke: '#e3e6ec'}, incrs: STEP_INCRS,
          values: (u, v) => v.map(fmt)},
        {stroke: '#6b7385', grid: {stroke: '#eef0f4'}, ticks: {stroke: '#e3e6ec'}, size: 62,
          values: (u, v) => v.map(fmt)},
      ],
      series: [{label: 'step', value: (u, v) => v == null ? '–' : fmt(v)}].concat(runs.map(id => ({
        label: shortName(S.byId.get(id)), stroke: S.colors.get(id), width: 1.6, spanGaps: true,
        value: (u, v) => fmt(v), points: {size: 5, fill: S.colors.get(id)},
      }))),
    };
    c.plot = new uPlot(opts, data, c.plotEl);
  }

  // ---------------------------------------------------------------- run detail
  async function refreshDetail() {
    if (!S.focus || !S.byId.has(S.focus)) { $('detail').replaceChildren(); return; }
    const r = S.byId.get(S.focus);
    const d = await api('/api/run?' + new URLSearchParams({root: r.root, path: r.path}));
    const log = S.logs.get(S.focus);
    const json = JSON.stringify(d) + (log ? log.size + ':' + log.malformed.length + ':' + log.pending : '');
    if (json === S.detailJson) return;
    S.detailJson = json;
    renderDetail(r, d, log);
  }

  function renderDetail(r, d, log) {
    const out = $('detail');
    const cards = [];
    const title = h('div', {class: 'detail-title'}, h('h2', {}, r.name), h('span', {class: 'badge ' + r.kind}, r.kind),
      r.lastStep >= 0 ? h('span', {class: 'hint'}, 'step ' + r.lastStep + (r.steps > 0 ? ' of ' + r.steps : '')) : null,
      d.report ? h('a', {href: d.report, target: '_blank', rel: 'noopener'}, 'report.html') : null,
      d.config && d.config.file ? h('a', {href: d.config.file, target: '_blank', rel: 'noopener'}, 'config.json')
        : null);
    cards.push(title);
    if (d.previews.length) cards.push(previewCard(r, d.previews));
    if (d.images.length) cards.push(h('div', {class: 'card'}, h('h3', {}, 'Samples'),
      h('div', {class: 'thumbs'}, d.images.map(i => h('figure', {}, h('a', {href: i.url, target: '_blank'},
        h('img', {src: i.url, alt: i.name})), h('figcaption', {}, i.name))))));
    if (d.demo) cards.push(demoCard(r, d.demo));
    if (d.evaluations.length) cards.push(evaluationCard(d.evaluations));
    if (d.checkpoints.length) cards.push(checkpointCard(d.checkpoints));
    if (d.models.length) cards.push(modelCard(d.models));
    if (log) cards.push(logCard(log));
    if (d.config) cards.push(configCard(d.config));
    out.replaceChildren(...cards);
  }

  function previewCard(r, previews) {
    const id = runId(r);
    const keep = S.preview.get(id);
    let idx = keep == null || keep.follow ? previews.length - 1 : Math.min(keep.index, previews.length - 1);
    const img = h('img', {alt: 'preview', src: previews[idx].url});
    const label = h('span', {});
    const slider = h('input', {type: 'range', min: 0, max: previews.length - 1, value: idx,
      'aria-label': 'preview step'});
    const show = i => {
      img.src = previews[i].url;
      label.textContent = 'step ' + previews[i].step + '  (' + (i + 1) + ' of ' + previews.length + ')';
      S.preview.set(id, {index: i, follow: i === previews.length - 1});
    };
    slider.addEventListener('input', () => show(Number(slider.value)));
    show(idx);
    return h('div', {class: 'card'}, h('h3', {}, 'Previews ', h('small', {class: 'hint'},
      'the EMA model\'s samples of seeds 0–63 during training')),
    h('div', {class: 'preview'}, img, h('div', {class: 'slider-row'}, slider, label)));
  }

  function demoCard(r, demo) {
    if (demo.error) return h('div', {class: 'card'}, h('h3', {}, 'Demo'), h('p', {class: 'warn'}, demo.error));
    const v = demo.value;
    const rows = (v.metrics || []).map(m => h('tr', {},
      h('td', {}, m.model), h('td', {}, m.sampler), h('td', {class: 'num'}, m.nfe), h('td', {class: 'num'}, m.images),
      h('td', {class: 'num'}, fmt(m.fdRcm)), h('td', {class: 'num'}, m.fid == null ? '–' : fmt(m.fid)),
      h('td', {class: 'num'}, m.classAccuracy == null ? '–' : (100 * m.classAccuracy).toFixed(1) + '%'),
      h('td', {}, m.samplesDir ? h('a', {href: '/files/' + r.root + '/' + encPath(join(r.path, m.samplesDir,
        'grid.png')), target: '_blank'}, 'grid') : '')));
    const stages = (v.stages || []).map(s => h('tr', {}, h('td', {}, s.key),
      h('td', {class: s.status === 'done' ? 'ok' : s.status === 'failed' ? 'bad' : 'warn'}, s.status),
      h('td', {class: 'num'}, s.seconds == null ? '–' : clock(s.seconds)),
      h('td', {class: 'num'}, s.estimateSeconds == null ? '–' : clock(s.estimateSeconds))));
    return h('div', {class: 'card wide'}, h('h3', {}, 'Demo results ', h('small', {class: 'hint'},
      (v.smoke ? 'smoke run · ' : '') + 'budget ' + v.budgetMinutes + ' min · total ' + clock(v.totalSeconds || 0))),
    h('table', {}, h('tr', {}, ['model', 'sampler', 'NFE', 'images', 'FD_RCM', 'FID', 'class acc.', ''].map(t =>
      h('th', {}, t))), rows),
    h('h3', {}, 'Stages'),
    h('table', {}, h('tr', {}, ['stage', 'status', 'wall', 'estimate'].map(t => h('th', {}, t))), stages));
  }

  const clock = s => Math.floor(s / 60) + ':' + String(Math.round(s % 60)).padStart(2, '0');
  const join = (...parts) => parts.filter(p => p).join('/');
  const encPath = p => p.split('/').map(encodeURIComponent).join('/');

  function evaluationCard(evals) {
    const rows = evals.map(e => {
      if (e.error) return h('tr', {}, h('td', {}, h('a', {href: e.url, target: '_blank'}, e.file)),
        h('td', {colspan: 6, class: 'warn'}, e.error));
      const v = e.value;
      const acc = v.classAccuracy ? (100 * v.classAccuracy.overall).toFixed(1) + '%' : '–';
      // eval.json names its Fréchet distance by metric (fid, fdRcm); older reports held an FD_RCM under "fid"
      const fd = v.fdRcm != null || (v.extractor || '').startsWith('rcm:') ? 'FD_RCM ' : 'FID ';
      const fdValue = v.fdRcm != null ? v.fdRcm : v.fid;
      return h('tr', {}, h('td', {}, h('a', {href: e.url, target: '_blank'}, e.file)),
        h('td', {}, v.samples || '', v.sampleCount ? ' (' + v.sampleCount + ')' : ''),
        h('td', {class: 'num'}, fdValue == null ? '–' : fd + fmt(fdValue)), h('td', {class: 'num'}, fmt(v.sfid)),
        h('td', {class: 'num'}, fmt(v.inceptionScore)),
        h('td', {class: 'num'}, v.precision == null ? '–' : fmt(v.precision) + ' / ' + fmt(v.recall)),
        h('td', {class: 'num'}, acc));
    });
    return h('div', {class: 'card wide'},
      h('h3', {}, 'Evaluations ', h('small', {class: 'hint'}, 'epg evaluate reports')),
      h('table', {}, h('tr', {}, ['report', 'samples', 'FID / FD', 'sFID', 'IS', 'precision / recall', 'class acc.']
        .map(t => h('th', {}, t))), rows));
  }

  function checkpointCard(cps) {
    const rows = cps.slice().reverse().map(c => h('tr', {}, h('td', {class: 'num'}, c.step),
      h('td', {class: c.complete ? 'ok' : 'warn'},
        c.complete ? 'complete' : 'incomplete (being written, or cut short)'),
      h('td', {}, c.latest ? 'latest' : ''), h('td', {class: 'num'}, bytes(c.bytes)),
      h('td', {}, ago(c.modified))));
    return h('div', {class: 'card'}, h('h3', {}, 'Checkpoints ', h('small', {class: 'hint'}, 'kept: ' + cps.length)),
      h('table', {}, h('tr', {}, ['step', 'state', '', 'size', 'written'].map(t => h('th', {}, t))), rows));
  }

  function modelCard(models) {
    const rows = models.map(m => h('tr', {}, h('td', {}, m.path.split('/').pop()),
      h('td', {}, m.problem ? h('span', {class: 'warn'}, m.problem)
        : [m.preset, m.parameterisation, m.step ? 'step ' + m.step : ''].filter(x => x).join(' · ')),
      h('td', {}, m.problem ? '' : h('a', {href: '#playground&model=' + encodeURIComponent(m.root + ':' + m.path)},
        'sample →'))));
    return h('div', {class: 'card'}, h('h3', {}, 'Model files'), h('table', {}, rows));
  }

  function logCard(log) {
    const items = [];
    for (const m of log.malformed.slice(-20)) items.push(h('li', {}, h('span', {class: 'warn'}, 'line ' + m.line + ': '
      + m.reason), ' ', h('code', {}, m.excerpt)));
    for (const m of log.nonFinite.slice(-20)) items.push(h('li', {}, h('span', {class: 'bad'}, 'line ' + m.line + ': '
      + m.reason)));
    return h('div', {class: 'card'}, h('h3', {}, 'log.jsonl'),
      h('p', {}, log.steps.length + ' lines plotted · ' + bytes(log.size) + (log.pending
        ? ' · last line still being written (' + log.pending + ' bytes)' : '')),
      items.length ? h('ul', {class: 'problems'}, items) : h('p', {class: 'ok'}, 'every line read'));
  }

  function configCard(cfg) {
    if (cfg.error) return h('div', {class: 'card'}, h('h3', {}, 'Configuration'), h('p', {class: 'warn'}, cfg.error));
    const rows = [];
    const walk = (o, prefix) => {
      for (const [k, v] of Object.entries(o)) {
        if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, prefix + k + '.');
        else rows.push(h('tr', {}, h('td', {}, prefix + k), h('td', {}, JSON.stringify(v))));
      }
    };
    walk(cfg.value, '');
    return h('div', {class: 'card'}, h('h3', {}, 'Configuration'),
      h('div', {style: 'max-height:340px;overflow:auto'}, h('table', {class: 'kv'}, rows)));
  }

  // ---------------------------------------------------------------- polling
  let busy = false, ticks = 0;
  async function tick() {
    if (busy) return;
    busy = true;
    try {
      await refreshRuns();
      const changed = await refreshLogs();
      if (changed || ticks === 0) drawCharts();
      if (ticks % 2 === 0 || changed) await refreshDetail();
      S.lastOk = Date.now();
      setStatus('live', 'watching ' + S.roots.map(r => r.name).join(', ') + ' · ' + S.runs.length
        + (S.runs.length === 1 ? ' run' : ' runs'));
    } catch (e) {
      setStatus(Date.now() - S.lastOk > 10000 ? 'down' : 'stale', 'server unreachable: ' + e.message);
    } finally {
      busy = false;
      ticks++;
    }
  }

  // ---------------------------------------------------------------- playground
  async function initPlayground() {
    if (S.pgReady) return applyHash();
    S.pgReady = true;
    try {
      const data = await api('/api/models');
      S.models = data.models;
      S.samplers = data.samplers;
      S.limits = data.limits;
    } catch (e) {
      return showError('cannot list the models: ' + e.message);
    }
    const sel = $('pg-model');
    sel.replaceChildren();
    if (!S.models.length) sel.append(h('option', {value: ''}, 'no model files under the served folders'));
    for (const m of S.models) {
      const where = S.roots.length > 1 ? m.name : m.path;
      sel.append(h('option', {value: m.root + ':' + m.path, disabled: !!m.problem, title: m.name},
        where + (m.problem ? ' (cannot be read now)' : '')));
    }
    const ss = $('pg-sampler');
    ss.replaceChildren(...S.samplers.map(s => h('option', {value: s.name}, s.name)));
    sel.addEventListener('change', () => modelChanged(true));
    ss.addEventListener('change', samplerChanged);
    $('pg-cfg').addEventListener('input', () => {
      $('pg-cfg-out').textContent = Number($('pg-cfg').value).toFixed(1);
    });
    $('pg-form').addEventListener('submit', e => { e.preventDefault(); submit(); });
    $('pg-cancel').addEventListener('click', cancel);
    $('pg-copy').addEventListener('click', copyCommand);
    $('pg-new-seeds').addEventListener('click', newSeeds);
    const usable = S.models.find(m => !m.problem && m.parameterisation === 'consistency')
      || S.models.find(m => !m.problem);
    if (usable) sel.value = usable.root + ':' + usable.path;
    modelChanged(true);
    applyHash();
  }

  function currentModel() {
    const v = $('pg-model').value;
    return S.models.find(m => m.root + ':' + m.path === v);
  }

  function modelChanged(resetSampler) {
    const m = currentModel();
    const chips = $('pg-classes');
    chips.replaceChildren();
    $('pg-go').disabled = !m || !!m.problem;
    if (!m) { $('pg-model-info').textContent = ''; return; }
    $('pg-model-info').textContent = [m.preset, m.imageSize + '×' + m.imageSize + (m.channels === 1 ? ' grey' : ' RGB'),
      m.numClasses + ' classes', m.parameterisation || 'parameterisation from the sampler',
      m.step ? 'step ' + m.step : '', bytes(m.bytes)].filter(x => x).join(' · ');
    (m.classNames || []).forEach((name, c) => chips.append(chip(c, name, false)));
    chips.append(chip(m.numClasses, 'unconditional', true));
    if (resetSampler) {
      $('pg-sampler').value = m.parameterisation === 'consistency' ? 'onestep' : 'heun';
      samplerChanged();
    }
  }

  function chip(value, label, uncond) {
    const c = h('span', {class: 'chip' + (uncond ? ' uncond' : ''), 'data-class': value, role: 'checkbox',
      tabindex: 0}, label);
    const flip = () => c.classList.toggle('on');
    c.addEventListener('click', flip);
    c.addEventListener('keydown', e => { if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); flip(); } });
    return c;
  }

  function samplerChanged() {
    const s = S.samplers.find(x => x.name === $('pg-sampler').value);
    $('pg-steps').disabled = !s || !s.walksGrid;
    $('pg-mid-field').hidden = !s || s.name !== 'twostep';
  }

  function applyHash() {
    const p = hashParams();
    if (p.tab !== 'playground' || !S.models.length) return;
    if (p.model && S.models.some(m => m.root + ':' + m.path === p.model)) {
      if ($('pg-model').value !== p.model) { $('pg-model').value = p.model; modelChanged(true); }
    }
    if (p.sampler) { $('pg-sampler').value = p.sampler; samplerChanged(); }
    if (p.seeds) $('pg-seeds').value = p.seeds;
    if (p.steps) $('pg-steps').value = p.steps;
    if (p.cfg) { $('pg-cfg').value = p.cfg; $('pg-cfg-out').textContent = Number(p.cfg).toFixed(1); }
    if (p.classes) for (const c of p.classes.split(',')) {
      const el = $('pg-classes').querySelector('[data-class="' + Number(c) + '"]');
      if (el) el.classList.add('on');
    }
    if (p.go === '1') {
      history.replaceState(null, '', location.hash.replace(/&go=1/, ''));
      submit();
    }
  }

  function request() {
    const m = currentModel();
    const classes = [...$('pg-classes').querySelectorAll('.chip.on')].map(c => Number(c.dataset.class));
    return {root: m.root, model: m.path, seeds: $('pg-seeds').value.trim(), classes,
      sampler: $('pg-sampler').value, steps: Number($('pg-steps').value), cfg: Number($('pg-cfg').value),
      cfgLow: Number($('pg-cfg-low').value), cfgHigh: Number($('pg-cfg-high').value),
      midSigma: Number($('pg-mid').value)};
  }

  function showError(msg) {
    $('pg-error').textContent = msg;
    $('pg-error').hidden = !msg;
  }

  async function submit() {
    showError('');
    if (!currentModel()) return showError('pick a model first');
    if (S.events) { S.events.close(); S.events = null; }
    let job;
    try {
      job = await api('/api/sample', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify(request())});
    } catch (e) {
      return showError(e.message);
    }
    S.job = job;
    $('pg-go').disabled = true;
    $('pg-cancel').disabled = false;
    status(job);
    const es = new EventSource('/api/jobs/' + job.id + '/events');
    S.events = es;
    es.addEventListener('status', ev => {
      const j = JSON.parse(ev.data);
      status(j);
      if (['done', 'failed', 'cancelled'].includes(j.state)) {
        es.close();
        S.events = null;
        finished(j);
      }
    });
    es.onerror = () => {
      if (S.events === es) { es.close(); S.events = null; pollUntilDone(job.id); }
    };
  }

  /** When the event stream fails (a proxy that buffers it), ask for the status instead. */
  async function pollUntilDone(id) {
    while (S.job && S.job.id === id) {
      let j;
      try { j = await api('/api/jobs/' + id); } catch (e) { showError(e.message); break; }
      status(j);
      if (['done', 'failed', 'cancelled'].includes(j.state)) { finished(j); break; }
      await new Promise(r => setTimeout(r, 300));
    }
  }

  function status(j) {
    const bar = $('pg-bar');
    let text, frac = 0;
    if (j.state === 'queued') text = j.position > 0 ? 'Queued: ' + j.position + ' request(s) ahead' : 'Queued';
    else if (j.state === 'loading') text = 'Loading the model…';
    else if (j.state === 'sampling') {
      frac = j.images ? (j.imagesDone + (j.expectedCalls ? Math.min(1, j.calls / j.expectedCalls) : 0)
        * Math.min(16, j.images - j.imagesDone)) / j.images : 0;
      text = 'Sampling ' + j.images + ' images: ' + j.imagesDone + ' done, network call ' + j.calls
        + (j.expectedCalls ? ' of ' + j.expectedCalls : '');
    } else if (j.state === 'done') { text = 'Done'; frac = 1; }
    else if (j.state === 'failed') text = 'Failed: ' + j.message;
    else text = 'Cancelled' + (j.message ? ': ' + j.message : '');
    $('pg-status').textContent = text;
    $('pg-status').className = 'pg-status' + (j.state === 'failed' ? ' bad' : '');
    bar.style.width = Math.round(100 * frac) + '%';
  }

  function finished(j) {
    $('pg-go').disabled = false;
    $('pg-cancel').disabled = true;
    if (j.state === 'done') renderResult(j);
  }

  function renderResult(j) {
    const r = j.result;
    $('pg-result').hidden = false;
    $('pg-stats').replaceChildren(...[
      h('span', {}, h('b', {}, r.secondsPerImage >= 1 ? r.secondsPerImage.toFixed(2) + ' s'
        : (1000 * r.secondsPerImage).toFixed(r.secondsPerImage < 0.01 ? 2 : 0) + ' ms'), ' per image'),
      h('span', {}, r.images.length + ' images in ', h('b', {}, r.seconds.toFixed(2) + ' s')),
      h('span', {}, 'NFE ', h('b', {}, r.nfePerImage)),
      r.loadSeconds > 0.05 ? h('span', {}, 'model loaded in ' + r.loadSeconds.toFixed(1) + ' s') : null,
    ].filter(x => x));
    $('pg-images').replaceChildren(...r.images.map(i => h('figure', {class: 'sample', title: 'seed ' + i.seed + ', '
      + i.className + ' (class ' + i.label + '): click to download ' + i.file},
    h('a', {href: i.url, download: i.file}, h('img', {src: i.url, alt: i.className})),
    h('figcaption', {}, i.seed + ' · ' + i.className))));
    $('pg-downloads').replaceChildren(...[
      h('a', {href: r.grid, download: 'grid.png'}, '⤓ grid.png'),
      r.trajectory ? h('a', {href: r.trajectory.url, download: 'trajectory.png'}, '⤓ trajectory.png') : null,
      h('span', {class: 'hint'}, 'click an image to download it as SEED.png, the name epg sample gives it'),
    ].filter(x => x));
    const t = r.trajectory;
    $('pg-traj').hidden = !t;
    if (t) {
      const img = $('pg-traj-img');
      img.onload = () => {
        const scale = Math.max(1, Math.min(3, Math.floor(860 / img.naturalWidth)));
        img.style.width = img.naturalWidth * scale + 'px';
        const labels = $('pg-traj-sigmas');
        labels.style.width = img.naturalWidth * scale + 'px';
        labels.style.gridTemplateColumns = 'repeat(' + t.sigmas.length + ', 1fr)';
        labels.replaceChildren(...t.sigmas.map(s => h('span', {}, s >= 10 ? s.toFixed(0) : s >= 1 ? s.toFixed(1)
          : Number(s.toPrecision(2)))));
      };
      img.src = t.url;
    }
    $('pg-command').textContent = j.command;
    $('pg-reproduce').textContent = 'the same images, bit for bit, as SEED.png files and grid.png, with '
      + j.threads + ' libtorch thread' + (j.threads === 1 ? '' : 's') + ' as here (EPG_THREADS)';
  }

  async function cancel() {
    if (!S.job) return;
    try { await api('/api/jobs/' + S.job.id + '/cancel', {method: 'POST'}); } catch (e) { showError(e.message); }
  }

  function copyCommand() {
    const text = $('pg-command').textContent;
    const done = () => {
      $('pg-copy').textContent = 'copied';
      setTimeout(() => { $('pg-copy').textContent = 'copy'; }, 1200);
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done);
    else {
      const range = document.createRange();
      range.selectNodeContents($('pg-command'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.execCommand('copy');
      done();
    }
  }

  function newSeeds() {
    const text = $('pg-seeds').value.trim();
    const m = /^(\d+)-(\d+)$/.exec(text);
    const count = m ? Number(m[2]) - Number(m[1]) + 1 : Math.max(1, text.split(',').length);
    const start = Math.floor(Math.random() * 100000);
    $('pg-seeds').value = count === 1 ? String(start) : start + '-' + (start + count - 1);
  }

  window.addEventListener('pagehide', () => {
    if (S.job && S.events) navigator.sendBeacon('/api/jobs/' + S.job.id + '/cancel');
  });

  // ---------------------------------------------------------------- start
  showTab();
  tick();
  setInterval(tick, 2000);
})();
