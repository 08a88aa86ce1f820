/**
 * The virtual front panel's browser side, plain ES2017 served as-is (no build
 * step). It draws the state the server pushes over server-sent events and
 * posts key and hook changes back, one at a time in order, so a key's `up`
 * can never overtake its `down`. Holding a button behaves like the GPIO keypad:
 * navigation and volume keys auto-repeat, other keys report a long press.
 */
export const PANEL_SCRIPT = String.raw`
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('panel-config').textContent);
  var state = JSON.parse(document.getElementById('panel-state').textContent);
  var lcd = document.getElementById('lcd');
  var connection = document.getElementById('connection');
  var problem = document.getElementById('problem');
  var SVG = 'http://www.w3.org/2000/svg';
  var LONG_MS = 800, REPEAT_DELAY_MS = 500, REPEAT_MS = 150;

  function glyphSvg(bitmap, label) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 5 8');
    svg.setAttribute('class', 'glyph');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    for (var y = 0; y < 8; y++) {
      for (var x = 0; x < 5; x++) {
        var rect = document.createElementNS(SVG, 'rect');
        rect.setAttribute('x', x + 0.06);
        rect.setAttribute('y', y + 0.06);
        rect.setAttribute('width', 0.88);
        rect.setAttribute('height', 0.88);
        rect.setAttribute('class', (bitmap[y] >> (4 - x)) & 1 ? 'on' : 'off');
        svg.appendChild(rect);
      }
    }
    return svg;
  }

  function drawLcd(s) {
    lcd.classList.toggle('backlight-off', !s.backlight);
    lcd.setAttribute('aria-label', 'Display: ' + s.text.map(function (t) { return t.trim(); }).filter(Boolean).join(' / '));
    var rows = lcd.children;
    for (var r = 0; r < s.rows; r++) {
      var row = rows[r];
      var chars = Array.from(s.lines[r] || '');
      var cells = row.children;
      for (var c = 0; c < s.columns; c++) {
        var cell = cells[c];
        var ch = chars[c] || ' ';
        if (cell.dataset.ch === ch) continue;
        cell.dataset.ch = ch;
        cell.textContent = '';
        var glyph = config.glyphs[ch];
        if (glyph) cell.appendChild(glyphSvg(glyph.bitmap, glyph.name));
        else cell.textContent = ch === ' ' ? '\u00a0' : ch;
      }
      row.dataset.text = s.text[r] || '';
    }
  }

  function render(s) {
    state = s;
    drawLcd(s);
    var offHook = s.hook === 'off-hook';
    var phone = document.getElementById('phone');
    phone.classList.toggle('off-hook', offHook);
    var hook = document.getElementById('hook');
    hook.setAttribute('aria-pressed', String(offHook));
    hook.querySelector('.label').textContent = offHook ? 'Hang up' : 'Lift handset';
    document.getElementById('flash').disabled = !offHook;
    document.getElementById('hook-state').textContent = offHook ? 'Handset lifted' : 'Handset on cradle';
    s.leds.forEach(function (led) {
      var el = document.querySelector('[data-led="' + led.name + '"]');
      if (!el) return;
      el.classList.toggle('lit', led.lit);
      var pattern = typeof led.pattern === 'string' ? led.pattern : 'blinking';
      el.setAttribute('aria-label', el.dataset.label + ' lamp: ' + pattern);
      el.dataset.pattern = pattern;
    });
    var bell = document.getElementById('ringer');
    bell.classList.toggle('ringing', s.ringer.ringing);
    bell.classList.toggle('sounding', s.ringer.sounding);
    document.getElementById('ringer-state').textContent = s.ringer.ringing ? 'Ringing (volume ' + s.ringer.volume + ')' : 'Ringer quiet';
  }

  var queue = Promise.resolve();
  function post(path, body) {
    var headers = { 'content-type': 'application/json' };
    if (config.csrfToken) headers['x-csrf-token'] = config.csrfToken;
    queue = queue.then(function () {
      return fetch(path, { method: 'POST', headers: headers, body: JSON.stringify(body), credentials: 'same-origin' }).then(function (res) {
        if (res.ok) { problem.textContent = ''; return; }
        return res.json().then(function (e) { problem.textContent = e.error ? e.error.message : 'HTTP ' + res.status; }, function () { problem.textContent = 'HTTP ' + res.status; });
      }, function () { problem.textContent = 'The phone did not answer.'; });
    });
    return queue;
  }
  function key(name, action) { return post(config.api + '/panel/key', { key: name, action: action }); }
  function hook(to) { return post(config.api + '/panel/hook', { state: to }); }

  // Pointer: down on press, up on release; a held key repeats or long-presses as on the real keypad.
  var held = {};
  function press(name) {
    if (held[name]) return;
    var h = { timer: 0, long: false };
    held[name] = h;
    key(name, 'down');
    var repeats = config.repeatKeys.indexOf(name) >= 0;
    h.timer = setTimeout(function tick() {
      if (repeats) { key(name, 'repeat'); h.timer = setTimeout(tick, REPEAT_MS); }
      else { h.long = true; key(name, 'long'); }
    }, repeats ? REPEAT_DELAY_MS : LONG_MS);
  }
  function release(name) {
    var h = held[name];
    if (!h) return;
    clearTimeout(h.timer);
    delete held[name];
    if (!h.long) key(name, 'up');
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-key]'), function (button) {
    var name = button.dataset.key;
    button.addEventListener('pointerdown', function (e) { if (e.button === 0) { button.setPointerCapture(e.pointerId); press(name); } });
    button.addEventListener('pointerup', function () { release(name); });
    button.addEventListener('pointercancel', function () { release(name); });
    // Keyboard activation of a focused button (Enter/Space) arrives as a click with no pointer.
    button.addEventListener('click', function (e) { if (e.detail === 0) key(name, 'press'); });
  });
  document.getElementById('hook').addEventListener('click', function () { hook('toggle'); });
  document.getElementById('flash').addEventListener('click', function () { hook('flash'); });

  // Shortcuts: digits * #, Enter = OK, Esc = cancel, arrows = navigation, F1-F4 = soft keys, Space = hook.
  var SHORTCUTS = { Enter: 'ok', Escape: 'cancel', ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right', F1: 'soft1', F2: 'soft2', F3: 'soft3', F4: 'soft4', '+': 'volume-up', '-': 'volume-down' };
  function shortcut(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
    if (/^[0-9*#]$/.test(e.key)) return e.key;
    return SHORTCUTS[e.key];
  }
  function typing(e) { var t = e.target; return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT'); }
  document.addEventListener('keydown', function (e) {
    if (typing(e)) return;
    if (e.key === ' ' && !(e.target && e.target.tagName === 'BUTTON')) {
      e.preventDefault();
      if (!e.repeat) hook('toggle');
      return;
    }
    var name = shortcut(e);
    if (!name || (e.target && e.target.tagName === 'BUTTON' && (e.key === 'Enter'))) return;
    e.preventDefault();
    if (!e.repeat) press(name);
  });
  document.addEventListener('keyup', function (e) {
    var name = shortcut(e);
    if (name && held[name]) release(name);
  });

  function showKey(event) {
    var el = document.querySelector('[data-key="' + event.key + '"]');
    if (!el) return;
    if (event.type === 'down') el.classList.add('active');
    if (event.type === 'up') el.classList.remove('active');
  }

  var source = new EventSource(config.api + '/events');
  source.addEventListener('open', function () { connection.textContent = 'Live'; connection.className = 'connection live'; });
  source.addEventListener('error', function () {
    connection.className = 'connection lost';
    // EventSource retries by itself after a network error, but gives up on an HTTP refusal (an expired login).
    connection.textContent = source.readyState === EventSource.CLOSED ? 'Disconnected: reload the page' : 'Reconnecting\u2026';
  });
  source.addEventListener('panel', function (e) { render(JSON.parse(e.data)); });
  source.addEventListener('key', function (e) { showKey(JSON.parse(e.data)); });
  source.addEventListener('registration', function (e) {
    var change = JSON.parse(e.data);
    var el = document.querySelector('[data-account="' + change.accountId + '"]');
    if (!el) return;
    el.textContent = change.status.state;
    el.className = 'state-' + change.status.state;
  });
  render(state);
  document.documentElement.dataset.ready = 'true';
})();
`;
