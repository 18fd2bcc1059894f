// The responder app: plain JavaScript, no build step, so what runs on the phone is what is in the repository.
'use strict';

const state = { me: null, csrf: null, scope: 'team', alerts: new Map(), arriving: null, openKey: null, events: null,
  pushKey: null, detailAsked: 0 };
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const response = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && path !== '/api/login') { showLogin(); throw new Error('Please log in.'); }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message = (data && (data.error || data.title)) || ('HTTP ' + response.status);
    throw new Error(message);
  }
  return data;
}

function say(message) { $('status').textContent = message; }

function show(view) {
  for (const id of ['login-view', 'list-view', 'detail-view', 'oncall-view', 'reports-view', 'schedule-view']) $(id).hidden = id !== view;
  $('nav').hidden = view === 'login-view';
}

function showLogin() {
  state.me = null; state.csrf = null;
  $('logout-choice').hidden = true;
  if (state.events) { state.events.close(); state.events = null; }
  show('login-view');
  $('login-user').focus();
  fetch('/api/login/options').then((r) => r.json()).then((o) => { $('oidc').hidden = !o.oidc; }).catch(() => {});
}

function age(iso) {
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
  if (minutes < 60) return minutes + ' min ago';
  if (minutes < 48 * 60) return Math.round(minutes / 60) + ' h ago';
  return Math.round(minutes / 1440) + ' days ago';
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2, informational: 3, unknown: 4 };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v; else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child === null || child === undefined ? '' : child);
  return node;
}

function mine(alert) {
  const u = state.me && state.me.user;
  return alert.owner === u || (alert.recipients || []).includes(u) || (alert.acknowledgedBy || []).includes(u);
}

// When something happened: the time today, the date too on another day (a retry can wait past midnight).
function when(iso) {
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString() : at.toLocaleString();
}

// What Azure has from our write-back, in a responder's words. Whatever the text, it becomes text nodes, never HTML:
// reasons quote Azure's answers and alert keys come from Azure.
const AZURE_CARD = { pending: 'Azure not updated yet, retrying', rejected: 'Azure refused the update',
  expired: 'Azure update given up' };

function azureHeadline(azure, pageKey) {
  // A grouped page shows the alert of its incident most in need of a person; name it when it is not the page's own.
  const which = azure.alert && azure.alert !== pageKey ? ' (alert ' + azure.alert + ')' : '';
  switch (azure.state) {
    case 'applied': return 'up to date' + which + ', ' + when(azure.at);
    case 'pending': return 'not updated yet' + which + (azure.nextTry ? ', next try ' + when(azure.nextTry) : '');
    case 'rejected': return 'refused our update' + which;
    case 'expired': return 'not updated, gave up' + which;
    default: return azure.state + which;
  }
}

// The reason under its headline: long (it names the call, the answer and the permission), so on a line of its own.
function reason(text) {
  return text ? [el('span', { class: 'reason' }, text)] : [];
}

function renderAzure(d) {
  const line = $('detail-azure');
  line.hidden = !d.azure;
  if (!d.azure) { line.replaceChildren(); return; }
  line.className = 'azure ' + d.azure.state;
  line.replaceChildren(el('strong', {}, 'Azure:'), ' ', azureHeadline(d.azure, d.key), ...reason(d.azure.reason));
}

// Graph's and Sentinel's words for an incident's status (Sentinel capitalises them: Active), as a responder says them.
const INCIDENT_STATUS = { active: 'active', inProgress: 'in progress', resolved: 'resolved', redirected: 'redirected',
  new: 'new', closed: 'closed' };
const incidentStatus = (s) => INCIDENT_STATUS[s.charAt(0).toLowerCase() + s.slice(1)] || s;

// The incident of the alert, beside the alert's own status: only when the responder reports one.
function renderIncident(d) {
  const line = $('detail-incident');
  const i = d.incident;
  line.hidden = !i;
  if (!i) { line.replaceChildren(); return; }
  const counts = i.alerts || {};
  const parts = [incidentStatus(String(i.status))];
  if (i.assignedTo) parts.push('assigned to ' + i.assignedTo);
  let text = 'Incident ' + i.id + ': ' + parts.join(', ');
  if (counts.total) {
    text += ' — ' + (counts.resolved || 0) + ' of ' + counts.total + (counts.total === 1 ? ' alert' : ' alerts')
      + ' resolved' + (counts.inProgress ? ', ' + counts.inProgress + ' in progress' : '');
  }
  // The incident follows its alerts in Azure; a person need only hear of it when that write waits or was refused.
  const rollup = i.rollup || {};
  const problem = rollup.state === 'pending' ? 'Azure has not updated the incident yet'
    + (rollup.nextTry ? ', next try ' + when(rollup.nextTry) : '')
    : rollup.state === 'rejected' ? 'Azure refused to update the incident' : null;
  line.replaceChildren(text,
    ...(problem ? [el('span', { class: 'azure ' + rollup.state }, problem, ...reason(rollup.reason))] : []));
}

