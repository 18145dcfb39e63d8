/**
 * Splits a byte stream into lines across chunk boundaries (a chunk may end mid-line, or mid
 * UTF-8 character: the decoder keeps the partial bytes). `flush()` returns the unterminated tail.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';

  push(chunk: Uint8Array): string[] {
    this.pending += this.decoder.decode(chunk, { stream: true });
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.map(stripCr);
  }

  flush(): string[] {
    this.pending += this.decoder.decode();
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? [] : [stripCr(rest)];
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
