import type { KeyName } from '../../../hal/index.js';
import type { MenuAction, MenuEntry, MenuPage } from './menu-model.js';

interface Frame {
  page: MenuPage;
  cursor: number;
}

/**
 * Walks the menu tree with the navigation keys as desk phones do: up/down move
 * the cursor (wrapping), OK or right opens, left or cancel goes back a page,
 * cancel on the top page closes the menu; left/right adjust a setting in place.
 */
export class MenuNavigator {
  private stack: Frame[] = [];

  get isOpen(): boolean {
    return this.stack.length > 0;
  }

  open(root: MenuPage): MenuAction[] {
    this.stack = [];
    return this.push(root);
  }

  close(): void {
    this.stack = [];
  }

  key(key: KeyName): MenuAction[] {
    const frame = this.stack[this.stack.length - 1];
    if (!frame) return [];
    const entries = frame.page.entries();
    const entry: MenuEntry | undefined = entries[Math.min(frame.cursor, entries.length - 1)];
    switch (key) {
      case 'up':
        if (entries.length > 0) frame.cursor = (frame.cursor - 1 + entries.length) % entries.length;
        return [];
      case 'down':
        if (entries.length > 0) frame.cursor = (frame.cursor + 1) % entries.length;
        return [];
      case 'ok':
      case 'right':
        if (entry?.adjust && key === 'right') return entry.adjust(1);
        if (entry?.open) return this.push(entry.open());
        if (entry?.activate) return this.finish(entry.activate());
        if (entry?.adjust) return entry.adjust(1);
        return [];
      case 'left':
        if (entry?.adjust) return entry.adjust(-1);
        return this.back();
      case 'cancel':
        return this.back();
      default:
        return [];
    }
  }

  /** The visible page: its title and the entries around the cursor, for a display of `rows` lines. */
  render(rows: number, columns: number): string[] {
    const frame = this.stack[this.stack.length - 1];
    if (!frame) return [];
    const entries = frame.page.entries();
    const cursor = Math.min(frame.cursor, Math.max(0, entries.length - 1));
    const listRows = Math.max(1, rows - 1);
    const first = Math.max(0, Math.min(cursor - listRows + 1, entries.length - listRows));
    const position = entries.length > 0 ? `${cursor + 1}/${entries.length}` : '';
    const lines = [fit(frame.page.title, position, columns)];
    if (entries.length === 0) lines.push(fit(frame.page.empty ?? '(empty)', '', columns));
    for (let i = first; i < Math.min(entries.length, first + listRows); i++) {
      const e = entries[i]!;
      lines.push(fit(`${i === cursor ? '>' : ' '}${e.label}`, e.detail ?? '', columns));
    }
    while (lines.length < rows) lines.push(' '.repeat(columns));
    return lines.slice(0, rows);
  }

  private push(page: MenuPage): MenuAction[] {
    this.stack.push({ page, cursor: 0 });
    return page.onShow?.() ?? [];
  }

  private back(): MenuAction[] {
    this.stack.pop();
    return this.stack.length === 0 ? [{ type: 'close' }] : [];
  }

  private finish(actions: MenuAction[]): MenuAction[] {
    if (actions.some((a) => a.type === 'dial' || a.type === 'close')) this.stack = [];
    return actions;
  }
}

function fit(left: string, right: string, width: number): string {
  const r = [...right];
  const room = Math.max(0, width - r.length - (r.length ? 1 : 0));
  const l = [...left].slice(0, room);
  return l.join('') + ' '.repeat(width - l.length - r.length) + r.join('');
}
