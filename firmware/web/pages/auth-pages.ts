import { html } from './html.js';
import { page } from './layout.js';

export function loginPage(options: { formToken: string; next: string; error?: string; user?: string }): string {
  return page({
    title: 'Log in',
    body: html`<h1>Log in</h1>
${options.error ? html`<p class="alert" role="alert">${options.error}</p>` : ''}
<form method="post" action="/login" class="card">
  <input type="hidden" name="_form" value="${options.formToken}">
  <input type="hidden" name="next" value="${options.next}">
  <label for="user">User name</label>
  <input type="text" id="user" name="user" autocomplete="username" required value="${options.user ?? ''}">
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required>
  <button type="submit" class="primary">Log in</button>
</form>`,
  });
}

export function setupPage(options: { formToken: string; user: string; askCode: boolean; error?: string }): string {
  return page({
    title: 'Choose an admin password',
    body: html`<h1>Choose an admin password</h1>
<p>This phone has no admin password yet. Choose one before anything can be changed; the user name is <code>${options.user}</code>.</p>
${options.error ? html`<p class="alert" role="alert">${options.error}</p>` : ''}
<form method="post" action="/setup" class="card">
  <input type="hidden" name="_form" value="${options.formToken}">
  ${
    options.askCode
      ? html`<label for="code">Setup code</label>
  <input type="text" id="code" name="code" autocomplete="off" required aria-describedby="code-hint">
  <p class="hint" id="code-hint">Shown on the phone's display and console while no password is set.</p>`
      : ''
  }
  <label for="password">New password</label>
  <input type="password" id="password" name="password" autocomplete="new-password" minlength="8" required aria-describedby="password-hint">
  <p class="hint" id="password-hint">At least 8 characters. It is stored as a scrypt hash in the configuration.</p>
  <label for="confirm">Repeat it</label>
  <input type="password" id="confirm" name="confirm" autocomplete="new-password" minlength="8" required>
  <button type="submit" class="primary">Set password</button>
</form>`,
  });
}

export function passwordPage(options: { csrfToken: string; error?: string; done?: boolean }): string {
  return page({
    title: 'Change password',
    nav: { current: 'password', csrfToken: options.csrfToken },
    body: html`<h1>Change the admin password</h1>
${options.error ? html`<p class="alert" role="alert">${options.error}</p>` : ''}
${options.done ? html`<p class="ok" role="status">Password changed. Other sessions were logged out.</p>` : ''}
<form method="post" action="/admin/password" class="card">
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  <label for="current">Current password</label>
  <input type="password" id="current" name="current" autocomplete="current-password" required>
  <label for="password">New password</label>
  <input type="password" id="password" name="password" autocomplete="new-password" minlength="8" required>
  <label for="confirm">Repeat it</label>
  <input type="password" id="confirm" name="confirm" autocomplete="new-password" minlength="8" required>
  <button type="submit" class="primary">Change password</button>
</form>`,
  });
}
