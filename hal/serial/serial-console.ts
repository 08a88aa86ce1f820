import type { EchoMode } from './line-discipline.js';
import { LineDiscipline } from './line-discipline.js';

/**
 * A text console on a serial line (issue 6 §1: "SerialConsole (lines in and
 * out)"): the board's UART or a USB serial adapter, or a simulated one. Lines
 * typed by a person arrive whole, edited and echoed by the console itself.
 */
export type SerialConsoleEvent =
  | { type: 'opened'; path: string }
  | { type: 'closed' }
  | { type: 'lost'; path: string; reason: string }
  | { type: 'restored'; path: string; downtimeMs: number }
  | { type: 'interrupt' }
  | { type: 'error'; error: Error };

export interface SerialConsole {
  readonly name: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  /** A complete line as typed (without its terminator). */
  onLine(listener: (line: string) => void): () => void;
  onEvent(listener: (event: SerialConsoleEvent) => void): () => void;
  /** Writes `text` without a line end (a prompt). LF becomes CR LF, as a raw terminal needs. */
  write(text: string): void;
  writeLine(text?: string): void;
  /** 'off' while a password is typed: nothing echoed (not even its length); 'mask' echoes '*'. */
  setEcho(mode: EchoMode): void;
}

/** Line editing, echo and listeners shared by the drivers; a driver supplies transmit() and calls receive(). */
export abstract class SerialConsoleBase {
  readonly name: string;
  protected readonly discipline = new LineDiscipline();
  private readonly lineListeners = new Set<(line: string) => void>();
  private readonly eventListeners = new Set<(event: SerialConsoleEvent) => void>();

  protected constructor(name: string) {
    this.name = name;
  }

  onLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  onEvent(listener: (event: SerialConsoleEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  write(text: string): void {
    this.transmit(Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8'));
  }

  writeLine(text = ''): void {
    this.write(`${text}\n`);
  }

  setEcho(mode: EchoMode): void {
    this.discipline.echoMode = mode;
  }

  protected abstract transmit(bytes: Buffer): void;

  protected receive(bytes: Uint8Array): void {
    const out = this.discipline.feed(bytes);
    if (out.echo !== '') this.transmit(Buffer.from(out.echo, 'utf8'));
    if (out.interrupted) this.emit({ type: 'interrupt' });
    for (const line of out.lines) for (const l of this.lineListeners) l(line);
  }

  protected emit(event: SerialConsoleEvent): void {
    for (const l of this.eventListeners) {
      try {
        l(event);
      } catch {
        // a listener's failure must not break the console
      }
    }
  }
}
