/**
 * The phone's menus as data: a tree of pages whose entries are built on demand
 * from the phone's state (the call log and contacts change while a menu is
 * open). Pure: providers are plain functions; actions are returned, not done.
 */
export type MenuAction =
  | { type: 'dial'; number: string }
  | { type: 'set'; setting: string; value: unknown }
  | { type: 'viewed-missed' }
  | { type: 'close' };

export interface MenuEntry {
  label: string;
  /** Text shown at the right of the entry (a value, a count). */
  detail?: string;
  /** OK on the entry: open a page or do something. */
  open?: () => MenuPage;
  activate?: () => MenuAction[];
  /** Left/right on the entry change a setting (volume, on/off, a choice). */
  adjust?: (direction: -1 | 1) => MenuAction[];
}

export interface MenuPage {
  title: string;
  entries: () => MenuEntry[];
  /** Called when the page is shown (e.g. the missed-calls list clears the indicator). */
  onShow?: () => MenuAction[];
  /** Shown when there are no entries. */
  empty?: string;
}
