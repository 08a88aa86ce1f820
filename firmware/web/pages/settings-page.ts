import { timeZoneNames } from '../../clock/index.js';
import type { Config, ConfigIssue } from '../../config/index.js';
import { currentValue, fieldName, settingGroups, type SettingField } from '../settings-form.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';

export interface SettingsPageOptions {
  config: Config;
  csrfToken: string;
  /** What the admin typed, shown again when the save was refused. */
  submitted?: Record<string, string | undefined>;
  issues?: ConfigIssue[];
  saved?: boolean;
  configFile: string | undefined;
}

/** The settings form: every field named by its key path, each refusal shown beside its field. */
export function settingsPage(options: SettingsPageOptions): string {
  const groups = settingGroups(options.config);
  const byPath = new Map<string, string[]>();
  for (const issue of options.issues ?? []) byPath.set(issue.path, [...(byPath.get(issue.path) ?? []), issue.message]);
  const shown = new Set<string>();
  const field = (f: SettingField): Html => {
    const name = fieldName(f.path);
    const id = `f-${name.replace(/[^A-Za-z0-9]/g, '-')}`;
    const errors = [...(byPath.get(name) ?? [])];
    shown.add(name);
    const typed = options.submitted?.[name];
    const current = currentValue(options.config, f.path);
    const value = options.submitted ? (typed ?? '') : f.kind === 'list' && Array.isArray(current) ? current.join(', ') : current === undefined ? '' : String(current);
    const invalid = errors.length > 0;
    const describedBy = [f.hint ? `${id}-hint` : '', invalid ? `${id}-error` : ''].filter(Boolean).join(' ');
    const common = html`id="${id}" name="${name}"${invalid ? html` aria-invalid="true"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}`;
    let input: Html;
    if (f.kind === 'select') {
      input = html`<select ${common}>${(f.options ?? []).map((o) => html`<option${o === value ? html` selected` : ''}>${o}</option>`)}</select>`;
    } else if (f.kind === 'checkbox') {
      const checked = options.submitted ? typed !== undefined : current === true;
      input = html`<input type="checkbox" ${common}${checked ? html` checked` : ''}>`;
    } else if (f.kind === 'password') {
      // A secret never goes back to the browser: the field shows only whether one is set.
      input = html`<input type="password" ${common} autocomplete="new-password" placeholder="${current ? '(unchanged)' : '(none)'}">`;
    } else {
      input = html`<input type="text" ${common} value="${value}"${f.kind === 'number' ? html` inputmode="numeric"` : ''}${f.path[0] === 'timeZone' ? html` list="time-zones"` : ''}>`;
    }
    return html`<div class="field"><label for="${id}">${f.label}</label>${input}${f.hint ? html`<p class="hint" id="${id}-hint">${f.hint}</p>` : ''}${errors.map(
      (e) => html`<p class="field-error" id="${id}-error">${name}: ${e}</p>`,
    )}</div>`;
  };
  const fieldsets = groups.map((g) => html`<fieldset><legend>${g.title}</legend><div class="grid">${g.fields.map(field)}</div></fieldset>`);
  const other = (options.issues ?? []).filter((i) => !shown.has(i.path));
  return page({
    title: 'Settings',
    nav: { current: 'settings', csrfToken: options.csrfToken },
    body: html`<h1>Settings</h1>
${options.saved ? html`<p class="ok" role="status">Saved${options.configFile ? html` to <code>${options.configFile}</code>` : ' (no configuration file: until restart)'}. Account and SIP changes take effect when the phone restarts.</p>` : ''}
${options.issues?.length ? html`<div class="alert" role="alert"><p>Nothing was saved: ${options.issues.length} setting${options.issues.length === 1 ? ' is' : 's are'} not valid.</p>${other.length ? html`<ul>${other.map((i) => html`<li><code>${i.path || '(file)'}</code>: ${i.message}</li>`)}</ul>` : ''}</div>` : ''}
<form method="post" action="/admin/settings" class="card" novalidate>
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  ${fieldsets}
  <datalist id="time-zones">${timeZoneNames().map((tz) => html`<option value="${tz}">`)}</datalist>
  <button type="submit" class="primary">Save</button>
</form>`,
  });
}
