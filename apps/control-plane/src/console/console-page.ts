/**
 * The operator console: one static page that calls this API with the token typed into it. Its script
 * and style are served as files of their own (/console.js, /console.css), so the page's
 * Content-Security-Policy allows no inline script or style at all. The script builds every piece of
 * the page with DOM nodes and `textContent`: nothing the API answers is ever parsed as HTML.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Durable Workflow Cloud — operator console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/console.css">
</head>
<body>
<h1>Durable Workflow Cloud — operator console</h1>
<p class="muted">Tokens stay in this page; they are sent only as <code>Authorization: Bearer</code> to this API.
  API reference: <a href="/docs">/docs</a> · <a href="/health/ready">/health/ready</a> · <a href="/metrics">/metrics</a></p>

<h2>Platform operator</h2>
<label>Operator token <input id="operator" type="password" autocomplete="off"></label>
<button id="load-orgs">Organizations</button>
<div id="orgs"></div>

<h2>Organization</h2>
<label>dwc_ API key <input id="key" type="password" autocomplete="off"></label>
<button id="load-org">Namespaces and runtime targets</button>
<div id="org"></div>

<h2>Replication</h2>
<p class="muted">Replicated namespaces the key above may read; pick one for a live timeline of its checks, switches and manual commands.</p>
<button id="load-replication">Replicated namespaces</button>
<div id="replicated"></div>
<section id="timeline-view" hidden>
<h3>Timeline of <span id="timeline-namespace"></span> <span id="timeline-status" class="muted"></span> <button id="timeline-stop">Stop</button></h3>
<dl id="timeline-state"></dl>
<ol id="timeline"></ol>
</section>

<script src="/console.js"></script>
</body>
</html>
`;

/**
 * The page's script. The replication timeline reads `GET …/replication/events` with fetch() and a
 * streaming body reader, because EventSource cannot send the Authorization header and a key must never
 * travel in a URL; it reconnects on its own and resumes with `Last-Event-ID`.
 * (This is a template literal: a backslash escape meant for the browser is written doubled.)
 */
