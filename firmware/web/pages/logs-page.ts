import { FILTER_LEVELS, type LogEntry } from '../log-view.js';
import { html } from './html.js';
import { page } from './layout.js';

/** The recent log lines (issue 7 §6), newest first, at a chosen level or above, and a text download; and the pcap of recent traffic. */
export function logsPage(options: { csrfToken: string; level: string; entries: readonly LogEntry[]; available: boolean }): string {
  const newestFirst = [...options.entries].reverse();
  return page({
    title: 'Logs',
    nav: { current: 'logs', csrfToken: options.csrfToken },
    body: html`<h1>Logs</h1>
${options.available ? '' : html`<p class="alert" role="status">The recent log lines are not available: the phone layer is not running.</p>`}
<form method="get" action="/admin/logs" class="card">
  <label for="level">Show lines at this level and above</label>
  <select id="level" name="level">${FILTER_LEVELS.map((l) => html`<option value="${l}"${l === options.level ? html` selected` : ''}>${l === 'trace' ? 'trace (everything)' : l}</option>`)}</select>
  <button type="submit" class="primary">Show</button>
  <a class="button" href="/admin/logs.txt?level=${options.level}" download>Download as text</a>
</form>
<section class="card" aria-labelledby="capture-title">
  <h2 id="capture-title">Network capture</h2>
  <p>The most recent SIP messages and RTP/RTCP packets, as a pcap file for Wireshark (<code>capture</code> in the settings sets its size). It holds the call audio and the SIP digests: share it only with whom you would let listen.</p>
  <a class="button" href="/api/capture.pcap" download="deskphone.pcap">Download capture (pcap)</a>
</section>
<section class="card scroll" aria-label="Log lines">
${
  newestFirst.length === 0
    ? html`<p>No log lines at this level.</p>`
    : html`<table><thead><tr><th>Time (UTC)</th><th>Level</th><th>Part</th><th>Message</th></tr></thead><tbody>${newestFirst.map(
        (e) =>
          html`<tr><td><small>${e.time.replace('T', ' ').replace(/Z$/, '')}</small></td><td class="lvl-${e.level}">${e.level}</td><td>${e.component}</td><td>${e.msg}${
            e.details ? html`<pre class="log">${e.details}</pre>` : ''
          }</td></tr>`,
      )}</tbody></table>`
}
</section>`,
  });
}
