/**
 * POSIX ustar headers, with pax extended headers ('x') for what ustar cannot hold: names over 100 bytes or not
 * ASCII, sizes of 8 GiB and more. What `tar -xf` (GNU and bsdtar) reads, and all redesk writes.
 */
export const BLOCK = 512;
const NAME_LEN = 100;
/** Eleven octal digits: the ustar size field's limit. */
const MAX_OCTAL_SIZE = 0o77777777777;
const FILE_MODE = 0o644;
const PAX_NAME = 'PaxHeaders/entry';

export type TarType = 'file' | 'pax' | 'pax-global' | 'dir' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'gnu-long' | 'other';

export interface RawHeader {
  name: string;
  size: number;
  type: TarType;
  /** The typeflag character, for messages. */
  flag: string;
  linkname: string;
}

/** Bytes of padding after `size` bytes of data, up to the next block. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** The header block(s) for a regular file: one ustar block, preceded by a pax header when needed. */
export function fileHeader(name: string, size: number, mtimeSec: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const needsPathRecord = nameBytes.length > NAME_LEN || !/^[\x20-\x7e]*$/.test(name);
  const needsSizeRecord = size > MAX_OCTAL_SIZE;
  const ustar = ustarBlock(needsPathRecord ? asciiStub(name) : name, needsSizeRecord ? 0 : size, mtimeSec, '0');
  if (!needsPathRecord && !needsSizeRecord) return ustar;
  const records = [...(needsPathRecord ? [paxRecord('path', name)] : []), ...(needsSizeRecord ? [paxRecord('size', String(size))] : [])];
  const pax = Buffer.concat(records);
  return Buffer.concat([ustarBlock(PAX_NAME, pax.length, mtimeSec, 'x'), pax, Buffer.alloc(padding(pax.length)), ustar]);
}

/** How many bytes fileHeader() writes, without building it. */
export function fileHeaderLength(name: string, size: number): number {
  return fileHeader(name, size, 0).length;
}

/** Two zero blocks: the end of the archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/**
 * Reads one header block. Returns an error message (not a throw) for a block that is not a valid ustar header,
 * so the caller can give it its code.
 */
export function parseHeader(block: Buffer): RawHeader | { error: string } {
  const magic = block.subarray(257, 263).toString('latin1');
  if (magic !== 'ustar\0' && magic !== 'ustar ') return { error: 'not a ustar header (bad magic)' };
  const stored = parseOctal(block.subarray(148, 156));
  if (stored === undefined || stored !== checksum(block)) return { error: 'header checksum does not match' };
  const size = parseSize(block.subarray(124, 136));
  if (size === undefined) return { error: 'the size field is not a number' };
  const flag = String.fromCharCode(block[156]!);
  const name = cString(block.subarray(0, 100));
  const prefix = magic === 'ustar\0' ? cString(block.subarray(345, 500)) : '';
  return { name: prefix ? `${prefix}/${name}` : name, size, type: typeOf(flag), flag: flag === '\0' ? '0' : flag, linkname: cString(block.subarray(157, 257)) };
}

/**
 * pax records `"%d %s=%s\n"` (length counts the whole record). Returns the keywords, or an error message.
 */
export function parsePax(buf: Buffer): Map<string, string> | { error: string } {
  const out = new Map<string, string>();
  let at = 0;
  while (at < buf.length) {
    const sp = buf.indexOf(0x20, at);
    if (sp < 0 || sp - at > 20) return { error: 'a pax record has no length' };
    const len = Number(buf.subarray(at, sp).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= sp - at + 1 || at + len > buf.length || buf[at + len - 1] !== 0x0a) return { error: 'a pax record has a bad length' };
    const rec = buf.subarray(sp + 1, at + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq <= 0) return { error: 'a pax record has no keyword' };
    out.set(rec.slice(0, eq), rec.slice(eq + 1));
    at += len;
  }
  return out;
}

/** One ustar header block of any type; fileHeader() is what bundles use, tests build odd entries with this. */
export function ustarBlock(name: string, size: number, mtimeSec: number, flag: string, linkname = ''): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, NAME_LEN, 'utf8');
  b.write(linkname, 157, NAME_LEN, 'utf8');
  writeOctal(b, 100, 8, FILE_MODE);
  writeOctal(b, 108, 8, 0);
  writeOctal(b, 116, 8, 0);
  writeOctal(b, 124, 12, size);
  writeOctal(b, 136, 12, Math.max(0, Math.floor(mtimeSec)));
  b.write(flag, 156, 1, 'latin1');
  b.write('ustar\0', 257, 6, 'latin1');
  b.write('00', 263, 2, 'latin1');
  b.write('redesk', 265, 32, 'latin1');
  b.write('redesk', 297, 32, 'latin1');
  const sum = checksum(b);
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

/** The header checksum: the sum of all bytes with the checksum field counted as spaces. */
function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

function writeOctal(b: Buffer, at: number, len: number, value: number): void {
  b.write(`${value.toString(8).padStart(len - 1, '0')}\0`, at, len, 'latin1');
}

function parseOctal(field: Buffer): number | undefined {
  const s = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^[ ]+/, '');
  if (!/^[0-7]+$/.test(s)) return s === '' ? 0 : undefined;
  const n = parseInt(s, 8);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Octal, or GNU base-256 (high bit set) for large sizes. */
function parseSize(field: Buffer): number | undefined {
  if ((field[0]! & 0x80) === 0) return parseOctal(field);
  if (field[0] !== 0x80) return undefined; // negative or absurd
  let n = 0n;
  for (let i = 1; i < field.length; i++) n = (n << 8n) | BigInt(field[i]!);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
}

function cString(field: Buffer): string {
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString('utf8');
}

function typeOf(flag: string): TarType {
  switch (flag) {
    case '0':
    case '\0':
      return 'file';
    case 'x':
      return 'pax';
    case 'g':
      return 'pax-global';
    case '5':
      return 'dir';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    case '3':
    case '4':
      return 'device';
    case '6':
      return 'fifo';
    case 'L':
    case 'K':
      return 'gnu-long';
    default:
      return 'other';
  }
}

/** The ustar name field when a pax record carries the real name: ASCII, at most 100 bytes. */
function asciiStub(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return ascii.length <= NAME_LEN ? ascii : ascii.slice(ascii.length - NAME_LEN);
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body, 'utf8');
  // The length prefix counts its own digits.
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return Buffer.from(`${len}${body}`, 'utf8');
}
