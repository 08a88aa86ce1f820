export { MenuNavigator } from './menu-navigator.js';
export { mainMenu, type MenuSettings, type MenuStatus, type PhoneMenuDeps } from './phone-menus.js';
export type { MenuAction, MenuEntry, MenuPage } from './menu-model.js';
