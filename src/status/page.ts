/**
 * The live page (GET /), the operator's panel: a progress bar per running document, throughput and ETA
 * per environment with a chart, claim pauses, failures (requeue), find, the queue and the workers. Plain
 * HTML, CSS and JS served by the status server itself (no build step, nothing fetched from elsewhere; the
 * CSP allows only this origin). app.js (here) polls /api/pool every 2 s and follows /api/events for
 * instant updates; a document that finishes keeps its (full or failed) bar for a few minutes. The panel's
 * sections are panel.js (panel-page.ts), which app.js feeds with each /api/pool answer.
 *
 * Rows hold text that came from outside (document numbers, error messages, OCR text): every value is
 * put in the page with textContent or an attribute, never parsed as HTML.
 */

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ocr-pool</title>
<link rel="stylesheet" href="app.css">
</head>
<body>
<header><h1>ocr-pool</h1><span id="live" class="pill">connecting…</span><span id="updated"></span>
<span class="spacer"></span>
<label class="token">action token <input id="admin-token" type="password" autocomplete="off" placeholder="OCR_HTTP_ADMIN_TOKEN"></label>
<button id="admin-token-use" type="button">use</button><span id="admin-state" class="pill">read only</span></header>
<main>
<p id="action-status" role="status"></p>
<section><h2>Documents in OCR</h2><ul id="docs" class="docs"><li class="empty">nothing running</li></ul></section>
<section><h2>Throughput and ETA</h2><div id="pace"></div></section>
<section><h2>Claims</h2><div id="pauses"></div>
<div class="controls"><label>environment <select id="pause-env"></select></label>
<label>source <select id="pause-source"><option value="">all sources</option><option>index</option><option>acte</option><option>plan_cadastraux</option></select></label>
<input id="pause-reason" type="text" placeholder="reason (optional)" maxlength="200">
<button id="pause-button" type="button" class="act">Pause</button></div></section>
<section><h2>Failures</h2>
<div class="controls"><label>environment <select id="failures-env"><option value="">all</option></select></label>
<label>source <select id="failures-source"><option value="">all</option><option>index</option><option>acte</option><option>plan_cadastraux</option></select></label>
<label>class <select id="failures-class"><option value="">all</option><option>poison</option><option>storage</option><option>budget</option><option>memory</option><option>lease</option><option>other</option></select></label>
<button id="requeue-class" type="button" class="act" hidden>Requeue all</button></div>
<div id="failure-counts"></div>
<table id="failures"><thead><tr><th>time</th><th>env</th><th>source</th><th>document</th><th>class</th><th>attempts</th><th>error</th><th></th></tr></thead><tbody></tbody></table></section>
<section><h2>Find a document</h2>
<div class="controls"><input id="find-q" type="search" placeholder="document number or id" size="40"><button id="find-go" type="button">Find</button></div>
<div id="find-results"></div></section>
<section><h2>Queue</h2><div id="queue"></div></section>
<section><h2>Workers</h2><p id="allocation"></p><table id="workers"><thead><tr><th>worker</th><th>host</th><th>mode</th><th>state</th><th>document</th><th>progress</th><th>jobs</th></tr></thead><tbody></tbody></table></section>
</main>
<script src="app.js"></script>
<script src="panel.js"></script>
</body>
</html>
`;

export const PAGE_CSS = `
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 0; }
header { display: flex; gap: 1rem; align-items: baseline; padding: .8rem 1.5rem; background: #1d2330; color: #fff; }
h1 { font-size: 1.2rem; margin: 0; }
h2 { font-size: 1rem; margin: 1.2rem 0 .5rem; }
main { padding: 0 1.5rem 2rem; max-width: 70rem; }
.pill { font-size: .8rem; padding: .1rem .5rem; border-radius: 1rem; background: #666; }
.pill.ok { background: #2f8f4e; } .pill.bad { background: #b3261e; }
#updated { font-size: .8rem; opacity: .7; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e3e5ea; }
th { background: #eceef2; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.docs { list-style: none; padding: 0; margin: 0; }
.docs li { background: #fff; border: 1px solid #e3e5ea; border-radius: 6px; padding: .5rem .8rem; margin-bottom: .4rem; }
.docs li.empty, .docs li.more { color: #777; font-size: .85rem; }
.doc .title { display: flex; justify-content: space-between; font-size: .9rem; }
.doc .meta { font-size: .8rem; color: #555; margin-top: .2rem; }
.bar { height: .8rem; background: #e3e5ea; border-radius: .4rem; overflow: hidden; margin-top: .35rem; }
.bar > .fill { height: 100%; width: 0; background: #3b6fd8; transition: width .4s ease; }
.doc.done .fill { background: #2f8f4e; } .doc.failed .fill { background: #b3261e; }
.spacer { flex: 1; }
header .token { font-size: .8rem; } header input { font-size: .8rem; width: 12rem; }
header button { font-size: .8rem; }
#action-status { min-height: 1.2rem; margin: .6rem 0 0; font-size: .9rem; }
#action-status.bad { color: #b3261e; } #action-status.ok { color: #2f8f4e; }
.controls { display: flex; gap: .8rem; align-items: center; flex-wrap: wrap; margin: .4rem 0; font-size: .9rem; }
button.act { background: #3b6fd8; color: #fff; border: 0; border-radius: 4px; padding: .25rem .7rem; cursor: pointer; }
button.act:disabled { background: #9aa5bd; cursor: not-allowed; }
.cards { display: flex; gap: .8rem; flex-wrap: wrap; }
.card { background: #fff; border: 1px solid #e3e5ea; border-radius: 6px; padding: .6rem .8rem; min-width: 20rem; flex: 1; }
.card h3 { margin: 0 0 .3rem; font-size: .95rem; display: flex; gap: .5rem; align-items: center; }
.state { font-size: .75rem; padding: .05rem .45rem; border-radius: 1rem; color: #fff; background: #666; }
.state.draining { background: #2f8f4e; } .state.growing { background: #c77700; } .state.stalled { background: #b3261e; }
.state.paused { background: #7b3fb3; } .state.idle { background: #777; }
.summary { font-size: .85rem; margin: .2rem 0 .4rem; }
.card table { font-size: .8rem; }
svg.chart { display: block; width: 100%; height: 60px; background: #f6f7f9; margin-top: .4rem; }
svg.chart rect { fill: #3b6fd8; }
.chips { display: flex; gap: .4rem; flex-wrap: wrap; margin: .3rem 0; }
.chip { font-size: .8rem; background: #eceef2; border-radius: 1rem; padding: .1rem .6rem; cursor: pointer; border: 1px solid transparent; }
.chip.on { border-color: #3b6fd8; }
.paused-row { color: #7b3fb3; font-weight: 600; }
td.error { max-width: 32rem; overflow-wrap: anywhere; font-family: ui-monospace, monospace; font-size: .8rem; }
.found { background: #fff; border: 1px solid #e3e5ea; border-radius: 6px; padding: .6rem .8rem; margin-bottom: .6rem; }
.found dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: 0; font-size: .85rem; }
.found dt { color: #555; } .found dd { margin: 0; overflow-wrap: anywhere; }
.found pre { white-space: pre-wrap; max-height: 20rem; overflow: auto; background: #f6f7f9; padding: .5rem; font-size: .8rem; }
`;

export const PAGE_JS = `'use strict';
(function () {
  var params = new URLSearchParams(location.search);
  var token = params.get('token');
  function withToken(path) {
    return token ? path + (path.indexOf('?') >= 0 ? '&' : '?') + 'token=' + encodeURIComponent(token) : path;
  }
  var KEEP_FINISHED_MS = 5 * 60 * 1000;
  var SHOW_FINISHED = 8;
  var docs = new Map(); // env:id -> { job, seen, finishedAt }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function key(job) { return job.env + ':' + job.id; }
  function upsert(job) {
    var k = key(job);
    var d = docs.get(k);
    if (d && d.job.version > job.version) return;
    if (!d) { d = { job: job, finishedAt: null }; docs.set(k, d); }
    d.job = job;
    if (job.final && !d.finishedAt) d.finishedAt = Date.now();
    if (!job.final && job.status.id === 6) d.finishedAt = null;
  }
  function percentOf(job) {
    if (job.final === 'done') return 100;
    return job.progress ? Math.max(0, Math.min(100, Math.round(job.progress.percent))) : 0;
  }
  function describe(job) {
    var p = job.progress;
    if (job.final === 'done') return 'done' + (p && p.pages ? ' · ' + p.pages + ' page(s)' : '');
    if (job.final === 'failed') return 'failed: ' + (job.error || (p && p.message) || '');
    if (!p) return job.status.name;
    var s = p.stage;
    if (p.pages) s += ' · page ' + p.page + ' of ' + p.pages;
    return s + (p.message && !p.pages ? ' · ' + p.message : '');
  }
  function renderDocs() {
    var ul = document.getElementById('docs');
    var now = Date.now();
    var list = [];
    docs.forEach(function (d, k) {
      if (d.finishedAt && now - d.finishedAt > KEEP_FINISHED_MS) { docs.delete(k); return; }
      var running = d.job.status.id === 6;
      if (running || d.finishedAt || d.tracked) list.push(d);
    });
    list.sort(function (a, b) {
      if (!!a.finishedAt !== !!b.finishedAt) return a.finishedAt ? 1 : -1;
      if (a.finishedAt) return b.finishedAt - a.finishedAt; // the latest finished first
      return (a.job.startedAt || '').localeCompare(b.job.startedAt || '');
    });
    // A busy pool finishes dozens of documents in KEEP_FINISHED_MS: their bars would push the panel's
    // sections off the screen. The latest few stay (and any the panel follows); the rest are counted.
    var shown = 0, hidden = { done: 0, failed: 0 };
    list = list.filter(function (d) {
      if (!d.finishedAt || d.tracked || shown < SHOW_FINISHED) { if (d.finishedAt && !d.tracked) shown++; return true; }
      hidden[d.job.final === 'failed' ? 'failed' : 'done']++;
      return false;
    });
    ul.replaceChildren();
    if (!list.length) { ul.appendChild(el('li', 'empty', 'nothing running')); return; }
    list.forEach(function (d) {
      var j = d.job;
      var pct = percentOf(j);
      var li = el('li', 'doc' + (j.final ? ' ' + j.final : ''));
      li.dataset.env = j.env; li.dataset.id = j.id; li.dataset.final = j.final || '';
      var title = el('div', 'title');
      title.appendChild(el('span', 'name', j.env + ' · ' + j.source + ' · ' + (j.number || j.id)));
      title.appendChild(el('span', 'pct', pct + ' %'));
      li.appendChild(title);
      var bar = el('div', 'bar');
      bar.setAttribute('role', 'progressbar');
      bar.setAttribute('aria-valuemin', '0');
      bar.setAttribute('aria-valuemax', '100');
      bar.setAttribute('aria-valuenow', String(pct));
      bar.setAttribute('aria-label', 'progress of ' + (j.number || j.id));
      var fill = el('div', 'fill');
      fill.style.width = pct + '%';
      bar.appendChild(fill);
      li.appendChild(bar);
      li.appendChild(el('div', 'meta', describe(j) + (j.worker ? ' · ' + j.worker : '')));
      ul.appendChild(li);
    });
    if (hidden.done + hidden.failed) {
      var more = el('li', 'more', '… and ' + (hidden.done + hidden.failed) + ' more finished in the last 5 min (' +
        hidden.done + ' done, ' + hidden.failed + ' failed: see Failures below)');
      more.dataset.done = String(hidden.done); more.dataset.failed = String(hidden.failed);
      ul.appendChild(more);
    }
  }
  function renderQueue(queue) {
    var box = document.getElementById('queue');
    box.replaceChildren();
    var statuses = ['pending', 'extracting', 'ready', 'blocked', 'ocr_running', 'ocr_done', 'error']; // blocked: at 3, not claimable now (backoff, attempts spent, no PDF)
    var table = el('table');
    var head = el('tr');
    ['env', 'source'].concat(statuses).forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(el('thead')).appendChild(head);
    var body = el('tbody');
    Object.keys(queue).forEach(function (env) {
      var q = queue[env];
      if (q.error) { var r = el('tr'); r.appendChild(el('td', null, env)); var td = el('td', null, q.error); td.colSpan = statuses.length + 1; r.appendChild(td); body.appendChild(r); return; }
      var bySource = {};
      q.counts.forEach(function (c) { (bySource[c.source] = bySource[c.source] || {})[c.status] = c.count; });
      Object.keys(bySource).sort().forEach(function (src) {
        var row = el('tr');
        row.appendChild(el('td', null, env));
        row.appendChild(el('td', null, src));
        statuses.forEach(function (s) { row.appendChild(el('td', 'n', String(bySource[src][s] || 0))); });
        body.appendChild(row);
      });
    });
    table.appendChild(body);
    box.appendChild(table);
  }
  function renderWorkers(data) {
    var tbody = document.querySelector('#workers tbody');
    tbody.replaceChildren();
    data.workers.forEach(function (w) {
      var row = el('tr');
      var p = w.progress;
      [w.id, w.host, w.mode, w.state, w.document ? w.document.env + ' · ' + w.document.id.slice(0, 8) : '',
       p ? (p.pages ? p.page + '/' + p.pages + ' ' : '') + p.stage + ' ' + Math.round(p.percent || 0) + ' %' : '', String(w.jobsDone)]
        .forEach(function (v) { row.appendChild(el('td', null, v)); });
      tbody.appendChild(row);
    });
    var a = data.allocation;
    var txt = 'workers by mode: index ' + (a.workersByMode.index || 0) + ', acte ' + (a.workersByMode.acte || 0);
    if (a.latest) txt += ' · allocation ' + a.latest.index + ' index / ' + a.latest.acte + ' acte (' + (a.latest.reason || '') + ')';
    document.getElementById('allocation').textContent = txt;
  }
  // The panel (panel.js) asks to follow a document it requeued: its bar shows here until it is done.
  window.addEventListener('ocr:job', function (e) {
    upsert(e.detail);
    var d = docs.get(key(e.detail));
    if (d) { d.tracked = true; if (!e.detail.final) d.finishedAt = null; }
    renderDocs();
  });
  var refreshing = false;
  function refresh() {
    if (refreshing) return;
    refreshing = true;
    fetch(withToken('api/pool'), { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (data) {
        var running = new Set();
        data.running.forEach(function (j) { running.add(key(j)); upsert(j); });
        // Documents that left 6 since the last look: read their final state.
        docs.forEach(function (d, k) {
          if (!running.has(k) && !d.finishedAt && (d.job.status.id === 6 || d.tracked)) {
            fetch(withToken('api/jobs/' + d.job.env + '/' + d.job.id), { cache: 'no-store' })
              .then(function (r) { return r.ok ? r.json() : null; })
              .then(function (j) { if (j) { upsert(j); renderDocs(); } })
              .catch(function () {});
          }
        });
        renderQueue(data.queue);
        renderWorkers(data);
        renderDocs();
        window.dispatchEvent(new CustomEvent('ocr:pool', { detail: data }));
        document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      })
      .catch(function (e) { document.getElementById('updated').textContent = 'status unavailable: ' + e.message; })
      .then(function () { refreshing = false; });
  }
  var live = document.getElementById('live');
  var es = new EventSource(withToken('api/events'));
  es.onopen = function () { live.textContent = 'live'; live.className = 'pill ok'; };
  es.onerror = function () { live.textContent = 'reconnecting…'; live.className = 'pill bad'; };
  ['progress', 'done', 'failed'].forEach(function (name) {
    es.addEventListener(name, function (e) {
      var job = JSON.parse(e.data);
      upsert(job);
      renderDocs();
      if (job.final) setTimeout(refresh, 100); // queue counts and workers change with it
      if (job.final) window.dispatchEvent(new CustomEvent('ocr:final', { detail: job })); // the failures list too
    });
  });
  window.addEventListener('ocr:refresh', function () { setTimeout(refresh, 0); }); // after an action of the panel
  refresh();
  setInterval(refresh, 2000);
})();
`;