export const CONSOLE_SCRIPT = `'use strict';
var el = function (id) { return document.getElementById(id); };
/** An element with text (never markup) and attributes. */
function node(tag, text, attributes) {
  var n = document.createElement(tag);
  if (text !== undefined && text !== null) n.textContent = String(text);
  if (attributes) Object.keys(attributes).forEach(function (name) { n.setAttribute(name, attributes[name]); });
  return n;
}
async function api(path, token) {
  var response = await fetch(path, { headers: { authorization: 'Bearer ' + token } });
  var body = await response.json();
  if (!response.ok) throw new Error(response.status + ' ' + (body.title || '') + ': ' + (body.detail || ''));
  return body;
}
/** A table of rows; a column's value is text, or a node put in as it is. */
function table(rows, columns) {
  if (rows.length === 0) return node('p', 'none', { class: 'muted' });
  var t = node('table');
  var head = node('tr');
  columns.forEach(function (c) { head.appendChild(node('th', c[0])); });
  t.appendChild(head);
  rows.forEach(function (row) {
    var tr = node('tr');
    columns.forEach(function (c) {
      var value = c[1](row);
      var td = node('td');
      if (value instanceof Node) td.appendChild(value); else td.textContent = value === undefined || value === null ? '' : String(value);
      tr.appendChild(td);
    });
    t.appendChild(tr);
  });
  return t;
}
async function show(target, work) {
  try { el(target).replaceChildren.apply(el(target), await work()); } catch (error) { el(target).replaceChildren(node('p', error.message, { class: 'error' })); }
}
el('load-orgs').onclick = function () { show('orgs', async function () {
  var result = await api('/api/v1/operator/organizations?limit=200', el('operator').value);
  return [table(result.organizations, [['id', function (o) { return o.id; }], ['name', function (o) { return o.name; }],
    ['created', function (o) { return o.created_at; }],
    ['billing restricted', function (o) { return o.billing_restriction.restricted ? 'yes: ' + o.billing_restriction.reason : 'no'; }]])];
}); };
el('load-org').onclick = function () { show('org', async function () {
  var key = el('key').value;
  var namespaces = (await api('/api/v1/namespaces?limit=200', key)).namespaces;
  // A key may read namespaces but not runtime targets (a namespace-scoped binding): say so instead of showing none.
  var targets = await api('/api/v1/runtime-targets?limit=200', key).then(function (r) { return r.runtime_targets; }, function (error) { return error; });
  return [node('h3', 'Namespaces'), table(namespaces, [['name', function (n) { return n.name; }], ['project', function (n) { return n.project; }],
    ['environment', function (n) { return n.environment; }], ['state', function (n) { return n.state; }],
    ['active runtime target', function (n) { return n.active_runtime_target ? n.active_runtime_target.id + ' (' + n.active_runtime_target.region + ')' : '-'; }]]),
    node('h3', 'Runtime targets'), targets instanceof Error ? node('p', targets.message, { class: 'error', id: 'targets-error' }) : table(targets, [['id', function (t) { return t.id; }], ['name', function (t) { return t.name; }],
    ['region', function (t) { return t.region; }], ['provider', function (t) { return t.provider; }],
    ['health', function (t) { return t.health.status; }], ['checked', function (t) { return t.health.checked_at || '-'; }]])];
}); };

/* Replication: the list, then a live timeline of one namespace. */
var MAX_ENTRIES = 500;
var watching = null;
function primaryLabel(r) {
  var id = r.current_primary.id;
  var region = id === r.home_primary.id ? r.home_primary.region : id === r.secondary.id ? r.secondary.region : null;
  return id + (region ? ' (' + region + ')' : '') + (id === r.home_primary.id ? ', home' : ', secondary');
}
el('load-replication').onclick = function () { show('replicated', async function () {
  var key = el('key').value;
  var replicated = [];
  var cursor = null;
  for (var pages = 0; pages < 50; pages++) {
    var result = await api('/api/v1/namespaces?limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''), key);
    result.namespaces.forEach(function (n) { if (n.replication) replicated.push(n); });
    cursor = result.next_cursor;
    if (!cursor) break;
  }
  return [table(replicated, [['namespace', function (n) { return n.name; }], ['state', function (n) { return n.replication.state; }],
    ['current primary', function (n) { return primaryLabel(n.replication); }],
    ['home primary', function (n) { return n.replication.home_primary.id + ' (' + n.replication.home_primary.region + ')'; }],
    ['secondary', function (n) { return n.replication.secondary.id + ' (' + n.replication.secondary.region + ')'; }],
    ['epoch', function (n) { return n.replication.epoch; }], ['automatic failover', function (n) { return n.replication.automatic_failover ? 'on' : 'off'; }],
    ['last failover', function (n) { return n.replication.last_failover_at || '-'; }], ['last failback', function (n) { return n.replication.last_failback_at || '-'; }],
    ['', function (n) {
      var button = node('button', 'Timeline', { class: 'timeline', 'data-namespace': n.name });
      button.onclick = function () { watch(n.name, key); };
      return button;
    }]])];
}); };

/** Server-sent events from a fetch() body: calls onEvent({id, event, data}) for each complete event. */
async function readEvents(body, onEvent) {
  var reader = body.getReader();
  var decoder = new TextDecoder();
  var buffer = '';
  var event = { id: null, event: 'message', data: [] };
  for (;;) {
    var chunk = await reader.read();
    if (chunk.done) return;
    buffer += decoder.decode(chunk.value, { stream: true });
    var lines = buffer.split(/\\r\\n|\\r|\\n/);
    buffer = lines.pop();
    lines.forEach(function (line) {
      if (line === '') {
        if (event.data.length > 0) onEvent({ id: event.id, event: event.event, data: event.data.join('\\n') });
        event = { id: null, event: 'message', data: [] };
        return;
      }
      if (line.charAt(0) === ':') return;
      var colon = line.indexOf(':');
      var field = colon === -1 ? line : line.slice(0, colon);
      var value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') event.data.push(value);
      else if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
    });
  }
}

function targetLabel(view, id) {
  if (!view || !id) return id || '-';
  if (id === view.home_primary.id) return id + ' (home, ' + view.home_primary.region + ')';
  if (id === view.secondary.id) return id + ' (secondary, ' + view.secondary.region + ')';
  return id;
}
function observed(name, o) {
  return name + (o.ready ? ' ready' : ' not ready') + (o.detail ? ' (' + o.detail + ')' : '') + (o.lag_seconds !== null && o.lag_seconds !== undefined ? ', lag ' + o.lag_seconds + ' s' : '');
}
/** The timeline's words for one event of the enrollment's stream: [kind, when, text]. */
function describe(type, d, view) {
  var t = function (id) { return targetLabel(view, id); };
  switch (type) {
    case 'ReplicationCheckRecorded':
      return ['check', d.checked_at, 'check ' + d.check + ': ' + observed('home', d.home) + '; ' + observed('secondary', d.secondary)
        + ' → ' + d.decision.action + ' (' + d.decision.why + ')'];
    case 'ReplicationSwitchStarted':
      return [d.manual ? 'manual' : 'switch', d.started_at, (d.manual ? 'manual ' : 'automatic ') + d.kind + ' started at epoch ' + d.epoch + ': '
        + t(d.from_runtime_target_id) + ' → ' + t(d.to_runtime_target_id) + ' — ' + d.reason
        + (d.predicted_rpo_seconds !== null && d.predicted_rpo_seconds !== undefined ? ' (predicted loss ' + d.predicted_rpo_seconds + ' s)' : '')];
    case 'ReplicationOldPrimaryDemoted':
      return ['switch', d.at, d.outcome === 'demoted' ? 'old primary ' + t(d.runtime_target_id) + ' demoted at epoch ' + d.epoch + (d.late ? ' (late: it answered again)' : '')
        : 'old primary ' + t(d.runtime_target_id) + ' unreachable at epoch ' + d.epoch + '; its demotion is retried until it answers' + (d.detail ? ' (' + d.detail + ')' : '')];
    case 'ReplicationNewPrimaryPromoted':
      return ['switch', d.at, 'new primary ' + t(d.runtime_target_id) + ' promoted at epoch ' + d.epoch];
    case 'ReplicationRoutingSwitched':
      return ['switch', d.at, 'routing switched at epoch ' + d.epoch + ': ' + t(d.from_runtime_target_id) + ' → ' + t(d.to_runtime_target_id)];
    case 'ReplicationSwitchCompleted':
      return ['switch', d.at, d.kind + ' completed at epoch ' + d.epoch + (d.duration_ms !== undefined ? ' in ' + (d.duration_ms / 1000).toFixed(1) + ' s' : '')];
    case 'ReplicationSwitchAborted':
      return ['switch', d.at, d.kind + ' aborted at epoch ' + d.epoch + ': ' + d.reason + '; the routed primary is restored at epoch ' + d.restore_epoch];
    case 'ReplicationAutomaticFailoverSet':
      return ['manual', d.set_at, 'automatic failover turned ' + (d.automatic_failover ? 'on' : 'off')];
    case 'ReplicationEnrolled':
      return ['manual', d.enrolled_at, 'enrolled: home ' + d.home.id + ' (' + d.home.region + '), secondary ' + d.secondary.id + ' (' + d.secondary.region + ')'];
    case 'ReplicationLeft':
      return ['manual', d.left_at, 'left replication'];
    default:
      return ['other', d.occurred_at, type];
  }
}

function renderState(view) {
  var rows = [['state', view.state], ['current primary', targetLabel(view, view.current_primary.id)], ['epoch', view.epoch],
    ['automatic failover', view.automatic_failover ? 'on' : 'off'],
    ['thresholds', 'failover after ' + view.failover_after_failed_checks + ' failed checks, failback after ' + view.failback_after_healthy_checks + ' healthy checks'],
    ['lag', view.lag_seconds === null || view.lag_seconds === undefined ? '-' : view.lag_seconds + ' s'],
    ['last check', view.saga && view.saga.last_checked_at ? view.saga.last_checked_at : '-']];
  var children = [];
  rows.forEach(function (r) { children.push(node('dt', r[0])); children.push(node('dd', r[1], { 'data-field': r[0] })); });
  el('timeline-state').replaceChildren.apply(el('timeline-state'), children);
}
/** Keeps the summary above the timeline true as events arrive (the stream's first event is the whole state). */
function applyToState(view, type, d) {
  if (!view) return;
  if (type === 'ReplicationSwitchStarted') { view.state = d.kind + '_in_progress'; view.epoch = d.epoch; }
  else if (type === 'ReplicationRoutingSwitched') { view.current_primary = { id: d.to_runtime_target_id }; view.epoch = d.epoch; }
  else if (type === 'ReplicationSwitchCompleted') view.state = view.current_primary.id === view.home_primary.id ? 'healthy' : 'failed_over';
  else if (type === 'ReplicationSwitchAborted') { view.state = view.current_primary.id === view.home_primary.id ? 'healthy' : 'failed_over'; view.epoch = d.restore_epoch; }
  else if (type === 'ReplicationAutomaticFailoverSet') view.automatic_failover = d.automatic_failover;
  else if (type === 'ReplicationCheckRecorded') {
    if (view.saga) view.saga.last_checked_at = d.checked_at;
    var standby = view.current_primary.id === view.home_primary.id ? d.secondary : d.home;
    view.lag_seconds = standby.lag_seconds;
  }
  renderState(view);
}
function addEntry(type, id, data, view, history) {
  var words = describe(type, data, view);
  var when = words[1] || data.occurred_at || '';
  var li = node('li', null, { class: 'entry kind-' + words[0] + (history ? ' history' : ''), 'data-type': type, 'data-kind': words[0] });
  if (id !== null && id !== undefined) li.setAttribute('data-id', id);
  li.appendChild(node('time', when ? String(when).replace('T', ' ').replace(/\\.\\d+Z$/, 'Z') : '', when ? { datetime: String(when) } : undefined));
  li.appendChild(node('span', words[0], { class: 'kind' }));
  li.appendChild(node('span', words[2], { class: 'text' }));
  var list = el('timeline');
  list.insertBefore(li, list.firstChild);
  while (list.children.length > MAX_ENTRIES) list.removeChild(list.lastChild);
}
/** What the state already holds of the past (recent checks and switches), oldest first, before the live events. */
function addHistory(view) {
  var past = [];
  (view.recent_decisions || []).forEach(function (c) {
    past.push({ at: c.checked_at, type: 'ReplicationCheckRecorded', data: { check: c.check, checked_at: c.checked_at, home: { ready: c.home_ready }, secondary: { ready: c.secondary_ready }, decision: c } });
  });
  (view.recent_switches || []).forEach(function (s) { past.push({ at: s.started_at || s.at, type: s.type, data: s }); });
  past.sort(function (a, b) { return String(a.at).localeCompare(String(b.at)); });
  past.forEach(function (p) { addEntry(p.type, null, p.data, view, true); });
}

function setStatus(text, className) {
  var status = el('timeline-status');
  status.textContent = text;
  status.className = className || 'muted';
}
function stopWatching() {
  if (watching) watching.controller.abort();
  watching = null;
}
el('timeline-stop').onclick = function () { stopWatching(); setStatus('stopped'); };
/** Follows the namespace's replication events until another one is picked or Stop; reconnects with Last-Event-ID. */
function watch(namespace, key) {
  stopWatching();
  var controller = new AbortController();
  var me = { controller: controller, namespace: namespace };
  watching = me;
  el('timeline-view').hidden = false;
  el('timeline-namespace').textContent = namespace;
  el('timeline').replaceChildren();
  el('timeline-state').replaceChildren();
  var lastId = null;
  var view = null;
  var pause = function (ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); };
  (async function () {
    var retryMs = 1000;
    while (!controller.signal.aborted) {
      try {
        setStatus(lastId === null ? 'connecting…' : 'reconnecting…');
        var headers = { authorization: 'Bearer ' + key, accept: 'text/event-stream' };
        if (lastId !== null) headers['last-event-id'] = lastId;
        var response = await fetch('/api/v1/namespaces/' + encodeURIComponent(namespace) + '/replication/events', { headers: headers, signal: controller.signal, cache: 'no-store' });
        if (!response.ok) {
          var problem = await response.json().catch(function () { return {}; });
          var message = response.status + ' ' + (problem.title || '') + ': ' + (problem.detail || '');
          // A refusal does not change by asking again; anything else (a restart, a proxy) is retried.
          if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) { setStatus(message, 'error'); return; }
          throw new Error(message);
        }
        setStatus('live', 'live');
        retryMs = 1000;
        await readEvents(response.body, function (event) {
          if (watching !== me) return;
          if (event.id !== null) lastId = event.id;
          var data = JSON.parse(event.data);
          if (event.event === 'state') {
            var first = view === null;
            view = data;
            renderState(view);
            if (first) addHistory(view);
            return;
          }
          applyToState(view, event.event, data);
          addEntry(event.event, event.id, data, view, false);
        });
        if (!controller.signal.aborted) setStatus('stream ended; reconnecting…');
      } catch (error) {
        if (controller.signal.aborted) return;
        setStatus('disconnected (' + error.message + '); reconnecting…', 'error');
      }
      await pause(retryMs);
      retryMs = Math.min(retryMs * 2, 15000);
    }
  })();
}
`;

export const CONSOLE_STYLE = `  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; max-width: 70rem; color: #222; }
  h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
  input { width: 32rem; font: inherit; padding: .25rem; } button { font: inherit; padding: .25rem .75rem; }
  table { border-collapse: collapse; margin-top: .5rem; } td, th { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; }
  .muted { color: #666; } .error { color: #b00020; } .live { color: #0a7d32; }
  dl { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; } dt { color: #666; } dd { margin: 0; }
  #timeline { list-style: none; padding: 0; border-left: 3px solid #ccc; }
  #timeline li { padding: .15rem .5rem; } #timeline time { color: #666; margin-right: .5rem; font-variant-numeric: tabular-nums; }
  #timeline .kind { display: inline-block; min-width: 4.5rem; font-size: .8rem; text-transform: uppercase; color: #666; }
  #timeline .kind-check .text { color: #444; } #timeline .kind-switch { font-weight: 600; background: #fff6e0; }
  #timeline .kind-manual { background: #e8f0fe; } #timeline .history { opacity: .75; }
`;
