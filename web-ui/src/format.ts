// Formatting of what the API returns: hex bytes in memory order, little-endian values, steps.

/** The bytes of a lowercase hex string in memory order. */
export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
  return bytes;
}

/** Bytes in memory order read as an unsigned little-endian integer (x86-64's byte order). */
export function littleEndian(bytes: Uint8Array | string): bigint {
  const b = typeof bytes === 'string' ? hexToBytes(bytes) : bytes;
  let value = 0n;
  for (let i = b.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(b[i]);
  return value;
}

/** The unsigned decimal value of a range of at most 8 bytes; undefined for longer ranges. */
export function unsignedDecimal(hex: string): string | undefined {
  if (hex.length === 0 || hex.length > 16) return undefined;
  return littleEndian(hex).toString(10);
}

/** A signed reading of the same bytes (two's complement over their width), when it differs. */
export function signedDecimal(hex: string): string | undefined {
  if (hex.length === 0 || hex.length > 16) return undefined;
  const bits = BigInt(hex.length * 4);
  const value = littleEndian(hex);
  return value >> (bits - 1n) ? (value - (1n << bits)).toString(10) : undefined;
}

/** Hex bytes grouped in pairs with spaces, as a hex dump shows them: "01 00 00 00". */
export function spacedHex(hex: string): string {
  return hex.replace(/(..)(?!$)/g, '$1 ');
}

/** Printable ASCII, a dot for the rest. */
export function ascii(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  return s;
}

/** A number with thin separators every three digits, as steps are easier to read: 1 234 567. */
export function groupDigits(n: number | bigint | string): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/** A hex address padded to 12 digits (user-space addresses), more when it needs them. */
export function padAddress(addr: bigint): string {
  return '0x' + addr.toString(16).padStart(12, '0');
}

/** One row of a hex dump: 16 bytes from addr. */
export interface DumpRow {
  addr: bigint;
  offset: number;
  bytes: Uint8Array;
}

/**
 * The bytes per row of a hex dump that fit `width` pixels with characters `ch` pixels wide: 16, 8
 * or 4. A row is the address (14 characters), each byte (2 characters and 3 px), the bytes again
 * as text, and the gaps between them (memory.css).
 */
export function bytesPerRow(width: number, ch: number): number {
  const need = (n: number) => 12 + 14 * ch + 10 + n * (2 * ch + 3) + (n > 8 ? 6 : 0) + 10 + n * ch + 2;
  return [16, 8].find((n) => need(n) <= width) ?? 4;
}

/** Cuts bytes read at addr into rows of `width` aligned to multiples of `width`. */
export function dumpRows(addr: bigint, bytes: Uint8Array, width = 16): DumpRow[] {
  const rows: DumpRow[] = [];
  for (let offset = 0; offset < bytes.length; offset += width) {
    rows.push({ addr: addr + BigInt(offset), offset, bytes: bytes.subarray(offset, offset + width) });
  }
  return rows;
}

/** The short name of a source path: its last two components. */
export function shortPath(path: string | null | undefined): string {
  if (!path) return '';
  const parts = path.split('/');
  return parts.slice(-2).join('/');
}

/** Bytes with a binary unit: 6.2 MiB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (i === 0 ? String(v) : v.toFixed(1)) + ' ' + units[i];
}
