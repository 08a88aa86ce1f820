/**
 * The console's line editing, done by the phone because a UART has no tty
 * layer in between: bytes from the terminal in, complete lines and the echo to
 * send back out. Pure, so every key sequence is unit-tested.
 *
 * Terminals end a line with CR (most), LF (scripts) or CR LF (Windows
 * terminals): each ends one line, and an LF right after a CR is the same
 * line's end, not an empty line. Backspace (BS) and DEL erase a character,
 * Ctrl-U the line, Ctrl-C abandons it; ANSI escape sequences (arrow keys) are
 * swallowed (ECMA-48 §5.4: CSI, parameters, one final byte 0x40–0x7E).
 */
export type EchoMode = 'on' | 'off' | 'mask';

export interface DisciplineOutput {
  lines: string[];
  echo: string;
  /** Ctrl-C was typed (the shell may cancel what it was doing). */
  interrupted: boolean;
}

export class LineDiscipline {
  echoMode: EchoMode = 'on';
  private line: string[] = [];
  private lastWasCr = false;
  private escape: 'none' | 'esc' | 'csi' = 'none';
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(readonly maxLineLength = 256) {}

  feed(bytes: Uint8Array): DisciplineOutput {
    const out: DisciplineOutput = { lines: [], echo: '', interrupted: false };
    const text = this.decoder.decode(bytes, { stream: true });
    for (const ch of text) this.char(ch, out);
    return out;
  }

  /** Forgets a half-typed line (on logout, so the next user does not inherit it). */
  reset(): void {
    this.line = [];
    this.escape = 'none';
    this.lastWasCr = false;
  }

  private char(ch: string, out: DisciplineOutput): void {
    const code = ch.codePointAt(0)!;
    if (this.escape !== 'none') {
      if (this.escape === 'esc') this.escape = ch === '[' ? 'csi' : 'none';
      else if (code >= 0x40 && code <= 0x7e) this.escape = 'none';
      return;
    }
    const wasCr = this.lastWasCr;
    this.lastWasCr = false;
    switch (code) {
      case 0x0d: // CR
        this.lastWasCr = true;
        this.endLine(out);
        return;
      case 0x0a: // LF
        if (!wasCr) this.endLine(out);
        return;
      case 0x08: // BS
      case 0x7f: // DEL, what most terminals send for Backspace
        if (this.line.length > 0) {
          this.line.pop();
          if (this.echoMode !== 'off') out.echo += '\b \b';
        }
        return;
      case 0x15: // Ctrl-U: erase the whole line
        if (this.echoMode !== 'off') out.echo += '\b \b'.repeat(this.line.length);
        this.line = [];
        return;
      case 0x03: // Ctrl-C
        this.line = [];
        out.echo += '^C\r\n';
        out.interrupted = true;
        return;
      case 0x1b: // ESC
        this.escape = 'esc';
        return;
      default:
        if (code < 0x20 || (code >= 0x80 && code < 0xa0)) return; // other controls do nothing
        if (this.line.length >= this.maxLineLength) {
          out.echo += '\x07'; // BEL: the line is full
          return;
        }
        this.line.push(ch);
        if (this.echoMode === 'on') out.echo += ch;
        else if (this.echoMode === 'mask') out.echo += '*';
    }
  }

  private endLine(out: DisciplineOutput): void {
    out.lines.push(this.line.join(''));
    this.line = [];
    out.echo += '\r\n';
  }
}
