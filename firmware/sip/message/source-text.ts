/**
 * The decoded header section of a parsed message, kept to turn a character
 * index into what a SipParseError reports: the byte offset in the input and
 * the 1-based line. Computed only when an error is raised, so a parse that
 * succeeds pays nothing for precise errors.
 */
export class SourceText {
  constructor(
    readonly text: string,
    /** Byte offset of text[0] in the input (after leading CRLFs). */
    private readonly base: number,
    /** True when every character is one byte (the common case: indexes are offsets). */
    private readonly ascii: boolean,
  ) {}

  byte(index: number): number {
    return this.base + (this.ascii ? index : Buffer.byteLength(this.text.slice(0, index), 'utf8'));
  }

  line(index: number): number {
    let n = 1;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < index; i = this.text.indexOf('\n', i + 1)) n++;
    return n;
  }
}
