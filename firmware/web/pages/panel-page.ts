import { GLYPH_NAMES, Glyph, DEFAULT_REPEAT_KEYS } from '../../../hal/index.js';
import { GLYPH_BITMAPS } from '../../../hal/lcd/index.js';
import type { PanelState } from '../panel-view.js';
import type { PhoneStatus } from '../status-view.js';
import { html, jsonScript, raw, type Html } from './html.js';
import { page } from './layout.js';
import { PANEL_SCRIPT } from './panel-script.js';

export interface PanelPageOptions {
  state: PanelState;
  status: PhoneStatus;
  /** Present when the viewer has a session: sent with every key press. */
  csrfToken?: string;
  loggedIn: boolean;
}

const DIAL_KEYS: Array<[string, string]> = [
  ['1', ''], ['2', 'ABC'], ['3', 'DEF'],
  ['4', 'GHI'], ['5', 'JKL'], ['6', 'MNO'],
  ['7', 'PQRS'], ['8', 'TUV'], ['9', 'WXYZ'],
  ['*', ''], ['0', '+'], ['#', ''],
];

const FUNCTION_KEYS: Array<[string, string]> = [
  ['message', 'Messages'], ['hold', 'Hold'], ['transfer', 'Transfer'], ['conference', 'Conference'], ['redial', 'Redial'],
];

const AUDIO_KEYS: Array<[string, string]> = [
  ['mute', 'Mute'], ['headset', 'Headset'], ['speaker', 'Speaker'],
];

const LAMP_LABELS: Record<string, string> = { message: 'Message', line: 'Line', speaker: 'Speaker', mute: 'Mute', headset: 'Headset' };

/** The simulated phone, drawn as a desk phone: glass, lamps, keys and the handset on its cradle (issue 7 §5). */
export function panelPage(options: PanelPageOptions): string {
  const { state, status } = options;
  const glyphs = Object.fromEntries(GLYPH_NAMES.map((name) => [Glyph[name], { name, bitmap: GLYPH_BITMAPS[name] }]));
  const key = (name: string, label: string, extra: Html | string = '', cls = '') =>
    html`<button type="button" class="key ${cls}" data-key="${name}" aria-label="${label}">${extra || label}</button>`;
  const lcdRows = Array.from({ length: state.rows }, () => html`<div class="lcd-row">${Array.from({ length: state.columns }, () => raw('<span class="cell"></span>'))}</div>`);

  const body = html`
<div class="layout">
<section id="phone" class="phone" aria-label="Virtual front panel">
  <div class="cradle">
    <button type="button" id="hook" class="handset" aria-pressed="false" title="Space"><span class="earpiece" aria-hidden="true"></span><span class="label">Lift handset</span><span class="mouthpiece" aria-hidden="true"></span></button>
    <div class="hook-switch">
      <button type="button" id="flash" class="key small" disabled>Hook flash</button>
      <p id="hook-state" class="caption" role="status">Handset on cradle</p>
    </div>
  </div>
  <div class="console">
    <div class="top-row">
      <div class="bezel">
        <div id="lcd" class="lcd" role="img" aria-label="Display" style="--columns:${state.columns};--rows:${state.rows}">${lcdRows}</div>
        <div class="softkeys">${[1, 2, 3, 4].map((n) => key(`soft${n}`, `Soft key ${n}`, html`<span aria-hidden="true">\u2594\u2594</span>`, 'soft'))}</div>
      </div>
      <div class="lamps">
        ${state.leds.map((l) => html`<div class="lamp-row"><span class="led led-${l.name}" data-led="${l.name}" data-label="${LAMP_LABELS[l.name] ?? l.name}" role="img" aria-label="${LAMP_LABELS[l.name] ?? l.name} lamp"></span><span class="lamp-label">${LAMP_LABELS[l.name] ?? l.name}</span></div>`)}
        <div id="ringer" class="ringer"><svg class="bell" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2a1.5 1.5 0 0 0-1.5 1.5v.7A6 6 0 0 0 6 10v4.5L4 17v1h16v-1l-2-2.5V10a6 6 0 0 0-4.5-5.8v-.7A1.5 1.5 0 0 0 12 2zm-2 17a2 2 0 0 0 4 0z"/></svg><span id="ringer-state" role="status">Ringer quiet</span></div>
      </div>
    </div>
    <div class="controls">
      <div class="column">
        <div class="navigation" role="group" aria-label="Navigation">
          ${key('up', 'Up', '▲', 'nav up')}${key('left', 'Left', '◀', 'nav left')}${key('ok', 'OK', 'OK', 'nav ok')}${key('right', 'Right', '▶', 'nav right')}${key('down', 'Down', '▼', 'nav down')}
        </div>
        ${key('cancel', 'Cancel', '✕ Cancel', 'wide cancel')}
      </div>
      <div class="column function-keys" role="group" aria-label="Call keys">
        ${FUNCTION_KEYS.map(([k, label]) => key(k, label, label, 'function'))}
      </div>
      <div class="dialpad" role="group" aria-label="Dial pad">
        ${DIAL_KEYS.map(([k, letters]) => key(k, k, html`<span class="digit">${k}</span><span class="letters">${letters}</span>`, 'digit-key'))}
      </div>
      <div class="column audio-keys" role="group" aria-label="Audio keys">
        ${AUDIO_KEYS.map(([k, label]) => key(k, label, label, 'function'))}
        <div class="volume">${key('volume-down', 'Volume down', '−', 'vol')}<span class="caption">Volume</span>${key('volume-up', 'Volume up', '+', 'vol')}</div>
      </div>
    </div>
    <p class="status-line"><span id="connection" class="connection" role="status">Connecting\u2026</span> <span id="problem" class="problem" role="alert"></span></p>
  </div>
</section>
<aside class="help">
  ${status.directIp ? directIpHelp(status) : accountsSummary(status)}
  <div class="card">
    <h2>Keyboard</h2>
    <p>Digits, <kbd>*</kbd> and <kbd>#</kbd> dial; <kbd>Enter</kbd> is OK, <kbd>Esc</kbd> cancel, arrows navigate, <kbd>F1</kbd>\u2013<kbd>F4</kbd> the soft keys, <kbd>+</kbd>/<kbd>\u2212</kbd> volume, <kbd>Space</kbd> lifts or hangs up the handset. Hold a key for a long press.</p>
    ${options.loggedIn ? '' : html`<p><a href="/login">Admin login</a></p>`}
  </div>
</aside>
</div>
${jsonScript('panel-config', { glyphs, csrfToken: options.csrfToken ?? '', api: '/api', repeatKeys: DEFAULT_REPEAT_KEYS })}
${jsonScript('panel-state', state)}
<script>${raw(PANEL_SCRIPT)}</script>`;

  return page({
    title: 'Front panel',
    ...(options.loggedIn ? { nav: { current: 'panel' as const, ...(options.csrfToken ? { csrfToken: options.csrfToken } : {}) } } : {}),
    head: raw(`<style>${PANEL_CSS}</style>`),
    body,
  });
}