function renderList() {
  const list = $('alerts');
  const open = [...state.alerts.values()]
    .filter((a) => a.status !== 'closed' && (state.scope === 'team' || mine(a)))
    .sort((a, b) => (SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]) || a.createdAt.localeCompare(b.createdAt));
  // Cards are kept per alert and updated in place: live updates arrive while a finger is on the list, and a card
  // rebuilt under a tap would swallow it (or open whatever slid into its place).
  const cards = new Map([...list.children].map((li) => [li.dataset.key, li]));
  const wanted = open.map((a) => {
    const li = cards.get(a.key) || el('li', { 'data-key': a.key }, el('a', { href: '#/alert/' + encodeURIComponent(a.key) }));
    // Only when Azure does not have the response: at a glance, Defender does not know yet.
    const notInAzure = a.azure && AZURE_CARD[a.azure.state];
    li.className = a.severity;
    li.firstChild.replaceChildren(
      el('span', { class: 'sev ' + a.severity }, a.severity), ' · ', a.status, a.owner ? ' · ' + a.owner : '',
      el('span', { class: 'title' }, a.title),
      el('span', { class: 'meta' }, age(a.createdAt), a.summary ? ' · ' + a.summary : ''),
      ...(notInAzure ? [el('span', { class: 'azure ' + a.azure.state }, notInAzure)] : []));
    return li;
  });
  for (const li of [...list.children]) if (!wanted.includes(li)) li.remove();
  wanted.forEach((li, i) => { if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null); });
  $('no-alerts').hidden = open.length > 0;
  $('scope-mine').setAttribute('aria-pressed', String(state.scope === 'mine'));
  $('scope-team').setAttribute('aria-pressed', String(state.scope === 'team'));
}

async function loadList() {
  // Live updates that arrive while the list loads are applied on top of it where they are newer: the list is a
  // snapshot that can be older than an update the app has already shown.
  const during = [];
  state.arriving = during;
  try {
    const alerts = await api('GET', '/api/alerts?scope=team');
    state.alerts = new Map(alerts.map((a) => [a.key, a]));
    for (const a of during) {
      const listed = state.alerts.get(a.key);
      if (!listed || Date.parse(a.updatedAt) >= Date.parse(listed.updatedAt)) state.alerts.set(a.key, a);
    }
  } finally {
    if (state.arriving === during) state.arriving = null;
  }
  renderList();
}

function renderEnrichment(detail) {
  const box = $('enrichment');
  const parts = [];
  const facts = detail.facts || {};
  if (Object.keys(facts).length) {
    const dl = el('dl', { class: 'facts' });
    for (const [k, v] of Object.entries(facts)) dl.append(el('dt', {}, k), el('dd', {}, Array.isArray(v) ? v.join(', ') : String(v)));
    parts.push(dl);
  }
  for (const table of detail.tables || []) {
    const head = el('tr', {}, ...table.columns.map((c) => el('th', { scope: 'col', title: c.type }, c.name)));
    const rows = table.rows.map((r) => el('tr', {}, ...r.map((v) => el('td', {}, v))));
    parts.push(el('p', { class: 'meta' }, (table.name || 'Query result') + ': ' + table.rows.length + ' of ' + table.totalCount + ' rows'));
    parts.push(el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows))));
  }
  if (detail.enrichmentLink) {
    parts.push(el('p', {}, el('a', { href: detail.enrichmentLink, rel: 'noopener noreferrer', target: '_blank' },
      'Open the query in Azure Logs')));
  }
  const members = Object.entries(detail.alerts || {});
  if (members.length > 1) {
    parts.push(el('p', { class: 'meta' }, 'Alerts of this incident: ' + members.map(([k, v]) => k + ' ' + v).join(', ')
      + (detail.alertsNotListed ? ', and ' + detail.alertsNotListed + ' more' : '')));
  }
  if (!parts.length) parts.push(el('p', { class: 'muted' }, detail.summary || 'No enrichment (' + detail.enrichment + ').'));
  box.replaceChildren(...parts);
}

