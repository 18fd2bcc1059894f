// Service worker: keeps the app shell available offline (the list then says it cannot reach the pager), and shows
// pushed pages with Acknowledge / Open buttons when the notify service's Web Push channel sends one.
'use strict';
const SHELL = 'pager-shell-v5';
const FILES = ['/', '/index.html', '/app.js', '/reports.js', '/schedule.js', '/app.css', '/icon.svg', '/manifest.webmanifest'];

self.addEventListener('install', (event) => event.waitUntil(caches.open(SHELL).then((c) => c.addAll(FILES))));
self.addEventListener('activate', (event) => event.waitUntil(caches.keys().then((keys) =>
  Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.pathname.startsWith('/api/')) return; // the API is always live
  event.respondWith(fetch(event.request).catch(() => caches.match(event.request)));
});

self.addEventListener('push', (event) => {
  const page = event.data ? event.data.json() : { title: 'Sentinel Pager', body: 'New alert' };
  event.waitUntil(self.registration.showNotification(page.title, {
    body: page.body, tag: page.alertKey, requireInteraction: true, data: page,
    actions: [{ action: 'ack', title: 'Acknowledge' }, { action: 'open', title: 'Open' }]
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const page = event.notification.data || {};
  const open = () => clients.openWindow('/#/alert/' + encodeURIComponent(page.alertKey || ''));
  if (event.action !== 'ack' || !page.ackUrl) { event.waitUntil(open()); return; }
  // The signed link acts on POST (a GET only shows it, so link scanners act on nothing); acknowledge without
  // opening the app, and open the alert if the link was refused (expired, used) or the pager is unreachable.
  event.waitUntil(fetch(page.ackUrl, { method: 'POST', credentials: 'omit' })
    .then((r) => r.ok ? self.registration.showNotification('Acknowledged', { body: page.title, tag: page.alertKey })
      : open())
    .catch(open));
});
