import type { Contact } from '../../phone/contacts/index.js';
import { NUMBER_LABELS, numberRows, type ContactFieldErrors } from '../contact-form.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';

/** Rows per page: a full book (1000 contacts) on one page would be ~460 KB for a phone's browser. */
export const CONTACTS_PER_PAGE = 50;

export interface ContactsPageOptions {
  csrfToken: string;
  /** The contacts on this page (after the search). */
  contacts: readonly Contact[];
  /** The search typed (name or number), and where this page sits among the matches. */
  query?: string;
  page?: number;
  pageCount?: number;
  matches?: number;
  canEdit: boolean;
  notice?: { kind: 'ok' | 'alert'; text: string };
  /** A refused import: shown beside the file field. */
  importError?: string;
}

/** The address book (issue 7 §4, §6): list, edit, delete, import a vCard or CSV file, export. */
export function contactsPage(options: ContactsPageOptions): string {
  const csrf = html`<input type="hidden" name="_csrf" value="${options.csrfToken}">`;
  const rows = options.contacts.map(
    (c) => html`<tr data-contact="${c.id}">
  <td>${c.name}</td>
  <td>${c.numbers.map((n, i) => html`${i > 0 ? html`<br>` : ''}<span class="hint">${n.label}</span> ${n.value}`)}</td>
  <td>${c.speedDial ?? ''}</td>
  <td class="actions">${
    options.canEdit
      ? html`<a class="button" href="/admin/contacts/${c.id}" aria-label="Edit ${c.name}">Edit</a> <form method="post" action="/admin/contacts/${c.id}/delete">${csrf}<button type="submit" class="small" aria-label="Delete ${c.name}">Delete</button></form>`
      : ''
  }</td>
</tr>`,
  );
  const importInvalid = options.importError !== undefined;
  const pageNo = options.page ?? 1;
  const pageCount = options.pageCount ?? 1;
  const query = options.query ?? '';
  const pageLink = (n: number) => `/admin/contacts?${new URLSearchParams({ ...(query ? { q: query } : {}), page: String(n) }).toString()}`;
  const pager =
    pageCount > 1
      ? html`<nav class="filters" aria-label="Pages">${pageNo > 1 ? html`<a href="${pageLink(pageNo - 1)}" rel="prev">\u2190 Previous</a>` : ''}<span>Page ${pageNo} of ${pageCount} (${options.matches ?? 0} contacts)</span>${
          pageNo < pageCount ? html`<a href="${pageLink(pageNo + 1)}" rel="next">Next \u2192</a>` : ''
        }</nav>`
      : '';
  return page({
    title: 'Contacts',
    nav: { current: 'contacts', csrfToken: options.csrfToken },
    body: html`<h1>Contacts</h1>
${options.notice ? html`<p class="${options.notice.kind}" role="${options.notice.kind === 'alert' ? 'alert' : 'status'}">${options.notice.text}</p>` : ''}
${options.canEdit ? html`<p><a class="button" href="/admin/contacts/new">Add a contact</a></p>` : ''}
<form method="get" action="/admin/contacts" class="filters" role="search"><label for="q" class="hint">Find</label><input type="text" id="q" name="q" value="${query}" placeholder="name or number"><button type="submit" class="small">Find</button>${
      query ? html`<a href="/admin/contacts">Show all</a>` : ''
    }</form>
${pager}
<section class="card scroll" aria-label="Contact list">
${
  options.contacts.length === 0
    ? html`<p>${query ? 'No contact matches.' : 'No contacts yet.'}</p>`
    : html`<table><thead><tr><th>Name</th><th>Numbers</th><th>Speed dial</th><th><span class="hint">Action</span></th></tr></thead><tbody>${rows}</tbody></table>`
}
</section>
${pager}
<section class="card" aria-labelledby="import-h">
  <h2 id="import-h">Import</h2>
  <form method="post" action="/admin/contacts/import" enctype="multipart/form-data">
    ${csrf}
    <label for="import-file">vCard (.vcf) or CSV file</label>
    <input type="file" id="import-file" name="file" accept=".vcf,.vcard,.csv,text/vcard,text/csv"${importInvalid ? html` aria-invalid="true" aria-describedby="import-file-error"` : ''}>
    ${importInvalid ? html`<p class="field-error" id="import-file-error" role="alert">${options.importError}</p>` : ''}
    <label for="import-format">Format</label>
    <select id="import-format" name="format"><option value="auto">From the file</option><option value="vcard">vCard</option><option value="csv">CSV</option></select>
    <p class="hint">CSV columns: <code>name,label,number,speed_dial</code>, one row per number. The contacts are added to the list; if any of them is not valid, none is.</p>
    <button type="submit" class="primary">Import</button>
  </form>
  <h2>Export</h2>
  <p><a class="button" href="/api/v1/contacts?format=vcard" download>Download vCard</a> <a class="button" href="/api/v1/contacts?format=csv" download>Download CSV</a></p>
</section>`,
  });
}

