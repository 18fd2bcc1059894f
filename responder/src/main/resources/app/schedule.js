// The schedule screen: each schedule of my teams as a 14-day timeline in this phone's time zone, with hand-offs and
// overrides marked, "cover this shift" / "hand my shift to…", and my calendar feed. Uses app.js's api, el, say and
// state; app.js's router calls openSchedule. Every name and id becomes a text node, never HTML.
'use strict';

const SCHEDULE_DAYS = 14;
const HOUR = 3600 * 1000;

async function openSchedule() {
  show('schedule-view');
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  $('schedule-zone').textContent = 'Times in ' + zone + '. Striped: an override. A line: a hand-off.';
  const schedules = await api('GET', '/api/schedules?days=' + SCHEDULE_DAYS);
  $('schedules').replaceChildren(...(schedules.length ? schedules.map(renderSchedule)
    : [el('p', { class: 'muted' }, 'Your teams have no schedules.')]));
  renderFeed(await api('GET', '/api/me/calendar').catch(() => null));
}

// A stable colour per person, so one person's shifts look alike across days and schedules.
function personColour(user) {
  let h = 0;
  for (const c of user) h = (h * 31 + c.charCodeAt(0)) % 360;
  return 'hsl(' + h + ' 55% 78%)';
}

function initials(name) {
  return name.split(/\s+/).filter(Boolean).map((w) => w[0]).join('').slice(0, 2).toUpperCase();
}

function localDay(offset) {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + offset);
  return d;
}

function renderSchedule(s) {
  const days = [];
  // Every local day the 14 days from now touch: today's rest, 13 whole days, and the start of the 15th.
  const until = Date.now() + SCHEDULE_DAYS * 24 * HOUR;
  for (let i = 0; localDay(i).getTime() < until; i++) {
    const from = localDay(i), to = localDay(i + 1);
    // A day's real length: 23 or 25 hours on a daylight-saving change.
    const length = to - from;
    const bar = el('div', { class: 'day-bar', role: 'img' });
    const names = [];
    for (const shift of s.shifts) {
      const start = Math.max(Date.parse(shift.start), from.getTime());
      const end = Math.min(Date.parse(shift.end), to.getTime());
      if (end <= start) continue;
      const part = el('span', { class: 'shift' + (shift.override ? ' override' : '')
        + (Date.parse(shift.start) >= from.getTime() ? ' handoff' : ''), title: shift.name },
      end - start >= 3 * HOUR ? initials(shift.name) : '');
      part.style.left = (100 * (start - from) / length) + '%';
      part.style.width = (100 * (end - start) / length) + '%';
      part.style.background = personColour(shift.user);
      bar.append(part);
      names.push(shift.name + (shift.override ? ' (override)' : '') + ' from '
        + new Date(start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    }
    bar.setAttribute('aria-label', names.join(', ') || 'nobody on call');
    days.push(el('li', { class: 'day' }, el('span', { class: 'day-label' },
      from.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })), bar));
  }
  return el('section', { class: 'schedule', 'data-schedule': s.id },
    el('h2', {}, s.name, el('span', { class: 'muted' }, ' · ', s.team)),
    el('ol', { class: 'days' }, ...days),
    el('h3', {}, 'Shifts'),
    el('ul', { class: 'plain shifts' }, ...s.shifts.map((shift) => renderShift(s, shift))));
}

function renderShift(s, shift) {
  const me = state.me.user;
  const range = new Date(shift.start).toLocaleString([], { weekday: 'short', day: 'numeric', month: 'short',
    hour: '2-digit', minute: '2-digit' }) + ' – ' + new Date(shift.end).toLocaleString([], { weekday: 'short',
    day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const li = el('li', {}, el('strong', {}, shift.name), shift.override ? el('span', { class: 'badge' }, 'override') : '',
    el('span', { class: 'meta block' }, range));
  // An override may not begin in the past only in part: from now is what can still change.
  const start = new Date(Math.max(Date.parse(shift.start), Date.now())).toISOString();
  if (shift.user === me) {
    const others = s.members.filter((m) => m !== me);
    if (others.length) {
      const select = el('select', { 'aria-label': 'Hand to' }, ...others.map((m) => el('option', { value: m }, m)));
      const hand = el('button', { type: 'button', class: 'big' }, 'Hand my shift to…');
      hand.addEventListener('click', () => override('/api/overrides/handoff',
        { schedule: s.id, start, end: shift.end, to: select.value }));
      li.append(select, hand);
    }
  } else if (s.members.includes(me)) {
    const cover = el('button', { type: 'button', class: 'big' }, 'Cover this shift');
    cover.addEventListener('click', () => override('/api/overrides/cover', { schedule: s.id, start, end: shift.end }));
    li.append(cover);
  }
  return li;
}

async function override(path, body) {
  try {
    const made = await api('POST', path, body);
    say('Done: ' + made.user + ' is on call until ' + new Date(made.end).toLocaleString() + '.');
    await openSchedule();
  } catch (e) { say('Not changed: ' + e.message); }
}

function renderFeed(feed) {
  const box = $('calendar-feed');
  if (!feed) {
    const make = el('button', { type: 'button', class: 'big' }, 'Subscribe to my shifts in my calendar');
    make.addEventListener('click', async () => {
      try { renderFeed(await api('POST', '/api/me/calendar')); } catch (e) { say(e.message); }
    });
    box.replaceChildren(make);
    return;
  }
  const revoke = el('button', { type: 'button', class: 'big danger' }, 'Stop this calendar link');
  revoke.addEventListener('click', async () => {
    try { await api('DELETE', '/api/me/calendar'); renderFeed(null); say('The calendar link no longer works.'); }
    catch (e) { say(e.message); }
  });
  box.replaceChildren(el('a', { class: 'button big', href: feed.webcal }, 'Open in my calendar app'),
    el('p', { class: 'meta' }, 'Or paste this link into Outlook or Google Calendar ("from URL"). Anyone with it sees'
      + ' your shifts, so stop it if it leaks.'),
    el('input', { readonly: '', value: feed.url, 'aria-label': 'Calendar link' }), revoke);
}
