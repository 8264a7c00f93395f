/**
 * The SSH wire encoding (RFC 4251 §5) that SSHSIG blobs use: uint32 big-endian, and strings as a uint32 length
 * followed by the bytes.
 */

export function sshUint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export function sshString(bytes: Buffer | string): Buffer {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return Buffer.concat([sshUint32(buf.length), buf]);
}

/** Reads fields in order; `ok` turns false (and reads return empty) once anything runs past the end. */
export class SshReader {
  private at = 0;
  ok = true;

  constructor(private readonly buf: Buffer) {}

  bytes(n: number): Buffer {
    if (!this.ok || this.at + n > this.buf.length) {
      this.ok = false;
      return Buffer.alloc(0);
    }
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  uint32(): number {
    const b = this.bytes(4);
    return b.length === 4 ? b.readUInt32BE(0) : 0;
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }

  /** True when every byte was read and nothing ran past the end. */
  get done(): boolean {
    return this.ok && this.at === this.buf.length;
  }
}