function directIpHelp(status: PhoneStatus): Html {
  return html`<div class="card direct-ip" id="direct-ip">
    <h2>No account: direct-IP mode</h2>
    <p>Call this phone from another SIP phone or softphone at:</p>
    <ul>${status.directUris.map((u) => html`<li><code>${u}</code></li>`)}</ul>
    <p>To add an account, open <a href="/admin/settings">Settings</a> (after choosing an admin password), or start the phone with a configuration file:</p>
    <pre><code>accounts:
  - user: "201"
    domain: pbx.example.com
    password: secret</code></pre>
    <p><code>deskphone start --config phone.yaml</code></p>
  </div>`;
}

function accountsSummary(status: PhoneStatus): Html {
  return html`<div class="card"><h2>Accounts</h2><ul>${status.accounts.map(
    (a) => html`<li>${a.displayName || a.aor}: <span class="state-${a.state}" data-account="${a.id}">${a.state}</span></li>`,
  )}</ul></div>`;
}

const PANEL_CSS = `
main{max-width:82rem}
.layout{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
.help{flex:1 1 18rem;min-width:16rem}.help pre{background:#f0f0f1;padding:.5rem;border-radius:4px;overflow:auto}
kbd{border:1px solid #aaa;border-bottom-width:2px;border-radius:3px;padding:0 .3rem;font-size:.85em;background:#fafafa}
.phone{--shell:#2b2f33;--shell-hi:#3a3f45;--key:#e9ebee;display:flex;gap:1rem;padding:1.2rem;border-radius:22px;background:linear-gradient(160deg,var(--shell-hi),var(--shell));box-shadow:0 12px 30px rgba(0,0,0,.35),inset 0 1px 0 rgba(255,255,255,.08);color:#e6e8ea;flex:0 1 auto}
.cradle{width:7.5rem;display:flex;flex-direction:column;align-items:center;gap:.6rem;padding:.6rem .4rem;border-radius:16px;background:#1f2225;box-shadow:inset 0 2px 6px rgba(0,0,0,.6)}
.handset{position:relative;width:5.4rem;height:19rem;border:0;border-radius:2.7rem;background:linear-gradient(90deg,#3c4248,#23272b 70%);color:#cfd4d9;box-shadow:0 6px 12px rgba(0,0,0,.5);cursor:pointer;display:flex;flex-direction:column;align-items:center;justify-content:space-between;padding:1rem 0;transition:transform .25s ease}
.handset .label{font-size:.8rem;writing-mode:vertical-rl;transform:rotate(180deg);letter-spacing:.08em}
.earpiece,.mouthpiece{width:3rem;height:3rem;border-radius:50%;background:radial-gradient(circle,#15181a 0 1.5px,transparent 2px) 0 0/8px 8px,#2c3136;box-shadow:inset 0 2px 4px rgba(0,0,0,.7)}
.off-hook .handset{transform:translate(-.6rem,-.8rem) rotate(-14deg);background:linear-gradient(90deg,#4a6b8a,#2d4760 70%)}
.hook-switch{text-align:center}
.caption{font-size:.75rem;color:#aab2ba;margin:.3rem 0 0}
.console{display:flex;flex-direction:column;gap:1rem}
.top-row{display:flex;gap:1rem;align-items:flex-start}
.bezel{padding:.8rem .8rem .6rem;border-radius:12px;background:#181b1e;box-shadow:inset 0 2px 8px rgba(0,0,0,.8)}
.lcd{display:grid;grid-template-rows:repeat(var(--rows),auto);gap:4px;padding:.7rem .8rem;border-radius:5px;background:linear-gradient(180deg,#b9d66a,#9fc24a);box-shadow:inset 0 0 12px rgba(40,60,0,.55);font-family:"DejaVu Sans Mono",ui-monospace,Menlo,Consolas,monospace;font-size:22px;line-height:1;color:#1c2a06;transition:background .2s}
.lcd.backlight-off{background:linear-gradient(180deg,#6f7d4a,#5e6b3a);color:#141c05}
.lcd-row{display:grid;grid-template-columns:repeat(var(--columns),1.05ch);gap:2px}
.cell{display:flex;align-items:center;justify-content:center;height:1.45em;background:rgba(30,50,0,.07);border-radius:1px;white-space:pre}
.glyph{width:1ch;height:1.6ch}.glyph .on{fill:#1c2a06}.glyph .off{fill:rgba(30,50,0,.06)}
.softkeys{display:grid;grid-template-columns:repeat(4,1fr);gap:.5rem;margin-top:.6rem}
.key{border:0;border-radius:8px;background:linear-gradient(180deg,#f4f5f7,var(--key));color:#1e2226;font:600 .85rem system-ui,sans-serif;padding:.45rem .3rem;box-shadow:0 2px 0 #8d959d,0 3px 6px rgba(0,0,0,.4);cursor:pointer;user-select:none;touch-action:manipulation}
.key:active,.key.active{transform:translateY(2px);box-shadow:0 0 0 #8d959d,0 1px 2px rgba(0,0,0,.4);background:#cfd5db}
.key:focus-visible,.handset:focus-visible{outline:3px solid #72aee6;outline-offset:2px}
.key:disabled{opacity:.45;cursor:default}
.key.small{font-size:.75rem;padding:.35rem .5rem}
.soft{height:1.6rem;padding:0;color:#596069}
.lamps{display:flex;flex-direction:column;gap:.45rem;padding:.4rem .2rem;min-width:7rem}
.lamp-row{display:flex;align-items:center;gap:.5rem;font-size:.8rem;color:#c3cad1}
.led{width:.85rem;height:.85rem;border-radius:50%;background:#4b2222;box-shadow:inset 0 1px 2px rgba(0,0,0,.6)}
.led.lit{background:radial-gradient(circle at 35% 35%,#ffd0c8,#ff3b2f 60%);box-shadow:0 0 10px #ff3b2f}
.led-line.lit,.led-speaker.lit,.led-headset.lit{background:radial-gradient(circle at 35% 35%,#d9ffd0,#2fd64a 60%);box-shadow:0 0 10px #2fd64a}
.led-line,.led-speaker,.led-headset{background:#1f3b22}
.ringer{margin-top:.6rem;display:flex;align-items:center;gap:.4rem;font-size:.8rem;color:#aab2ba}
.ringer .bell{width:1.2rem;height:1.2rem;fill:#6b737b}
.ringer.ringing .bell{fill:#f0c419}
.ringer.sounding .bell{opacity:1;animation:shake .15s linear infinite alternate}
@keyframes shake{from{transform:rotate(-14deg)}to{transform:rotate(14deg)}}
.controls{display:flex;gap:1.1rem;align-items:flex-start}
.column{display:flex;flex-direction:column;gap:.5rem}
.navigation{display:grid;grid-template-columns:repeat(3,2.6rem);grid-template-rows:repeat(3,2.6rem);gap:.25rem}
.nav{padding:0;border-radius:50%}.nav.up{grid-area:1/2}.nav.left{grid-area:2/1}.nav.ok{grid-area:2/2;background:#d7dde3}.nav.right{grid-area:2/3}.nav.down{grid-area:3/2}
.wide{width:100%}
.function-keys .key,.audio-keys>.key{min-width:6.2rem}
.dialpad{display:grid;grid-template-columns:repeat(3,3.6rem);gap:.5rem}
.digit-key{display:flex;flex-direction:column;align-items:center;height:3rem;justify-content:center}
.digit{font-size:1.25rem;line-height:1}.letters{font-size:.6rem;letter-spacing:.08em;color:#5b636b;min-height:.7rem}
.volume{display:flex;align-items:center;gap:.3rem}.vol{width:2.4rem;font-size:1.1rem}
.status-line{margin:0;font-size:.8rem}
.connection{padding:.1rem .45rem;border-radius:10px;background:#555}.connection.live{background:#1d6b2d}.connection.lost{background:#8a2424}
.problem{color:#ffb3ad}
@media (max-width:760px){.phone{flex-direction:column}.cradle{width:auto;flex-direction:row}.handset{height:5rem;width:16rem;flex-direction:row;padding:0 1rem}.handset .label{writing-mode:horizontal-tb;transform:none}.controls,.top-row{flex-wrap:wrap}}
`;
