import { html } from './html.js';
import { page } from './layout.js';

export function dialPage(options: { csrfToken: string; target?: string; error?: string; done?: string; available: boolean }): string {
  return page({
    title: 'Dial',
    nav: { current: 'dial', csrfToken: options.csrfToken },
    body: html`<h1>Dial a SIP address or IP</h1>
${options.available ? '' : html`<p class="alert" role="status">Dialling is not available yet: the phone layer is not running.</p>`}
${options.error ? html`<p class="alert" role="alert">${options.error}</p>` : ''}
${options.done ? html`<p class="ok" role="status">Calling ${options.done}\u2026</p>` : ''}
<form method="post" action="/admin/dial" class="card">
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  <label for="target">Number, SIP URI or IP address</label>
  <input type="text" id="target" name="target" required value="${options.target ?? ''}" aria-describedby="target-hint" inputmode="url">
  <p class="hint" id="target-hint">For example <code>sip:alice@example.com</code>, <code>192.0.2.10</code>, <code>[2001:db8::1]:5060</code> or <code>201</code>.</p>
  <button type="submit" class="primary">Call</button>
</form>`,
  });
}
