import { html } from './html.js';
import { page } from './layout.js';

export interface SystemPageOptions {
  csrfToken: string;
  canRestart: boolean;
  canReboot: boolean;
  board: string | undefined;
  /** A refusal shown beside the form it belongs to. */
  errors?: { restart?: string; reboot?: string };
}

/**
 * Restart the phone, reboot the board (issue 7 §6). Each needs its box ticked:
 * a stray click ends every call, so the page asks first, without a script.
 */
export function systemPage(options: SystemPageOptions): string {
  const csrf = html`<input type="hidden" name="_csrf" value="${options.csrfToken}">`;
  const errors = options.errors ?? {};
  return page({
    title: 'Restart',
    nav: { current: 'system', csrfToken: options.csrfToken },
    body: html`<h1>Restart and reboot</h1>
<form method="post" action="/admin/restart" class="card" aria-labelledby="restart-h">
  <h2 id="restart-h">Restart the phone</h2>
  <p>Hangs up every call, unregisters, and starts the phone software again (a few seconds). Settings saved on the Settings page take effect.</p>
  ${options.canRestart ? '' : html`<p class="alert" role="status">Restarting is not available here: the phone software was not started by a service that starts it again.</p>`}
  ${csrf}
  <div class="check"><input type="checkbox" id="confirm-restart" name="confirm" value="yes"${errors.restart ? html` aria-invalid="true" aria-describedby="restart-error"` : ''}> <label for="confirm-restart">Yes, end all calls and restart</label></div>
  ${errors.restart ? html`<p class="field-error" id="restart-error" role="alert">${errors.restart}</p>` : ''}
  <button type="submit" class="danger"${options.canRestart ? '' : html` disabled`}>Restart the phone</button>
</form>
<form method="post" action="/admin/reboot" class="card" aria-labelledby="reboot-h">
  <h2 id="reboot-h">Reboot the board</h2>
  <p>Restarts the whole device (about a minute).</p>
  ${options.canReboot ? '' : html`<p class="alert" role="status">The ${options.board ?? 'current'} board cannot be rebooted from here${options.board === 'sim' ? ': the simulated phone runs on a computer that is not the phone\'s to reboot. Use Restart the phone' : ''}.</p>`}
  ${csrf}
  <div class="check"><input type="checkbox" id="confirm-reboot" name="confirm" value="yes"${errors.reboot ? html` aria-invalid="true" aria-describedby="reboot-error"` : ''}> <label for="confirm-reboot">Yes, end all calls and reboot the board</label></div>
  ${errors.reboot ? html`<p class="field-error" id="reboot-error" role="alert">${errors.reboot}</p>` : ''}
  <button type="submit" class="danger"${options.canReboot ? '' : html` disabled`}>Reboot</button>
</form>`,
  });
}
