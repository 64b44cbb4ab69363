/**
 * The panel's script (GET /panel.js), beside the live page's app.js (page.ts): throughput and ETA per
 * environment with a chart of completions, claim pauses, failures with requeue, find.
 *
 * Everything shown comes from the API (/api/pool through app.js's 'ocr:pool' event, /api/failures,
 * /api/find) and is put in the page with textContent, attributes and createElementNS for the chart: row
 * text (numbers, errors, OCR text) may be hostile, and is never parsed as HTML. Actions are POSTs with the
 * admin token in an Authorization header; the token is typed into the page and kept in sessionStorage
 * (this tab only, never a cookie, so no other site can make the browser send it).
 */

export const PANEL_JS = `'use strict';
(function () {
  var params = new URLSearchParams(location.search);
  var readToken = params.get('token');
  function withToken(path) {
    return readToken ? path + (path.indexOf('?') >= 0 ? '&' : '?') + 'token=' + encodeURIComponent(readToken) : path;
  }
  var TOKEN_KEY = 'ocr-pool-admin-token';
  function adminToken() { try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; } }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function when(iso) { return iso ? new Date(iso).toLocaleString() : ''; }
  var statusLine = $('action-status');
  function say(text, ok) { statusLine.textContent = text; statusLine.className = ok ? 'ok' : 'bad'; }

  // --- the action token -----------------------------------------------------------------------------
  function showAdmin() {
    var on = !!adminToken();
    var pill = $('admin-state');
    pill.textContent = on ? 'actions on' : 'read only';
    pill.className = 'pill' + (on ? ' ok' : '');
    document.querySelectorAll('button.act').forEach(function (b) { b.disabled = !on; b.title = on ? '' : 'type the action token first'; });
  }
  $('admin-token-use').addEventListener('click', function () {
    var v = $('admin-token').value.trim();
    try { if (v) sessionStorage.setItem(TOKEN_KEY, v); else sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* private mode */ }
    $('admin-token').value = '';
    showAdmin();
  });

  function act(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + adminToken() },
      body: JSON.stringify(body || {}),
      cache: 'no-store',
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        if (!r.ok) throw new Error((b && b.message) || ('HTTP ' + r.status));
        return b;
      });
    });
  }

  // --- throughput, ETA, chart, pauses (from /api/pool via app.js) ----------------------------------
  var SVG = 'http://www.w3.org/2000/svg';
  function chart(c) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'chart');
    var n = c.documents.length;
    svg.setAttribute('viewBox', '0 0 ' + n * 10 + ' 60');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    var total = c.documents.reduce(function (a, b) { return a + b; }, 0);
    svg.setAttribute('aria-label', total + ' document(s) completed in the last ' + (n * c.bucketMinutes / 60) + ' h, per ' + c.bucketMinutes + ' min');
    var max = Math.max.apply(null, c.documents.concat([1]));
    c.documents.forEach(function (v, i) {
      var h = Math.round((v / max) * 56);
      var r = document.createElementNS(SVG, 'rect');
      r.setAttribute('x', String(i * 10 + 1)); r.setAttribute('width', '8');
      r.setAttribute('y', String(60 - h)); r.setAttribute('height', String(h));
      var t = document.createElementNS(SVG, 'title');
      var end = new Date(new Date(c.end).getTime() - (n - 1 - i) * c.bucketMinutes * 60000);
      t.textContent = v + ' document(s), ' + c.pages[i] + ' page(s), quarter hour to ' + end.toLocaleTimeString();
      r.appendChild(t);
      svg.appendChild(r);
    });
    return svg;
  }
  function renderPace(queue) {
    var box = $('pace');
    box.replaceChildren();
    var cards = el('div', 'cards');
    Object.keys(queue).forEach(function (env) {
      var q = queue[env];
      var card = el('div', 'card');
      card.dataset.env = env;
      var h = el('h3', null, env);
      if (q.eta) { var st = el('span', 'state ' + q.eta.state, q.eta.state); st.dataset.state = q.eta.state; h.appendChild(st); }
      card.appendChild(h);
      if (q.error || !q.eta) { card.appendChild(el('p', 'summary', q.error || 'no data')); cards.appendChild(card); return; }
      var sum = el('p', 'summary eta', q.eta.summary + (q.eta.at ? ' · done about ' + when(q.eta.at) : ''));
      card.appendChild(sum);
      var t = el('table');
      var head = el('tr');
      ['last', 'documents', 'docs/min', 'pages', 'pages/min', 'arrived'].forEach(function (x) { head.appendChild(el('th', null, x)); });
      t.appendChild(el('thead')).appendChild(head);
      var body = el('tbody');
      q.throughput.forEach(function (w) {
        var r = el('tr');
        [w.minutes >= 60 ? (w.minutes / 60) + ' h' : w.minutes + ' min', w.documents, w.documentsPerMinute, w.pages, w.pagesPerMinute, w.arrivals]
          .forEach(function (v, i) { r.appendChild(el('td', i ? 'n' : null, v)); });
        body.appendChild(r);
      });
      t.appendChild(body);
      card.appendChild(t);
      card.appendChild(chart(q.chart));
      cards.appendChild(card);
    });
    box.appendChild(cards);
  }
  function renderPauses(queue) {
    var box = $('pauses');
    box.replaceChildren();
    var any = false;
    var list = el('ul');
    Object.keys(queue).forEach(function (env) {
      (queue[env].pauses || []).forEach(function (p) {
        any = true;
        var li = el('li', 'paused-row');
        li.dataset.env = env; li.dataset.source = p.source;
        li.appendChild(el('span', null, env + ' / ' + (p.source === '*' ? 'all sources' : p.source) + ': claims paused by ' + p.pausedBy + ' since ' + when(p.pausedAt) + (p.reason ? ' (' + p.reason + ')' : '') + ' '));
        var b = el('button', 'act resume', 'Resume');
        b.type = 'button';
        b.addEventListener('click', function () {
          act('api/resume', { env: env, source: p.source === '*' ? null : p.source })
            .then(function (r) { say(env + ': resumed ' + r.lifted.join(', '), true); window.dispatchEvent(new Event('ocr:refresh')); })
            .catch(function (e) { say('resume refused: ' + e.message, false); });
        });
        li.appendChild(b);
        list.appendChild(li);
      });
    });
    box.appendChild(any ? list : el('p', null, 'claims run in every environment'));
    showAdmin();
  }
  function fillEnvs(envs) {
    [['pause-env', false], ['failures-env', true]].forEach(function (x) {
      var sel = $(x[0]);
      var have = Array.prototype.map.call(sel.options, function (o) { return o.value; });
      envs.forEach(function (env) { if (have.indexOf(env) < 0) { var o = el('option', null, env); o.value = env; sel.appendChild(o); } });
    });
  }
  window.addEventListener('ocr:pool', function (e) {
    var queue = e.detail.queue;
    fillEnvs(Object.keys(queue));
    renderPace(queue);
    renderPauses(queue);
  });
  $('pause-button').addEventListener('click', function () {
    var env = $('pause-env').value;
    var source = $('pause-source').value || null;
    act('api/pause', { env: env, source: source, reason: $('pause-reason').value || null })
      .then(function (r) { say(env + ' / ' + (source || 'all sources') + ': claims paused' + (r.already ? ' (already were)' : ''), true); window.dispatchEvent(new Event('ocr:refresh')); })
      .catch(function (err) { say('pause refused: ' + err.message, false); });
  });

  // --- failures -----------------------------------------------------------------------------------
  function failuresQuery() {
    var q = [];
    ['env', 'source', 'class'].forEach(function (k) { var v = $('failures-' + k).value; if (v) q.push(k + '=' + encodeURIComponent(v)); });
    return 'api/failures' + (q.length ? '?' + q.join('&') : '');
  }
  function renderFailures(data) {
    var counts = $('failure-counts');
    counts.replaceChildren();
    var chips = el('div', 'chips');
    var byClass = {};
    Object.keys(data.environments).forEach(function (env) {
      var f = data.environments[env];
      Object.keys(f.byClass).forEach(function (c) { byClass[c] = (byClass[c] || 0) + f.byClass[c]; });
    });
    var cls = $('failures-class').value;
    Object.keys(byClass).sort().forEach(function (c) {
      var chip = el('span', 'chip' + (cls === c ? ' on' : ''), c + ' ' + byClass[c]);
      chip.dataset.class = c;
      chip.addEventListener('click', function () { $('failures-class').value = cls === c ? '' : c; refreshFailures(); });
      chips.appendChild(chip);
    });
    if (!Object.keys(byClass).length) chips.appendChild(el('span', null, 'no failed document'));
    counts.appendChild(chips);
    var tbody = document.querySelector('#failures tbody');
    tbody.replaceChildren();
    Object.keys(data.environments).forEach(function (env) {
      data.environments[env].list.forEach(function (f) {
        var r = el('tr', 'failure');
        r.dataset.env = env; r.dataset.id = f.id;
        [when(f.at), env, f.source, f.number || f.id, f.class, f.attempts + '/' + f.maxAttempts].forEach(function (v) { r.appendChild(el('td', null, v)); });
        r.appendChild(el('td', 'error', f.error));
        var td = el('td');
        var b = el('button', 'act requeue', 'Requeue');
        b.type = 'button';
        b.addEventListener('click', function () {
          b.disabled = true;
          act('api/jobs/' + encodeURIComponent(env) + '/' + encodeURIComponent(f.id) + '/requeue')
            .then(function () {
              say((f.number || f.id) + ' requeued (its error is kept in its history: see Find)', true);
              return fetch(withToken('api/jobs/' + encodeURIComponent(env) + '/' + encodeURIComponent(f.id)), { cache: 'no-store' }).then(function (x) { return x.ok ? x.json() : null; });
            })
            .then(function (job) { if (job) window.dispatchEvent(new CustomEvent('ocr:job', { detail: job })); refreshFailures(); })
            .catch(function (e) { say('requeue refused: ' + e.message, false); refreshFailures(); });
        });
        td.appendChild(b);
        r.appendChild(td);
        tbody.appendChild(r);
      });
    });
    var all = $('requeue-class');
    var env = $('failures-env').value;
    all.hidden = !(cls && env);
    all.textContent = 'Requeue every ' + cls + ' failure in ' + env + ($('failures-source').value ? ' / ' + $('failures-source').value : '');
    showAdmin();
  }
  var loadingFailures = false;
  function refreshFailures() {
    if (loadingFailures) return;
    loadingFailures = true;
    fetch(withToken(failuresQuery()), { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(renderFailures)
      .catch(function () { /* app.js already says when the status server is unavailable */ })
      .then(function () { loadingFailures = false; });
  }
  ['failures-env', 'failures-source', 'failures-class'].forEach(function (id) { $(id).addEventListener('change', refreshFailures); });
  $('requeue-class').addEventListener('click', function () {
    var env = $('failures-env').value, cls = $('failures-class').value, source = $('failures-source').value || null;
    act('api/requeue', { env: env, class: cls, source: source })
      .then(function (r) { say(env + ': ' + r.requeued + ' ' + cls + ' failure(s) requeued', true); refreshFailures(); })
      .catch(function (e) { say('requeue refused: ' + e.message, false); });
  });
  window.addEventListener('ocr:final', refreshFailures);
  window.addEventListener('ocr:refresh', refreshFailures);

  // --- find ---------------------------------------------------------------------------------------
  function dl(pairs) {
    var d = el('dl');
    pairs.forEach(function (p) { if (p[1] === null || p[1] === undefined || p[1] === '') return; d.appendChild(el('dt', null, p[0])); d.appendChild(el('dd', p[2] || null, p[1])); });
    return d;
  }
  function renderFound(data) {
    var box = $('find-results');
    box.replaceChildren();
    if (!data.results.length) { box.appendChild(el('p', null, 'nothing found for ' + data.q)); return; }
    data.results.forEach(function (d) {
      var c = el('div', 'found');
      c.dataset.env = d.env; c.dataset.id = d.id;
      c.appendChild(el('h3', null, d.env + ' · ' + (d.source || '?') + ' · ' + (d.number || d.id)));
      var p = d.progress || {};
      var conf = d.confidence && Array.isArray(d.confidence.pages)
        ? d.confidence.pages.map(function (x) { return 'p' + x.pageNumber + ' ' + (x.confidence == null ? 'text layer' : Math.round(x.confidence)) + (x.flagged ? ' (low)' : ''); }).join(', ')
        : null;
      c.appendChild(dl([
        ['id', d.id], ['status', d.status.id + ' ' + d.status.name, 'status'], ['attempts', d.attempts + '/' + d.maxAttempts],
        ['error', d.error ? d.error + ' (' + d.errorClass + ')' : null, 'error'], ['failed at', when(d.lastErrorAt)],
        ['progress', p.stage ? p.stage + (p.pages ? ' · page ' + p.page + ' of ' + p.pages : '') + ' · ' + Math.round(p.percent || 0) + ' %' : null],
        ['worker', d.worker], ['started', when(d.startedAt)], ['completed', when(d.completedAt)],
        ['confidence', conf], ['PDF', d.path],
      ]));
      if (d.errorHistory.length) {
        var h = el('details');
        h.appendChild(el('summary', null, 'earlier errors (' + d.errorHistory.length + ')'));
        var ul = el('ul');
        d.errorHistory.forEach(function (x) { ul.appendChild(el('li', null, when(x.at) + ' · ' + x.error + ' · requeued by ' + x.requeuedBy + ' ' + when(x.requeuedAt))); });
        h.appendChild(ul);
        c.appendChild(h);
      }
      [['raw text (file_content)', d.text.raw], ['boosted text (boosted_file_content)', d.text.boosted]].forEach(function (t) {
        if (t[1] === null) return;
        var det = el('details');
        det.appendChild(el('summary', null, t[0] + ', ' + t[1].length + ' characters'));
        det.appendChild(el('pre', null, t[1]));
        c.appendChild(det);
      });
      box.appendChild(c);
    });
  }
  function find() {
    var q = $('find-q').value.trim();
    if (!q) return;
    fetch(withToken('api/find?q=' + encodeURIComponent(q)), { cache: 'no-store' })
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) throw new Error(b.message || 'HTTP ' + r.status); return b; }); })
      .then(renderFound)
      .catch(function (e) { say('find: ' + e.message, false); });
  }
  $('find-go').addEventListener('click', find);
  $('find-q').addEventListener('keydown', function (e) { if (e.key === 'Enter') find(); });

  showAdmin();
  refreshFailures();
  setInterval(refreshFailures, 2000);
})();
`;
