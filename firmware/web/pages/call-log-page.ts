import type { CallLogView, CallRecord } from '../../phone/call-log.js';
import { displayZone, formatLongDateTime } from '../../clock/index.js';
import { html } from './html.js';
import { page } from './layout.js';

export const CALL_LOG_VIEWS: ReadonlyArray<[CallLogView, string]> = [
  ['all', 'All'],
  ['missed', 'Missed'],
  ['received', 'Received'],
  ['dialed', 'Dialled'],
];

export interface CallLogPageOptions {
  csrfToken: string;
  view: CallLogView;
  calls: readonly CallRecord[];
  /** The phone's time zone (config `timeZone`): times read as on the phone's own screen. */
  timeZone: string;
  canDial: boolean;
  /** The contact a call's number belongs to: contacts win over the caller's display name, as on the phone's screen. */
  contactName?: (c: CallRecord) => string | undefined;
  notice?: { kind: 'ok' | 'alert'; text: string };
}

/** What kind of call it was, in the words of the phone's history menu. */
export function callKind(c: CallRecord): string {
  if (c.direction === 'outgoing') return c.outcome === 'answered' ? 'Dialled' : `Dialled (${c.reason ?? 'not answered'})`;
  if (c.outcome === 'missed') return 'Missed';
  if (c.outcome === 'rejected') return 'Rejected';
  return c.outcome === 'answered' ? 'Received' : 'Failed';
}

/** "3:07", "1:02:05"; unanswered calls have no talk time. */
export function talkTime(c: CallRecord): string {
  if (c.outcome !== 'answered') return '—';
  const s = Math.max(0, Math.round(c.durationS));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "Wed, 25 Nov 2026, 14:05" in the phone's zone (a zone gone missing since the config check shows UTC). */
export function callTimeFormat(timeZone: string): { format(d: Date): string } {
  const zone = displayZone(timeZone);
  return { format: (d) => formatLongDateTime(d, zone) };
}

/** The call history (issue 7 §4, §6): filter by kind, call back, clear. */
export function callLogPage(options: CallLogPageOptions): string {
  const format = callTimeFormat(options.timeZone);
  const when = (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : format.format(d);
  };
  const rows = options.calls.map((c) => {
    const name = options.contactName?.(c) ?? c.remoteName;
    return html`<tr data-call="${c.id}"${c.outcome === 'missed' ? html` class="missed"` : ''}>
  <td>${callKind(c)}</td>
  <td>${name ? html`${name}<br><small>${c.number}</small>` : c.number}</td>
  <td><time datetime="${c.startedAt}">${when(c.startedAt)}</time></td>
  <td>${talkTime(c)}</td>
  <td class="actions">${
    options.canDial
      ? html`<form method="post" action="/admin/calllog/dial"><input type="hidden" name="_csrf" value="${options.csrfToken}"><input type="hidden" name="id" value="${c.id}"><button type="submit" class="small" aria-label="Call back ${name ?? c.number}">Call back</button></form>`
      : ''
  }</td>
</tr>`;
  });
  return page({
    title: 'Call log',
    nav: { current: 'calllog', csrfToken: options.csrfToken },
    body: html`<h1>Call log</h1>
${options.notice ? html`<p class="${options.notice.kind}" role="${options.notice.kind === 'alert' ? 'alert' : 'status'}">${options.notice.text}</p>` : ''}
<nav class="filters" aria-label="Kind of call">${CALL_LOG_VIEWS.map(
      ([view, label]) => html`<a href="/admin/calllog?view=${view}"${view === options.view ? html` aria-current="page"` : ''}>${label}</a>`,
    )}</nav>
<section class="card scroll" aria-label="Calls">
${
  options.calls.length === 0
    ? html`<p>No calls${options.view === 'all' ? '' : ' of this kind'}.</p>`
    : html`<table><thead><tr><th>Kind</th><th>Who</th><th>When (${options.timeZone})</th><th>Duration</th><th><span class="hint">Action</span></th></tr></thead><tbody>${rows}</tbody></table>`
}
</section>
<form method="post" action="/admin/calllog/clear" class="card">
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  <div class="check"><input type="checkbox" id="confirm-clear" name="confirm" value="yes" required> <label for="confirm-clear">Yes, delete every call in the log</label></div>
  <button type="submit" class="danger">Clear the call log</button>
</form>`,
  });
}
