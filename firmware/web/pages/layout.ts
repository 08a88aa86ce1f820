import { html, raw, type Html } from './html.js';

export interface PageOptions {
  title: string;
  /** Shows the admin navigation (and the log-out button with its CSRF token) when logged in. */
  nav?: { csrfToken?: string; current: 'panel' | 'status' | 'calllog' | 'contacts' | 'settings' | 'dial' | 'logs' | 'system' | 'password' };
  head?: Html;
  body: Html;
}

const NAV: Array<[NonNullable<PageOptions['nav']>['current'], string, string]> = [
  ['panel', '/', 'Front panel'],
  ['status', '/admin', 'Status'],
  ['calllog', '/admin/calllog', 'Call log'],
  ['contacts', '/admin/contacts', 'Contacts'],
  ['dial', '/admin/dial', 'Dial'],
  ['settings', '/admin/settings', 'Settings'],
  ['logs', '/admin/logs', 'Logs'],
  ['system', '/admin/system', 'Restart'],
  ['password', '/admin/password', 'Password'],
];

/** The shell of every page: plain, fast, readable on a phone's browser (issue 7 §6). */
export function page(options: PageOptions): string {
  const nav = options.nav;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} \u00b7 deskphone</title>
<style>${raw(ADMIN_CSS)}</style>
${options.head}
</head>
<body>
<header class="top"><span class="brand">deskphone</span>${
    nav
      ? html`<nav aria-label="Main">${NAV.map(([id, href, label]) => html`<a href="${href}"${id === nav.current ? html` aria-current="page"` : ''}>${label}</a>`)}${
          nav.csrfToken
            ? html`<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${nav.csrfToken}"><button type="submit">Log out</button></form>`
            : ''
        }</nav>`
      : ''
  }</header>
<main>
${options.body}
</main>
</body>
</html>`.value;
}

const ADMIN_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2327;background:#eef0f2}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.6rem 1rem;background:#23282d;color:#fff}
.brand{font-weight:700;letter-spacing:.04em}
nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
nav a{color:#c9d6df;text-decoration:none}nav a[aria-current]{color:#fff;text-decoration:underline}
nav .inline button{background:none;border:1px solid #6c7781;color:#fff;border-radius:4px;padding:.15rem .6rem;cursor:pointer}
main{max-width:60rem;margin:1rem auto;padding:0 1rem}
h1{font-size:1.35rem;margin:.5rem 0 1rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.card{background:#fff;border-radius:8px;padding:1rem 1.25rem;margin-bottom:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card>h2:first-child{margin-top:0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e2e4e7;vertical-align:top}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
input[type=text],input[type=password],input[type=number],select{width:100%;max-width:26rem;padding:.4rem .5rem;border:1px solid #8c959f;border-radius:4px;font:inherit}
input[aria-invalid=true],select[aria-invalid=true]{border-color:#b32d2e;background:#fff6f6}
.field-error{color:#b32d2e;font-size:.9rem;margin:.15rem 0 0}
.hint{color:#58606a;font-size:.88rem;margin:.15rem 0 0}
button.primary{margin-top:1rem;background:#2271b1;color:#fff;border:0;border-radius:4px;padding:.5rem 1.1rem;font:inherit;cursor:pointer}
.alert{border-left:4px solid #b32d2e;background:#fff;padding:.6rem .9rem;margin-bottom:1rem}
.ok{border-left:4px solid #00a32a;background:#fff;padding:.6rem .9rem;margin-bottom:1rem}
.state-registered{color:#00791f;font-weight:600}.state-failed,.state-retry-wait{color:#b32d2e;font-weight:600}
fieldset{border:1px solid #d0d4d9;border-radius:6px;margin:1rem 0;padding:.5rem 1rem 1rem}legend{font-weight:700;padding:0 .3rem}
code{background:#f0f0f1;padding:.05rem .3rem;border-radius:3px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:0 1.25rem}
.actions{white-space:nowrap}.actions form{display:inline;margin:0 .25rem 0 0}
button.small,a.button{display:inline-block;background:#fff;color:#2271b1;border:1px solid #2271b1;border-radius:4px;padding:.2rem .6rem;font:inherit;font-size:.9rem;cursor:pointer;text-decoration:none}
button.danger{background:#b32d2e;color:#fff;border:0;border-radius:4px;padding:.5rem 1.1rem;font:inherit;cursor:pointer;margin-top:1rem}
.filters{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;margin:0 0 .75rem}.filters a{color:#2271b1;text-decoration:underline}.filters a[aria-current]{font-weight:700;color:#1d2327;text-decoration:none}
.filters input[type=text]{width:auto;flex:1 1 10rem}
tr.missed td:first-child{color:#b32d2e;font-weight:600}
td[data-q]{white-space:nowrap}
.scroll{overflow-x:auto}
pre.log{white-space:pre-wrap;word-break:break-word;font-size:.85rem;margin:0}
.lvl-warn{color:#8a5a00;font-weight:600}.lvl-error,.lvl-fatal{color:#b32d2e;font-weight:600}
input[type=file]{max-width:100%}
.check label{display:inline;font-weight:400}
`;
