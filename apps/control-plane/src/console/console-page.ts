/** The operator console: one static page that calls this API with the token typed into it. */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Durable Workflow Cloud — operator console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; max-width: 70rem; color: #222; }
  h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
  input { width: 32rem; font: inherit; padding: .25rem; } button { font: inherit; padding: .25rem .75rem; }
  table { border-collapse: collapse; margin-top: .5rem; } td, th { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; }
  .muted { color: #666; } .error { color: #b00020; }
</style>
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

<script>
var el = function (id) { return document.getElementById(id); };
var esc = function (v) { return String(v == null ? '' : v).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); };
async function api(path, token) {
  var response = await fetch(path, { headers: { authorization: 'Bearer ' + token } });
  var body = await response.json();
  if (!response.ok) throw new Error(response.status + ' ' + (body.title || '') + ': ' + (body.detail || ''));
  return body;
}
function table(rows, columns) {
  if (rows.length === 0) return '<p class="muted">none</p>';
  var head = '<tr>' + columns.map(function (c) { return '<th>' + esc(c[0]) + '</th>'; }).join('') + '</tr>';
  var body = rows.map(function (row) { return '<tr>' + columns.map(function (c) { return '<td>' + esc(c[1](row)) + '</td>'; }).join('') + '</tr>'; }).join('');
  return '<table>' + head + body + '</table>';
}
async function show(target, work) {
  try { el(target).innerHTML = await work(); } catch (error) { el(target).innerHTML = '<p class="error">' + esc(error.message) + '</p>'; }
}
el('load-orgs').onclick = function () { show('orgs', async function () {
  var result = await api('/api/v1/operator/organizations?limit=200', el('operator').value);
  return table(result.organizations, [['id', function (o) { return o.id; }], ['name', function (o) { return o.name; }],
    ['created', function (o) { return o.created_at; }],
    ['billing restricted', function (o) { return o.billing_restriction.restricted ? 'yes: ' + o.billing_restriction.reason : 'no'; }]]);
}); };
el('load-org').onclick = function () { show('org', async function () {
  var key = el('key').value;
  var namespaces = (await api('/api/v1/namespaces?limit=200', key)).namespaces;
  var targets = (await api('/api/v1/runtime-targets?limit=200', key).catch(function () { return { runtime_targets: [] }; })).runtime_targets;
  return '<h3>Namespaces</h3>' + table(namespaces, [['name', function (n) { return n.name; }], ['project', function (n) { return n.project; }],
    ['environment', function (n) { return n.environment; }], ['state', function (n) { return n.state; }],
    ['active runtime target', function (n) { return n.active_runtime_target ? n.active_runtime_target.id + ' (' + n.active_runtime_target.region + ')' : '-'; }]])
    + '<h3>Runtime targets</h3>' + table(targets, [['id', function (t) { return t.id; }], ['name', function (t) { return t.name; }],
    ['region', function (t) { return t.region; }], ['provider', function (t) { return t.provider; }],
    ['health', function (t) { return t.health.status; }], ['checked', function (t) { return t.health.checked_at || '-'; }]]);
}); };
</script>
</body>
</html>
`;
