// LiveDiffusion training panel. Everything live arrives over one server-sent event stream (/api/events);
// the page never polls. Every request carries the session token from the page URL.
(function () {
  'use strict';

  const token = new URLSearchParams(location.search).get('token') || '';
  const $ = (id) => document.getElementById(id);
  const fields = ['name', 'dataset', 'preset', 'size', 'classConditional', 'padding', 'rotate90', 'rotate90Classes', 'steps', 'batchSize',
    'learningRate', 'warmupSteps', 'seed', 'prediction', 'checkpointEvery', 'sampleEvery', 'sampleSteps', 'resume'];
  const numeric = new Set(['size', 'steps', 'batchSize', 'learningRate', 'warmupSteps', 'seed', 'checkpointEvery', 'sampleEvery', 'sampleSteps']);

  let hostState = { state: 'idle', run: null, busy: false };
  let selectedRun = '';
  let runInfo = null;
  let live = false;
  let events = null;
  let datasetShape = { channels: 3, classes: 0 };
  let onnx = { available: false, reason: '' };
  const series = { steps: [], loss: [], smoothed: [], lr: [] };
  let redrawPending = false;
  let previewFrames = 0;
  let chosenCheckpoint = null; // the user's pick; until they pick, the newest checkpoint is selected

  // ---- HTTP ----------------------------------------------------------------------------------------------------
  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: Object.assign({ 'X-LiveDiffusion-Token': token }, body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : {};
    if (!response.ok) {
      const error = new Error(data.error || `${response.status} ${response.statusText}`);
      error.data = data;
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function withToken(url) { return url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token); }

  // ---- formatting ------------------------------------------------------------------------------------------------
  const fmt = {
    num: (v, d = 4) => (v === null || v === undefined || !isFinite(v)) ? '–' : Number(v).toFixed(d),
    exp: (v) => (v === null || v === undefined || !isFinite(v)) ? '–' : Number(v).toExponential(2),
    count: (v) => Number(v).toLocaleString('en-US'),
    params: (v) => v >= 1e6 ? (v / 1e6).toFixed(2) + ' M' : (v / 1e3).toFixed(1) + ' k',
    bytes: (v) => v >= 1 << 20 ? (v / (1 << 20)).toFixed(1) + ' MiB' : (v / 1024).toFixed(0) + ' KiB',
    time: (s) => {
      if (s === null || s === undefined || !isFinite(s)) return '–';
      s = Math.max(0, Math.round(s));
      const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
      return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(r).padStart(2, '0');
    },
  };

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.entries(props || {}).forEach(([k, v]) => {
      if (k === 'class') node.className = v; else if (k === 'dataset') Object.assign(node.dataset, v); else node.setAttribute(k, v);
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  // ---- charts (uPlot) --------------------------------------------------------------------------------------------
  function chartWidth(node) { return Math.max(280, node.clientWidth || 480); }
  const lossChart = new uPlot({
    title: 'Loss',
    width: chartWidth($('loss-chart')), height: 240,
    scales: { x: { time: false }, y: { distr: 3 } },
    series: [
      { label: 'step' },
      { label: 'loss', stroke: 'rgba(138,180,248,0.55)', width: 1, value: (u, v) => fmt.num(v) },
      { label: 'smoothed', stroke: '#f6ae2d', width: 2, value: (u, v) => fmt.num(v) },
    ],
    axes: [{ stroke: '#aab', grid: { stroke: '#2a2f3a' } }, { stroke: '#aab', grid: { stroke: '#2a2f3a' }, size: 60 }],
  }, [[], [], []], $('loss-chart'));
  const lrChart = new uPlot({
    title: 'Learning rate',
    width: chartWidth($('lr-chart')), height: 240,
    scales: { x: { time: false } },
    series: [
      { label: 'step' },
      { label: 'lr', stroke: '#81c995', width: 2, value: (u, v) => fmt.exp(v) },
    ],
    axes: [{ stroke: '#aab', grid: { stroke: '#2a2f3a' } }, { stroke: '#aab', grid: { stroke: '#2a2f3a' }, size: 70, values: (u, vals) => vals.map(fmt.exp) }],
  }, [[], []], $('lr-chart'));
  window.addEventListener('resize', () => {
    lossChart.setSize({ width: chartWidth($('loss-chart')), height: 240 });
    lrChart.setSize({ width: chartWidth($('lr-chart')), height: 240 });
  });

  function clean(v) { return (v === null || v === undefined || !isFinite(v) || v <= 0) ? null : v; }

  function addPoints(points) {
    let sorted = true;
    for (const p of points) {
      const n = series.steps.length;
      if (n && p.step <= series.steps[n - 1]) {
        if (series.steps.includes(p.step)) continue;
        sorted = false;
      }
      series.steps.push(p.step);
      series.loss.push(clean(p.loss));
      series.smoothed.push(clean(p.smoothed));
      series.lr.push(isFinite(p.learningRate) ? p.learningRate : null);
    }
    if (!sorted) {
      const order = series.steps.map((s, i) => i).sort((a, b) => series.steps[a] - series.steps[b]);
      for (const key of Object.keys(series)) series[key] = order.map((i) => series[key][i]);
    }
    scheduleRedraw();
  }

  function resetSeries() {
    for (const key of Object.keys(series)) series[key] = [];
    scheduleRedraw();
  }

  function scheduleRedraw() {
    if (redrawPending) return;
    redrawPending = true;
    requestAnimationFrame(() => {
      redrawPending = false;
      lossChart.setData([series.steps, series.loss, series.smoothed]);
      lrChart.setData([series.steps, series.lr]);
      $('loss-chart').dataset.points = String(series.steps.length);
      $('lr-chart').dataset.points = String(series.steps.length);
    });
  }

  // ---- watch ----------------------------------------------------------------------------------------------------
  function showProgress(p) {
    if (!p) return;
    $('stat-step').textContent = fmt.count(p.step);
    $('stat-total').textContent = p.totalSteps ? fmt.count(p.totalSteps) : '?';
    $('stat-loss').textContent = fmt.num(p.loss);
    $('stat-smoothed').textContent = fmt.num(p.smoothed);
    $('stat-lr').textContent = fmt.exp(p.learningRate);
    $('stat-rate').textContent = fmt.num(p.imagesPerSecond, 1);
    $('stat-elapsed').textContent = fmt.time(p.elapsedSeconds);
    $('stat-eta').textContent = fmt.time(p.etaSeconds);
    $('progress').max = Math.max(1, p.totalSteps || 1);
    $('progress').value = p.step;
  }

  function showGrid(grid) {
    const img = $('grid-img');
    if (!grid) {
      img.removeAttribute('src');
      img.dataset.step = '';
      $('grid-caption').textContent = 'No sample grid yet (fixed seeds: grids are comparable over time).';
      return;
    }
    img.src = withToken(`/api/runs/${encodeURIComponent(selectedRun)}/samples/${encodeURIComponent(grid.file)}`);
    img.dataset.step = String(grid.step);
    $('grid-caption').textContent = `Sample grid at step ${fmt.count(grid.step)} (EMA weights, fixed seeds).`;
  }

  function showActivity(activity, isLive) {
    live = !!isLive;
    const badge = $('activity');
    badge.textContent = activity || '';
    badge.dataset.state = activity || '';
    updateControls();
  }

  function showCheckpoints(list) {
    const body = $('checkpoint-table').tBodies[0];
    const previous = chosenCheckpoint && list && list.some((c) => c.file === chosenCheckpoint) ? chosenCheckpoint : null;
    body.replaceChildren();
    if (!list || list.length === 0) {
      body.append(el('tr', { class: 'empty' }, el('td', { colspan: '6' }, 'No checkpoints yet.')));
      updateControls();
      return;
    }
    [...list].reverse().forEach((c, i) => {
      const radio = el('input', { type: 'radio', name: 'checkpoint', value: c.file, 'aria-label': `checkpoint at step ${c.step}` });
      if (previous ? previous === c.file : i === 0) radio.checked = true;
      radio.addEventListener('change', () => { chosenCheckpoint = c.file; suggestExportName(); });
      const grid = c.grid
        ? el('img', { class: 'thumb', alt: `sample grid at step ${c.gridStep}`, src: withToken(`/api/runs/${encodeURIComponent(selectedRun)}/samples/${encodeURIComponent(c.grid)}`), title: `grid of step ${c.gridStep}` })
        : '–';
      body.append(el('tr', { dataset: { step: String(c.step) } },
        el('td', {}, radio), el('td', {}, fmt.count(c.step)), el('td', {}, c.loss === null ? '–' : fmt.num(c.loss)),
        el('td', {}, fmt.time(c.elapsedSeconds)), el('td', {}, fmt.bytes(c.bytes)), el('td', {}, grid)));
    });
    suggestExportName();
    updateControls();
    refreshResumeOptions(list);
  }

  function suggestExportName() {
    const chosen = document.querySelector('input[name="checkpoint"]:checked');
    if (!chosen) return;
    const step = Number(chosen.closest('tr').dataset.step);
    $('export-name').placeholder = `step-${step}`;
  }

  function refreshResumeOptions(list) {
    const resume = $('resume');
    const current = resume.value;
    resume.replaceChildren(el('option', { value: '' }, 'new run'), el('option', { value: 'latest' }, 'latest checkpoint'));
    (list || []).slice().reverse().forEach((c) => resume.append(el('option', { value: c.file }, `step ${fmt.count(c.step)}`)));
    resume.value = [...resume.options].some((o) => o.value === current) ? current : '';
  }

  function addMessage(text) {
    const list = $('messages');
    list.append(el('li', {}, text));
    while (list.children.length > 200) list.firstChild.remove();
    list.scrollTop = list.scrollHeight;
  }

  function showPreview(frame) {
    previewFrames += 1;
    $('preview-x0').src = 'data:image/png;base64,' + frame.x0;
    $('preview-xt').src = 'data:image/png;base64,' + frame.xt;
    $('preview-x0').dataset.frames = String(previewFrames);
    $('preview-caption').textContent = `Live denoise of the EMA weights of step ${fmt.count(frame.weightsStep)}: step ${frame.index + 1}/${frame.count} (t = ${Math.round(frame.timestep)}); left x0, right x_t.`;
  }

  function applySnapshot(s) {
    runInfo = s.info || null;
    resetSeries();
    addPoints(s.points || []);
    showProgress(s.progress);
    showGrid(s.grid);
    showCheckpoints(s.checkpoints);
    $('messages').replaceChildren();
    (s.messages || []).forEach(addMessage);
    showActivity(s.activity, s.live);
    $('watch-run').textContent = s.name ? `· ${s.name}` : '';
  }

  // ---- host state and controls ----------------------------------------------------------------------------------
  function showHostState(state) {
    hostState = state;
    const badge = $('host-state');
    badge.textContent = state.run && state.state !== 'idle' ? `${state.state}: ${state.run}` : state.state;
    badge.dataset.state = state.state;
    badge.title = state.message || '';
    if (state.message && (state.state === 'failed')) $('form-error').textContent = state.message;
    updateControls();
  }

  function updateControls() {
    const mine = hostState.busy && hostState.run === selectedRun;
    const s = hostState.state;
    $('pause').disabled = !(mine && s === 'running');
    $('resume-run').disabled = !(mine && s === 'paused');
    $('save').disabled = !(mine && (s === 'running' || s === 'paused'));
    $('stop').disabled = !(mine && (s === 'running' || s === 'paused'));
    $('start').disabled = hostState.busy;
    setFormLocked(hostState.busy);
    const hasCheckpoint = !!document.querySelector('input[name="checkpoint"]:checked');
    $('export-folder').disabled = !hasCheckpoint;
    $('export-onnx').disabled = !(hasCheckpoint && onnx.available);
    let note = '';
    if (!selectedRun) note = 'Start a run, or pick one in the Run list to watch it.';
    else if (!mine && !live && $('activity').dataset.state === 'training elsewhere') note = 'This run is trained by another process (livediffusion train): watch it here; steer it where it runs (Ctrl+C stops it with a checkpoint).';
    else if (!mine) note = 'This run is not training in this panel.';
    else if (s === 'paused') note = 'Paused: nothing changes until you resume. Save now writes a checkpoint at once.';
    else if (s === 'stopping') note = 'Stopping after the current step; a checkpoint will be written.';
    $('steer-note').textContent = note;
  }

  function setFormLocked(locked) {
    // The recipe of a run in progress cannot change: the form is read-only while the panel trains.
    document.querySelectorAll('#setup-form input, #setup-form select').forEach((input) => { input.disabled = locked; });
    $('check-dataset').disabled = locked;
    $('measure').disabled = locked;
    $('setup-form').classList.toggle('locked', locked);
  }

  function showRuns(runs) {
    const select = $('run-select');
    const current = selectedRun;
    select.replaceChildren();
    if (!runs.length) select.append(el('option', { value: '' }, '(none yet)'));
    runs.forEach((r) => select.append(el('option', { value: r.name }, r.name + (r.live ? ' (training here)' : ''))));
    if (current && runs.some((r) => r.name === current)) select.value = current;
    else if (!current && runs.length) { select.value = runs[0].name; watch(runs[0].name); }
  }

  // ---- event stream ---------------------------------------------------------------------------------------------
  function connect() {
    if (events) events.close();
    const url = '/api/events' + (selectedRun ? `?run=${encodeURIComponent(selectedRun)}&` : '?') + 'token=' + encodeURIComponent(token);
    events = new EventSource(url);
    const on = (name, handler) => events.addEventListener(name, (e) => handler(JSON.parse(e.data)));
    events.onopen = () => { $('connection').textContent = 'live'; $('connection').dataset.state = 'live'; };
    events.onerror = () => {
      $('connection').textContent = 'reconnecting…';
      $('connection').dataset.state = 'connecting';
      // The browser retries a dropped stream by itself, but gives up after an HTTP error: open a new one then.
      const closed = events;
      setTimeout(() => { if (closed === events && closed.readyState === EventSource.CLOSED) connect(); }, 2000);
    };
    on('state', showHostState);
    on('runs', (d) => showRuns(d.runs));
    on('snapshot', applySnapshot);
    on('info', (d) => { runInfo = d.info; });
    on('points', (d) => { addPoints(d.points); showProgress(d.progress); });
    on('grid', showGrid);
    on('checkpoints', (d) => showCheckpoints(d.checkpoints));
    on('message', (d) => addMessage(d.text));
    on('activity', (d) => showActivity(d.activity, d.live));
    on('preview', showPreview);
  }

  function watch(run) {
    if (run === selectedRun) return;
    selectedRun = run;
    $('run-select').value = run;
    previewFrames = 0;
    chosenCheckpoint = null;
    $('preview-x0').removeAttribute('src');
    $('preview-xt').removeAttribute('src');
    $('export-result').textContent = '';
    resetSeries();
    connect();
    updateControls();
  }

  // ---- setup form ------------------------------------------------------------------------------------------------
  function clearErrors() {
    document.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
    document.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
    $('form-error').textContent = '';
  }

  function showErrors(error) {
    const errors = (error.data && error.data.errors) || [];
    errors.forEach((e) => {
      const slot = document.querySelector(`.field-error[data-for="${e.field}"]`);
      if (slot) slot.textContent = e.message;
      const input = $(e.field);
      if (input) input.classList.add('invalid');
    });
    if (!errors.length && error.data && error.data.field) {
      const slot = document.querySelector(`.field-error[data-for="${error.data.field}"]`);
      if (slot) slot.textContent = error.message;
    }
    $('form-error').textContent = error.message;
  }

  function formValues() {
    const values = {};
    fields.forEach((f) => {
      const input = $(f);
      if (input.type === 'checkbox') values[f] = input.checked;
      else if (numeric.has(f)) values[f] = input.value === '' ? null : Number(input.value);
      else values[f] = input.value;
    });
    Object.keys(values).forEach((k) => { if (values[k] === null) delete values[k]; });
    return values;
  }

  function fillDefaults(d) {
    fields.forEach((f) => {
      const input = $(f);
      if (!input || d[f] === undefined || d[f] === null) return;
      if (input.type === 'checkbox') input.checked = !!d[f]; else input.value = d[f];
    });
  }

  async function checkDataset() {
    clearErrors();
    const report = $('dataset-report');
    // A re-check (the size changed) keeps the last report in place, dimmed, until the new one arrives: swapping it for
    // one line and back would move everything below it, the Start button included, under the user's pointer.
    if (!report.dataset.images) report.textContent = 'Reading the folder…';
    report.setAttribute('aria-busy', 'true');
    try {
      const r = await api('POST', '/api/dataset/inspect', { folder: $('dataset').value, classConditional: $('classConditional').checked, size: Number($('size').value) });
      datasetShape = { channels: 3, classes: r.classes.length > 1 || (r.classes[0] && r.classes[0].name) ? r.classes.length : 0 };
      report.replaceChildren(
        el('p', { class: 'ok' }, `${fmt.count(r.images)} usable images in ${r.folder}`),
        el('p', {}, 'Classes: ', r.classes.map((c) => `${c.name || '(unconditional)'} (${c.images})`).join(', ')),
        el('p', {}, 'Sizes: ', r.sizes.slice(0, 6).map((s) => `${s.width}x${s.height} (${s.images})`).join(', ') + (r.sizes.length > 6 ? ', …' : '')),
        ...r.warnings.map((w) => el('p', { class: 'warn' }, w)),
        r.skipped.length ? el('details', { open: '' }, el('summary', {}, `${r.skipped.length} file(s) cannot be used`),
          el('ul', { id: 'skipped-files' }, r.skipped.map((s) => el('li', {}, `${s.path}: ${s.reason}`)))) : el('p', {}, 'No unreadable files.'));
      report.dataset.images = String(r.images);
      loadPresets();
    } catch (e) {
      report.replaceChildren();
      delete report.dataset.images;
      showErrors(e);
    } finally {
      report.removeAttribute('aria-busy');
    }
  }

  function presetQuery() {
    return `size=${encodeURIComponent($('size').value)}&channels=${datasetShape.channels}&classes=${datasetShape.classes}&batchSize=${encodeURIComponent($('batchSize').value)}`;
  }

  function showPresets(list) {
    const body = $('preset-table').tBodies[0];
    body.replaceChildren(...list.map((p) => el('tr', { dataset: { preset: p.name } },
      el('td', {}, p.name), el('td', {}, fmt.params(p.parameters)), el('td', {}, fmt.num(p.forwardGflopsPerImage, 3)),
      el('td', {}, p.estimatedStepMs === null ? 'not measured' : `${Math.round(p.estimatedStepMs)} ms (timed at batch ${p.measuredBatch})`),
      el('td', {}, p.description))));
  }

  async function loadPresets() {
    try { showPresets((await api('GET', '/api/presets?' + presetQuery())).presets); } catch (e) { showErrors(e); }
  }

  async function measure() {
    $('measure').disabled = true;
    $('measure').textContent = 'Measuring…';
    try {
      const body = { size: Number($('size').value), channels: datasetShape.channels, classes: datasetShape.classes, batchSize: Number($('batchSize').value) };
      showPresets((await api('POST', '/api/presets/measure', body)).presets);
    } catch (e) { showErrors(e); } finally {
      $('measure').textContent = 'Measure step time on this machine';
      $('measure').disabled = hostState.busy;
    }
  }

  async function start(event) {
    event.preventDefault();
    clearErrors();
    $('start').disabled = true;
    try {
      const r = await api('POST', '/api/runs', formValues());
      watch(r.run);
    } catch (e) {
      showErrors(e);
    } finally {
      updateControls();
    }
  }

  async function control(action) {
    try { await api('POST', `/api/training/${action}`); } catch (e) { addMessage(`${action}: ${e.message}`); }
  }

  async function exportCheckpoint(format) {
    const chosen = document.querySelector('input[name="checkpoint"]:checked');
    const name = $('export-name').value || $('export-name').placeholder;
    const out = $('export-result');
    out.className = '';
    out.textContent = format === 'onnx' ? 'Exporting (model folder and ONNX UNet)…' : 'Exporting…';
    try {
      const r = await api('POST', `/api/runs/${encodeURIComponent(selectedRun)}/export`, { checkpoint: chosen.value, name, format });
      out.className = 'ok';
      out.textContent = r.onnx
        ? `Exported model folder with ONNX UNet: ${r.onnx} (run it with: livediffusion generate --model ${r.folder} --backend onnx)`
        : `Exported model folder: ${r.folder} (load it with: livediffusion generate --model ${r.folder})`;
    } catch (e) {
      out.className = 'error';
      out.textContent = e.message;
    }
  }

  // ---- start-up ---------------------------------------------------------------------------------------------------
  async function init() {
    if (!token) {
      document.body.prepend(el('p', { class: 'error banner' }, 'This page needs its session token: open the URL printed by `livediffusion panel`.'));
      return;
    }
    const state = await api('GET', '/api/state');
    $('preset').replaceChildren(...state.presets.map((p) => el('option', { value: p }, p)));
    fillDefaults(state.defaults);
    $('resume').value = '';
    $('data-root').textContent = `(inside ${state.dataRoot})`;
    onnx = state.onnx;
    $('export-onnx').title = onnx.available ? '' : onnx.reason;
    $('onnx-reason').textContent = onnx.available ? '' : onnx.reason;
    showHostState(state.state);
    loadPresets();
    $('setup-form').addEventListener('submit', start);
    $('check-dataset').addEventListener('click', checkDataset);
    $('measure').addEventListener('click', measure);
    $('size').addEventListener('change', () => { loadPresets(); if ($('dataset-report').dataset.images) checkDataset(); });
    $('batchSize').addEventListener('change', loadPresets);
    $('pause').addEventListener('click', () => control('pause'));
    $('resume-run').addEventListener('click', () => control('resume'));
    $('save').addEventListener('click', () => control('save'));
    $('stop').addEventListener('click', () => control('stop'));
    $('export-folder').addEventListener('click', () => exportCheckpoint('folder'));
    $('export-onnx').addEventListener('click', () => exportCheckpoint('onnx'));
    $('run-select').addEventListener('change', (e) => watch(e.target.value));
    if (state.state.busy && state.state.run) watch(state.state.run);
    else if (state.runs.length) watch(state.runs[0].name);
    else connect();
  }

  init().catch((e) => { $('form-error').textContent = 'The panel could not load: ' + e.message; });
})();
