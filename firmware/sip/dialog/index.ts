export { Dialog, DialogError, dialogKey } from './dialog.js';
export type { DialogId, DialogState, InDialogRequestOptions, InDialogVerdict } from './dialog.js';
export { DialogTable } from './dialog-table.js';
