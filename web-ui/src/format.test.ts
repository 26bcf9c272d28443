import { describe, expect, it } from 'vitest';
import { ascii, bytesPerRow, dumpRows, groupDigits, hexToBytes, littleEndian, signedDecimal, spacedHex, unsignedDecimal, formatBytes } from './format';

describe('formatting', () => {
  it('reads memory-order hex as little-endian values', () => {
    expect(littleEndian('0100000000000000')).toBe(1n);
    expect(littleEndian('9e020000')).toBe(0x29en);
    expect(littleEndian('ffffffffffffffff')).toBe(2n ** 64n - 1n);
  });

  it('shows an unsigned decimal for ranges of at most 8 bytes only', () => {
    expect(unsignedDecimal('00020000')).toBe('512');
    expect(unsignedDecimal('ff')).toBe('255');
    expect(unsignedDecimal('ffffffffffffffff')).toBe('18446744073709551615');
    expect(unsignedDecimal('000000000000000000')).toBeUndefined(); // 9 bytes
    expect(unsignedDecimal('')).toBeUndefined();
  });

  it('reads signed values over their width', () => {
    expect(signedDecimal('ffffffff')).toBe('-1');
    expect(signedDecimal('ffffff7f')).toBeUndefined();
    expect(signedDecimal('0080')).toBe('-32768');
  });

  it('spaces hex bytes, shows printable ASCII', () => {
    expect(spacedHex('0a0b0c')).toBe('0a 0b 0c');
    expect(spacedHex('')).toBe('');
    expect(ascii(hexToBytes('4a6f6e00ff'))).toBe('Jon..');
  });

  it('cuts a hex dump into rows of 16', () => {
    const rows = dumpRows(0x1000n, new Uint8Array(40));
    expect(rows.map((r) => [r.addr, r.offset, r.bytes.length])).toEqual([
      [0x1000n, 0, 16],
      [0x1010n, 16, 16],
      [0x1020n, 32, 8],
    ]);
  });

  it('groups digits and sizes', () => {
    expect(groupDigits(1234567)).toBe('1\u2009234\u2009567');
    expect(groupDigits(123)).toBe('123');
    expect(formatBytes(6532608)).toBe('6.2 MiB');
    expect(formatBytes(12)).toBe('12 B');
  });

  it('fits as many bytes a row as the width holds, the text column included', () => {
    expect(bytesPerRow(600, 7.2)).toBe(16);
    expect(bytesPerRow(420, 7.2)).toBe(8);
    expect(bytesPerRow(300, 7.2)).toBe(4);
  });
});
