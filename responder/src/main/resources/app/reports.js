// The Reports screen: the response reports of my teams, charted by the app itself (SVG, no library) and each table
// with its CSV download. Uses api(), el() and show() of app.js.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function minutes(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  return seconds < 60 ? Math.round(seconds) + ' s' : (seconds / 60).toFixed(seconds < 600 ? 1 : 0) + ' min';
}

function percent(share) {
  return share === null || share === undefined ? '–' : Math.round(share * 100) + ' %';
}

// Horizontal bars, one group per row: p50 time to acknowledge and to resolve, on one scale. Bars rather than lines,
// as a week has few points and a phone is narrow; the numbers are written beside the bars for screen readers too.
function barChart(rows, label) {
  const measures = [['mttaP50Seconds', 'MTTA p50', 'bar-tta'], ['mttrP50Seconds', 'MTTR p50', 'bar-ttr']];
  const max = Math.max(1, ...rows.flatMap((r) => measures.map(([m]) => r[m] || 0)));
  const width = 320, labelWidth = 96, bar = 14, gap = 6, group = measures.length * (bar + 2) + gap;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${Math.max(group * rows.length, group)}`, role: 'img',
    'aria-label': 'Median time to acknowledge and to resolve per ' + label, class: 'chart' });
  rows.forEach((r, i) => {
    const y = i * group;
    chart.append(svg('text', { x: 0, y: y + bar, class: 'chart-label' }, r.start + ' ' + r.value));
    measures.forEach(([m, name, cls], j) => {
      const w = Math.max(1, ((r[m] || 0) / max) * (width - labelWidth - 60));
      const by = y + j * (bar + 2);
      chart.append(svg('rect', { x: labelWidth, y: by, width: w, height: bar, class: cls },
        svg('title', {}, name + ': ' + minutes(r[m]))));
      chart.append(svg('text', { x: labelWidth + w + 4, y: by + bar - 3, class: 'chart-value' }, minutes(r[m])));
    });
  });
  return chart;
}

function table(columns, rows) {
  return el('div', { class: 'table-wrap' }, el('table', {},
    el('thead', {}, el('tr', {}, ...columns.map(([, title]) => el('th', { scope: 'col' }, title)))),
    el('tbody', {}, ...(rows.length ? rows.map((r) => el('tr', {}, ...columns.map(([key, , format]) =>
      el('td', {}, format ? format(r[key]) : String(r[key] ?? '–')))))
      : [el('tr', {}, el('td', { colspan: columns.length }, 'Nothing in these weeks.'))]))));
}

function csvLink(path) {
  return el('a', { href: path, class: 'csv', download: '' }, 'Download CSV');
}

async function openReports() {
  show('reports-view');
  const query = 'period=week';
  const [teams, people, noise] = await Promise.all([
    api('GET', '/api/reports/response?dimension=team&' + query),
    api('GET', '/api/reports/response?dimension=person&' + query),
    api('GET', '/api/reports/rule-noise?' + query)]);
  $('reports-chart').replaceChildren(teams.length ? barChart(teams, 'team and week')
    : el('p', { class: 'muted' }, 'No pages of your teams in the last four weeks.'));
  $('reports-team').replaceChildren(table([['start', 'Week'], ['value', 'Team'], ['pages', 'Pages'],
    ['mttaP50Seconds', 'MTTA p50', minutes], ['mttaP90Seconds', 'MTTA p90', minutes],
    ['mttrP50Seconds', 'MTTR p50', minutes], ['mttrP90Seconds', 'MTTR p90', minutes],
    ['escalationRate', 'Escalated', percent]], teams),
  csvLink('/api/reports/response.csv?dimension=team&' + query));
  $('reports-person').replaceChildren(table([['start', 'Week'], ['value', 'Person'], ['pages', 'Pages'],
    ['nightPages', 'At night'], ['mttaP50Seconds', 'MTTA p50', minutes]], people),
  csvLink('/api/reports/response.csv?dimension=person&' + query));
  $('reports-noise').replaceChildren(table([['start', 'Week'], ['label', 'Detection'], ['pages', 'Pages'],
    ['noise', 'FP/benign'], ['noiseShare', 'Share', percent], ['medianSecondsToClose', 'Median close', minutes]],
  noise), csvLink('/api/reports/rule-noise.csv?' + query));
}
