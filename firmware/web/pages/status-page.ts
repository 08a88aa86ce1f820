import type { CallWithQuality, PhoneStatus } from '../status-view.js';
import { html, raw } from './html.js';
import { page } from './layout.js';

function duration(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d ? `${d} d ` : ''}${h} h ${m} min`;
}

/** The quality columns, in the order the table and the live script fill them. */
const QUALITY_COLUMNS: Array<[key: string, label: string]> = [
  ['codec', 'Codec'],
  ['packets', 'Packets in / out'],
  ['loss', 'Loss'],
  ['jitter', 'Jitter'],
  ['rtt', 'RTT'],
  ['delay', 'Playout delay'],
  ['concealed', 'Concealed'],
  ['mos', 'MOS'],
];

/** The figures as text; QUALITY_SCRIPT formats the live updates the same way. */
export function qualityCells(q: CallWithQuality['quality']): Record<string, string> {
  if (!q) return Object.fromEntries(QUALITY_COLUMNS.map(([k]) => [k, '—']));
  return {
    codec: q.codec,
    packets: `${q.packetsReceived} / ${q.packetsSent}`,
    loss: `${q.lossPercent.toFixed(1)} % (${q.lost})`,
    jitter: `${q.jitterMs.toFixed(1)} ms`,
    rtt: q.rttMs === undefined ? '—' : `${Math.round(q.rttMs)} ms`,
    delay: `${Math.round(q.playoutDelayMs)} ms`,
    concealed: `${Math.round(q.concealedMs)} ms`,
    mos: q.mos.toFixed(2),
  };
}

export function statusPage(options: { status: PhoneStatus; calls: CallWithQuality[]; csrfToken: string; configFile: string | undefined; canRestart: boolean }): string {
  const s = options.status;
  return page({
    title: 'Status',
    nav: { current: 'status', csrfToken: options.csrfToken },
    body: html`<h1>Status</h1>
${s.directIp ? html`<p class="ok" role="status">No account is enabled: the phone is in direct-IP mode. Call it at <code>${s.directUris[0] ?? '(no SIP transport)'}</code>.</p>` : ''}
<section class="card" aria-labelledby="accounts-h">
  <h2 id="accounts-h">Registrations</h2>
  ${
    s.accounts.length === 0
      ? html`<p>No accounts. <a href="/admin/settings">Add one in Settings.</a></p>`
      : html`<table><thead><tr><th>Account</th><th>Address</th><th>State</th><th>Details</th></tr></thead><tbody>${s.accounts.map(
          (a) =>
            html`<tr data-account="${a.id}"><td>${a.displayName || a.id}</td><td><code>${a.aor}</code></td><td class="state-${a.state}" data-state="${a.state}">${a.state}</td><td>${
              a.status !== undefined ? `${a.status} ` : ''
            }${a.reason ?? ''}${a.expires !== undefined ? ` (expires in ${a.expires} s)` : ''}</td></tr>`,
        )}</tbody></table>`
  }
</section>
<section class="card scroll" aria-labelledby="calls-h">
  <h2 id="calls-h">Calls</h2>
  ${
    options.calls.length === 0
      ? html`<p id="no-calls">No calls.</p>`
      : html`<table id="calls"><thead><tr><th>Call</th><th>State</th>${QUALITY_COLUMNS.map(([, label]) => html`<th>${label}</th>`)}</tr></thead><tbody>${options.calls.map((c) => {
          const cells = qualityCells(c.quality);
          return html`<tr data-call="${c.id}"${c.quality ? html` data-live="1"` : ''}><td>${c.peer}</td><td>${c.state}</td>${QUALITY_COLUMNS.map(([k]) => html`<td data-q="${k}">${cells[k]}</td>`)}</tr>`;
        })}</tbody></table>`
  }
</section>
<section class="card" aria-labelledby="sip-h">
  <h2 id="sip-h">SIP and network</h2>
  <table><tbody>
    ${s.sip.transports.map((t) => html`<tr><th>${t.protocol}</th><td>${t.address}:${t.port}</td></tr>`)}
    <tr><th>IP addresses</th><td>${s.network.addresses.join(', ') || '(loopback only)'}</td></tr>
  </tbody></table>
</section>
<section class="card" aria-labelledby="phone-h">
  <h2 id="phone-h">Phone</h2>
  <table><tbody>
    <tr><th>Version</th><td>${s.version}</td></tr>
    <tr><th>Board</th><td>${s.board ?? '(unknown)'}</td></tr>
    <tr><th>Up for</th><td>${duration(s.uptimeS)}</td></tr>
    <tr><th>Configuration</th><td>${options.configFile ?? '(none: changes last until restart)'}</td></tr>
    ${(s.parts ?? []).map(
      (p) =>
        html`<tr><th>Part: ${p.name}</th><td class="part-${p.state}">${p.state}${p.restarts > 0 ? html` (restarted ${p.restarts}\u00d7${p.lastError ? html`; last error: ${p.lastError}` : ''})` : ''}</td></tr>`,
    )}
  </tbody></table>
  ${options.canRestart ? html`<p><a href="/admin/system">Restart or reboot\u2026</a></p>` : ''}
</section>
<script>${raw(STATUS_SCRIPT)}</script>`,
  });
}

/**
 * The status page's one event stream (/api/events): a registration change
 * reloads the page, and so does a state on connect (`registrations`) that differs
 * from the page's: a change made while the page was reloading has no event of
 * its own for it to hear. The `quality` event rewrites each call's figures in place,
 * and a call that appears or goes away reloads the page, which lists the calls afresh.
 */
export const STATUS_SCRIPT = `(function () {
  var source = new EventSource('/api/events');
  source.addEventListener('registration', function () { source.close(); location.reload(); });
  source.addEventListener('registrations', function (event) {
    var states = JSON.parse(event.data);
    for (var id in states) {
      var cell = document.querySelector('tr[data-account="' + CSS.escape(id) + '"] td[data-state]');
      if (cell && cell.getAttribute('data-state') !== 'disabled' && cell.getAttribute('data-state') !== states[id]) { source.close(); location.reload(); return; }
    }
  });
  function fixed(n, d) { return Number(n).toFixed(d); }
  function cells(q) {
    return {
      codec: q.codec,
      packets: q.packetsReceived + ' / ' + q.packetsSent,
      loss: fixed(q.lossPercent, 1) + ' % (' + q.lost + ')',
      jitter: fixed(q.jitterMs, 1) + ' ms',
      rtt: q.rttMs === undefined ? '\u2014' : Math.round(q.rttMs) + ' ms',
      delay: Math.round(q.playoutDelayMs) + ' ms',
      concealed: Math.round(q.concealedMs) + ' ms',
      mos: fixed(q.mos, 2)
    };
  }
  source.addEventListener('quality', function (event) {
    var calls = JSON.parse(event.data).calls;
    var seen = {};
    for (var i = 0; i < calls.length; i++) {
      var q = calls[i];
      seen[q.callId] = true;
      var row = document.querySelector('tr[data-call="' + CSS.escape(q.callId) + '"]');
      if (!row) { source.close(); location.reload(); return; }
      row.setAttribute('data-live', '1');
      var text = cells(q);
      for (var key in text) {
        var cell = row.querySelector('td[data-q="' + key + '"]');
        if (cell) cell.textContent = text[key];
      }
    }
    var live = document.querySelectorAll('tr[data-live]');
    for (var j = 0; j < live.length; j++) {
      if (!seen[live[j].getAttribute('data-call')]) { source.close(); location.reload(); return; }
    }
  });
})();`;
