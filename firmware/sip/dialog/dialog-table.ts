import type { SipRequest } from '../message/index.js';
import { Dialog, dialogKey, type DialogId } from './dialog.js';

/**
 * The dialogs a UA has open, found by their id (§12.2.2: "If the request has a tag in the To header field,
 * the UAS core computes the dialog identifier ... and compares it with existing dialogs"). The UA core answers
 * 481 when an in-dialog request names no dialog here.
 */
export class DialogTable<T extends { readonly dialog: Dialog } = { readonly dialog: Dialog }> {
  private readonly byKey = new Map<string, T>();

  add(entry: T): void {
    this.byKey.set(entry.dialog.key, entry);
  }

  get(id: DialogId): T | undefined {
    return this.byKey.get(dialogKey(id));
  }

  /** The dialog an incoming request belongs to, if it names one we have. */
  forRequest(request: SipRequest): T | undefined {
    const id = Dialog.idOfIncoming(request);
    return id === undefined ? undefined : this.get(id);
  }

  remove(id: DialogId): void {
    this.byKey.delete(dialogKey(id));
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<T> {
    return this.byKey.values();
  }
}
