import { glyphsToText } from '../../hal/index.js';
import type { SimPanel } from '../../hal/sim/index.js';

/**
 * Until the web front panel exists, the simulated board's LCD is drawn in the
 * terminal: a box redrawn whenever the glass changes (the panel's display
 * events), coalesced to one redraw per burst of writes. It writes to stderr so
 * stdout stays pure JSON log lines for journald and log tooling.
 */
export function attachTerminalPanel(panel: SimPanel, out: NodeJS.WritableStream = process.stderr): () => void {
  let last = '';
  let pending = false;
  const draw = () => {
    pending = false;
    const { rows } = panel.snapshot().display;
    const columns = panel.display.columns;
    const lines = rows.map((l) => glyphsToText(l).padEnd(columns).slice(0, columns));
    const frame = lines.join('\n');
    if (frame === last) return;
    last = frame;
    const bar = '─'.repeat(columns + 2);
    out.write(`┌${bar}┐\n${lines.map((l) => `│ ${l} │`).join('\n')}\n└${bar}┘\n`);
  };
  const off = panel.onEvent((e) => {
    if (e.device !== 'display' || pending) return;
    pending = true;
    queueMicrotask(draw);
  });
  draw();
  return off;
}
