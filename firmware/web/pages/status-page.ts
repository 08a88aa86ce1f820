import type { PhoneStatus } from '../status-view.js';
import { html, raw } from './html.js';
import { page } from './layout.js';

function duration(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d ? `${d} d ` : ''}${h} h ${m} min`;
}

export function statusPage(options: { status: PhoneStatus; csrfToken: string; configFile: string | undefined; canRestart: boolean }): string {
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
            html`<tr data-account="${a.id}"><td>${a.displayName || a.id}</td><td><code>${a.aor}</code></td><td class="state-${a.state}">${a.state}</td><td>${
              a.status !== undefined ? `${a.status} ` : ''
            }${a.reason ?? ''}${a.expires !== undefined ? ` (expires in ${a.expires} s)` : ''}</td></tr>`,
        )}</tbody></table>`
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
  </tbody></table>
  ${
    options.canRestart
      ? html`<form method="post" action="/admin/restart"><input type="hidden" name="_csrf" value="${options.csrfToken}"><button type="submit" class="primary">Restart the phone</button></form>`
      : ''
  }
</section>
<script>${raw(LIVE_RELOAD)}</script>`,
  });
}

/** The page redraws when a registration changes (the `registration` event of /api/events). */
export const LIVE_RELOAD = `(function () {
  var source = new EventSource('/api/events');
  source.addEventListener('registration', function () { source.close(); location.reload(); });
})();`;