// A closed page whose alerts Azure still has open (a maintenance window suppressed it, or an analyst set an alert
// active again): Close resolves them there, as escalate does for a close of such a page. One the pager raised itself
// has nothing in Azure.
function openInAzure(d) {
  return d.source !== 'pager' && Object.values(d.alerts || {}).some((s) => s !== 'resolved');
}

async function openDetail(key) {
  state.openKey = key;
  show('detail-view');
  // Live updates come in bursts (an acknowledgement, then Azure taking it): an answer that arrives after a later
  // one must not put the older alert back on the screen.
  const asked = ++state.detailAsked;
  const d = await api('GET', '/api/alerts/' + encodeURIComponent(key));
  if (asked !== state.detailAsked) return;
  $('detail-title').textContent = d.title;
  $('detail-meta').replaceChildren(el('span', { class: 'sev ' + d.severity }, d.severity), ' · ', d.status,
    // Held: nobody could be paged; say what it waits for, which pager apply brings.
    (d.waitingFor || []).length ? ' (waiting for ' + d.waitingFor.join(', ') + ')' : '',
    d.owner ? ' · owner ' + d.owner : '', ' · team ' + d.team, ' · ' + age(d.createdAt));
  renderIncident(d);
  renderAzure(d);
  $('detail-description').textContent = d.description || '';
  // A held page is open like a triggered one: acknowledging it stops it being paged when its team arrives.
  $('act-ack').disabled = d.status !== 'triggered' && d.status !== 'held';
  $('act-close').disabled = d.status === 'closed' && !openInAzure(d);
  $('act-reopen').disabled = d.status !== 'closed';
  $('act-own').disabled = d.status === 'closed' || d.owner === state.me.user;
  renderEnrichment(d);
  $('timeline').replaceChildren(...d.timeline.map((e) => el('li', {},
    el('time', { datetime: e.at }, new Date(e.at).toLocaleTimeString()), ' ', e.type,
    e.actor ? ' · ' + e.actor : '', e.channel ? ' (' + e.channel + ')' : '', e.detail ? ': ' + e.detail : '')));
}

async function act(action, body) {
  try {
    await api('POST', '/api/alerts/' + encodeURIComponent(state.openKey) + '/' + action, body || {});
    say('Sent. Waiting for the pager to confirm…');
  } catch (e) { say('Could not ' + action + ': ' + e.message); }
}

async function openOnCall() {
  show('oncall-view');
  const [teams, shifts] = await Promise.all([api('GET', '/api/oncall'), api('GET', '/api/me/shifts?days=14')]);
  $('oncall').replaceChildren(...teams.flatMap((t) => t.onCall.map((o) =>
    el('li', {}, el('strong', {}, t.teamName), ' · ', o.schedule, ': ', o.name || 'nobody'))));
  $('shifts').replaceChildren(...(shifts.length ? shifts.map((s) => el('li', {}, s.schedule, ': ',
    new Date(s.start).toLocaleString(), ' – ', new Date(s.end).toLocaleString()))
    : [el('li', {}, 'No shifts in the next 14 days.')]));
}

function listen() {
  if (state.events) return;
  state.events = new EventSource('/api/events');
  state.events.addEventListener('alert', (event) => {
    const alert = JSON.parse(event.data);
    if (state.arriving) state.arriving.push(alert);
    const isNew = !state.alerts.has(alert.key);
    state.alerts.set(alert.key, alert);
    renderList();
    if (isNew && alert.status === 'triggered') say('New alert: ' + alert.title);
    if (isNew && alert.status === 'held') say('New alert, held: nobody to page for team ' + alert.team);
    if (state.openKey === alert.key && !$('detail-view').hidden) { openDetail(alert.key); say('Updated: ' + alert.status); }
  });
  state.events.onerror = () => say('Live updates interrupted; reconnecting…');
  state.events.onopen = () => say('');
}

async function route() {
  if (!state.me) return;
  const hash = location.hash || '#/';
  try {
    if (hash.startsWith('#/alert/')) await openDetail(decodeURIComponent(hash.slice(8)));
    else if (hash === '#/oncall') await openOnCall();
    else if (hash === '#/reports') await openReports(); // reports.js
    else if (hash === '#/schedule') await openSchedule(); // schedule.js
    else { state.openKey = null; show('list-view'); await loadList(); }
  } catch (e) { say(e.message); }
}

