/**
 * The live page (GET /): queue counts, workers, and a progress bar per running document. Plain HTML, CSS
 * and JS served by the status server itself (no build step, nothing fetched from elsewhere; the CSP
 * allows only this origin). It polls /api/pool every 2 s and follows /api/events for instant updates;
 * a document that finishes keeps its (full or failed) bar for a few minutes.
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
<header><h1>ocr-pool</h1><span id="live" class="pill">connecting…</span><span id="updated"></span></header>
<main>
<section><h2>Documents in OCR</h2><ul id="docs" class="docs"><li class="empty">nothing running</li></ul></section>
<section><h2>Queue</h2><div id="queue"></div></section>
<section><h2>Workers</h2><p id="allocation"></p><table id="workers"><thead><tr><th>worker</th><th>host</th><th>mode</th><th>state</th><th>document</th><th>progress</th><th>jobs</th></tr></thead><tbody></tbody></table></section>
</main>
<script src="app.js"></script>
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
.docs li.empty { color: #777; }
.doc .title { display: flex; justify-content: space-between; font-size: .9rem; }
.doc .meta { font-size: .8rem; color: #555; margin-top: .2rem; }
.bar { height: .8rem; background: #e3e5ea; border-radius: .4rem; overflow: hidden; margin-top: .35rem; }
.bar > .fill { height: 100%; width: 0; background: #3b6fd8; transition: width .4s ease; }
.doc.done .fill { background: #2f8f4e; } .doc.failed .fill { background: #b3261e; }
`;

export const PAGE_JS = `'use strict';
(function () {
  var params = new URLSearchParams(location.search);
  var token = params.get('token');
  function withToken(path) {
    return token ? path + (path.indexOf('?') >= 0 ? '&' : '?') + 'token=' + encodeURIComponent(token) : path;
  }
  var KEEP_FINISHED_MS = 5 * 60 * 1000;
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
      if (running || d.finishedAt) list.push(d);
    });
    list.sort(function (a, b) {
      if (!!a.finishedAt !== !!b.finishedAt) return a.finishedAt ? 1 : -1;
      return (a.job.startedAt || '').localeCompare(b.job.startedAt || '');
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
          if (!running.has(k) && !d.finishedAt && d.job.status.id === 6) {
            fetch(withToken('api/jobs/' + d.job.env + '/' + d.job.id), { cache: 'no-store' })
              .then(function (r) { return r.ok ? r.json() : null; })
              .then(function (j) { if (j) { upsert(j); renderDocs(); } })
              .catch(function () {});
          }
        });
        renderQueue(data.queue);
        renderWorkers(data);
        renderDocs();
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
    });
  });
  refresh();
  setInterval(refresh, 2000);
})();
`;