export interface ContactEditOptions {
  csrfToken: string;
  /** The contact being edited; absent for a new one. */
  contact?: Contact;
  /** What the admin typed, shown again with the errors. */
  submitted?: Record<string, string | undefined>;
  errors?: ContactFieldErrors;
  /** A refusal that belongs to no single field. */
  error?: string;
}

export function contactEditPage(options: ContactEditOptions): string {
  const c = options.contact;
  const typed = options.submitted;
  const errors = options.errors ?? {};
  const value = (name: string, current: string | undefined) => (typed ? (typed[name] ?? '') : (current ?? ''));
  const field = (name: string, label: string, input: (attrs: Html) => Html, hint?: string): Html => {
    const id = `c-${name}`;
    const error = errors[name];
    const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    const attrs = html`id="${id}" name="${name}"${error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
    return html`<div class="field"><label for="${id}">${label}</label>${input(attrs)}${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}${
      error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''
    }</div>`;
  };
  const rows = numberRows(c);
  const numberFields: Html[] = [];
  for (let i = 0; i < rows; i++) {
    const n = c?.numbers[i];
    const label = value(`label${i}`, n?.label ?? (i === 0 ? 'work' : 'mobile'));
    const labels = NUMBER_LABELS.includes(label as (typeof NUMBER_LABELS)[number]) ? NUMBER_LABELS : [...NUMBER_LABELS, label];
    numberFields.push(
      html`<fieldset><legend>Number ${i + 1}</legend><div class="grid">${field(`label${i}`, 'Label', (a) => html`<select ${a}>${labels.map((l) => html`<option${l === label ? html` selected` : ''}>${l}</option>`)}</select>`)}${field(
        `number${i}`,
        'Number or SIP address',
        (a) => html`<input type="text" ${a} value="${value(`number${i}`, n?.value)}" inputmode="tel" autocomplete="off">`,
      )}</div></fieldset>`,
    );
  }
  const title = c ? `Edit ${c.name}` : 'New contact';
  return page({
    title,
    nav: { current: 'contacts', csrfToken: options.csrfToken },
    body: html`<h1>${title}</h1>
${options.error ? html`<p class="alert" role="alert">${options.error}</p>` : ''}
${Object.keys(errors).length > 0 ? html`<p class="alert" role="alert">Nothing was saved: correct the fields marked below.</p>` : ''}
<form method="post" action="${c ? `/admin/contacts/${c.id}` : '/admin/contacts'}" class="card" novalidate>
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  ${field('name', 'Name', (a) => html`<input type="text" ${a} value="${value('name', c?.name)}" autocomplete="off">`)}
  ${numberFields}
  ${field('speedDial', 'Speed dial (1–99)', (a) => html`<input type="text" ${a} value="${value('speedDial', c?.speedDial?.toString())}" inputmode="numeric">`, 'The contact\'s speed-dial slot (shown as #N in the phone\'s contacts menu); leave empty for none.')}
  <button type="submit" class="primary">Save</button> <a href="/admin/contacts">Cancel</a>
</form>`,
  });
}
