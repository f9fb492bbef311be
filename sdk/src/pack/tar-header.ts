/**
 * Encoding one tar header: a POSIX ustar block, preceded by a PAX extended header where ustar falls
 * short (long or non-ASCII names and link targets, sizes of 8 GiB and more). See tar.ts.
 */
import { SdkError } from '../errors.js';
import type { TarEntry, TarHeader } from './tar.js';

export const TAR_BLOCK = 512;

/** Largest size or mtime an 11-digit octal ustar field can hold (8 GiB - 1). */
export const USTAR_MAX_OCTAL_11 = 0o77777777777;

const PAX_HEADER_NAME = '././@PaxHeader';

function isPortableAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function writeString(block: Buffer, offset: number, length: number, text: string): void {
  block.write(text, offset, length, 'utf8');
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

/** One PAX record, `"<len> <key>=<value>\n"`, where len counts the whole record including itself. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restLength = Buffer.byteLength(rest);
  let length = restLength + String(restLength).length;
  // Adding the length's own digits can carry it into one more digit (e.g. 99 → 101).
  if (String(length).length !== String(restLength).length) length = restLength + String(length).length;
  return `${length}${rest}`;
}

export interface UstarFields {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}

/** Writes one ustar header block at `at` in `target` (which needs 512 bytes of room there). */
export function writeUstarBlock(target: Buffer, at: number, fields: UstarFields): void {
  target.fill(0, at, at + TAR_BLOCK);
  writeString(target, at, 100, fields.name);
  writeOctal(target, at + 100, 8, fields.mode);
  writeOctal(target, at + 108, 8, 0); // uid
  writeOctal(target, at + 116, 8, 0); // gid
  writeOctal(target, at + 124, 12, fields.size);
  writeOctal(target, at + 136, 12, fields.mtime);
  target.write(fields.typeflag, at + 156, 1, 'ascii');
  writeString(target, at + 157, 100, fields.linkname);
  target.write('ustar\0' + '00', at + 257, 8, 'ascii');
  // uname (265) and gname (297) stay empty; devmajor/devminor are zero.
  writeOctal(target, at + 329, 8, 0);
  writeOctal(target, at + 337, 8, 0);
  target.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + TAR_BLOCK; i++) sum += target[i]!;
  target.write(sum.toString(8).padStart(6, '0') + '\0 ', at + 148, 8, 'ascii');
}

function ustarBlock(fields: UstarFields): Buffer {
  const block = Buffer.allocUnsafe(TAR_BLOCK);
  writeUstarBlock(block, 0, fields);
  return block;
}

/** An ASCII stand-in for a name that only the PAX record carries in full. */
function fallbackName(text: string, limit: number): string {
  return text.replace(/[^\x20-\x7e]/g, '_').slice(0, limit);
}

export function padding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}

function checkMtime(mtime: number): void {
  if (mtime < 0 || mtime > USTAR_MAX_OCTAL_11 || !Number.isInteger(mtime)) {
    throw new SdkError('USAGE', `tar mtime ${mtime} is not an integer between 0 and ${USTAR_MAX_OCTAL_11}`);
  }
}

const typeflagOf = (type: TarEntry['type']): string =>
  type === 'file' ? '0' : type === 'directory' ? '5' : '2';

/**
 * The fields of the header's single ustar block when it needs no PAX record (the path and link
 * target fit in 100 bytes of plain ASCII and the size in 11 octal digits), else undefined.
 */
export function plainUstarFields(header: TarHeader): UstarFields | undefined {
  const name = header.type === 'directory' ? `${header.path}/` : header.path;
  const link = header.linkTarget ?? '';
  // Plain ASCII, so the string length is the byte length.
  if (name.length > 100 || !isPortableAscii(name) || link.length > 100 || !isPortableAscii(link))
    return undefined;
  if (header.size > USTAR_MAX_OCTAL_11) return undefined;
  checkMtime(header.mtime);
  return {
    name,
    mode: header.mode,
    size: header.size,
    mtime: header.mtime,
    typeflag: typeflagOf(header.type),
    linkname: link,
  };
}

/**
 * Encodes the header of one entry: a single ustar block, preceded by a PAX extended header when
 * the path or link target is over 100 bytes or not plain ASCII, or the size needs more than 11
 * octal digits.
 */
export function encodeTarHeader(header: TarHeader): Buffer {
  const plain = plainUstarFields(header);
  if (plain !== undefined) return ustarBlock(plain);
  const name = header.type === 'directory' ? `${header.path}/` : header.path;
  const link = header.linkTarget ?? '';
  const pax: string[] = [];
  const nameFits = Buffer.byteLength(name) <= 100 && isPortableAscii(name);
  if (!nameFits) pax.push(paxRecord('path', name));
  const linkFits = Buffer.byteLength(link) <= 100 && isPortableAscii(link);
  if (!linkFits) pax.push(paxRecord('linkpath', link));
  const sizeFits = header.size <= USTAR_MAX_OCTAL_11;
  if (!sizeFits) pax.push(paxRecord('size', String(header.size)));
  checkMtime(header.mtime);
  const main = ustarBlock({
    name: nameFits ? name : fallbackName(name, 100),
    mode: header.mode,
    size: sizeFits ? header.size : 0,
    mtime: header.mtime,
    typeflag: typeflagOf(header.type),
    linkname: linkFits ? link : fallbackName(link, 100),
  });
  const body = Buffer.from(pax.join(''), 'utf8');
  const paxHeader = ustarBlock({
    name: PAX_HEADER_NAME,
    mode: 0o644,
    size: body.length,
    mtime: header.mtime,
    typeflag: 'x',
    linkname: '',
  });
  return Buffer.concat([paxHeader, body, Buffer.alloc(padding(body.length)), main]);
}