// Push opt-in: offered only where the browser can push and the server has a VAPID key to subscribe with.
async function offerPush() {
  $('push-optin').hidden = true;
  if (!('serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window)) return;
  try {
    state.pushKey = (await api('GET', '/api/push/key')).publicKey;
  } catch (e) { return; /* push is off on this server */ }
  try {
    const registration = await navigator.serviceWorker.ready;
    const existing = await registration.pushManager.getSubscription();
    if (existing && Notification.permission === 'granted') {
      const key = existing.options.applicationServerKey;
      if (key && sameBytes(new Uint8Array(key), base64urlToBytes(state.pushKey))) {
        // Sent again on every start: the server keeps it sealed under a key derived from links.key, so after that
        // key changes (or the push service renewed the subscription) this phone still gets pages without a tap.
        await api('POST', '/api/push/subscriptions', existing.toJSON());
        return;
      }
      // The server's VAPID key changed: pushes signed with the new key would be refused on the old subscription.
      await existing.unsubscribe();
      await subscribe(registration);
      return;
    }
  } catch (e) { say('Could not renew pages on this phone: ' + e.message); }
  $('push-optin').hidden = false;
}

function sameBytes(a, b) { return a.length === b.length && a.every((v, i) => v === b[i]); }

async function subscribe(registration) {
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true, applicationServerKey: base64urlToBytes(state.pushKey) });
  await api('POST', '/api/push/subscriptions', subscription.toJSON());
}

function base64urlToBytes(text) {
  const base64 = (text + '='.repeat((4 - text.length % 4) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

async function enablePush() {
  try {
    if (await Notification.requestPermission() !== 'granted') { say('Notifications are blocked for this app.'); return; }
    await subscribe(await navigator.serviceWorker.ready);
    $('push-optin').hidden = true;
    say('This phone now gets your pages.');
  } catch (e) { say('Could not turn on pages on this phone: ' + e.message); }
}

// Logging out leaves this browser's push subscription, so pages keep coming to this phone: what an on-call person
// wants from their own phone, not from a shared or handed-back one. So whoever has one chooses.
async function logout() {
  let subscription = null;
  try { subscription = await pushSubscription(); } catch (e) { /* cannot tell: log out, as asked */ }
  if (subscription) {
    $('logout-choice').hidden = false;
    $('logout-stop-push').focus();
    return;
  }
  await endSession();
}

async function pushSubscription() {
  if (!('serviceWorker' in navigator && 'PushManager' in window)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  return registration ? registration.pushManager.getSubscription() : null;
}

async function stopPushAndLogOut() {
  try {
    const subscription = await pushSubscription();
    if (subscription) {
      // The server first: a subscription the browser dropped but the server kept would count against the person's
      // maximum until a push to it came back gone.
      await api('DELETE', '/api/push/subscriptions', { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
  } catch (e) {
    // Still logged in, with the choice still open: pages the person asked to stop must not go on unnoticed.
    say('Could not stop pages on this phone: ' + e.message);
    return;
  }
  await endSession();
}

async function endSession() {
  try { await api('POST', '/api/logout'); } finally { showLogin(); }
}

async function start(me) {
  state.me = me; state.csrf = me.csrf;
  offerPush(); // not awaited: the service worker may still be installing, and the alerts must not wait for it
  listen();
  await route();
}

document.addEventListener('DOMContentLoaded', async () => {
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      const me = await api('POST', '/api/login', { user: $('login-user').value.trim(), password: $('login-password').value });
      $('login-password').value = '';
      await start(me);
    } catch (e) { $('login-error').textContent = e.message; }
  });
  $('logout').addEventListener('click', logout);
  $('logout-stop-push').addEventListener('click', stopPushAndLogOut);
  $('logout-keep-push').addEventListener('click', endSession);
  $('logout-cancel').addEventListener('click', () => { $('logout-choice').hidden = true; });
  $('scope-mine').addEventListener('click', () => { state.scope = 'mine'; renderList(); });
  $('scope-team').addEventListener('click', () => { state.scope = 'team'; renderList(); });
  $('act-ack').addEventListener('click', () => act('ack'));
  $('act-own').addEventListener('click', () => act('own'));
  $('act-close').addEventListener('click', () => act('close', { classification: $('close-classification').value }));
  $('act-reopen').addEventListener('click', () => act('reopen'));
  $('comment-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const comment = $('comment-text').value.trim();
    if (!comment) return;
    await act('comment', { comment });
    $('comment-text').value = '';
  });
  $('push-enable').addEventListener('click', enablePush);
  window.addEventListener('hashchange', route);
  try { await start(await api('GET', '/api/me')); } catch (e) { showLogin(); }
});
