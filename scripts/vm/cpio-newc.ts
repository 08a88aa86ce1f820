/**
 * A writer for the "newc" cpio format that the kernel unpacks as initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): per entry a
 * 110-byte ASCII header "070701" + 13 eight-digit hex fields, the NUL-ended
 * name padded to 4 bytes, the data padded to 4 bytes; a "TRAILER!!!" entry
 * ends the archive. Written here so the rig needs no cpio on the host.
 */
export type CpioEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly kind: 'char'; readonly path: string; readonly major: number; readonly minor: number; readonly mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(length: number): number {
  return (4 - (length % 4)) % 4;
}

function header(fields: {
  ino: number;
  mode: number;
  nlink: number;
  size: number;
  rdevMajor: number;
  rdevMinor: number;
  nameSize: number;
}): string {
  return (
    '070701' +
    [
      fields.ino,
      fields.mode,
      0, // uid: root
      0, // gid: root
      fields.nlink,
      0, // mtime: fixed, so the same inputs give the same bytes
      fields.size,
      0, // devmajor
      0, // devminor
      fields.rdevMajor,
      fields.rdevMinor,
      fields.nameSize,
      0, // check: only used by the "070702" CRC variant
    ]
      .map(hex8)
      .join('')
  );
}

export function writeCpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const push = (path: string, mode: number, nlink: number, data: Uint8Array, rdev: [number, number], ino: number): void => {
    // Paths in an initramfs are relative to its root, without a leading slash.
    const name = Buffer.from(`${path.replace(/^\/+/, '')}\0`, 'utf8');
    const head = Buffer.from(
      header({ ino, mode, nlink, size: data.length, rdevMajor: rdev[0], rdevMinor: rdev[1], nameSize: name.length }),
      'ascii',
    );
    parts.push(head, name, Buffer.alloc(pad4(head.length + name.length)), Buffer.from(data), Buffer.alloc(pad4(data.length)));
  };
  entries.forEach((e, i) => {
    const ino = i + 1;
    if (e.kind === 'dir') push(e.path, S_IFDIR | (e.mode ?? 0o755), 2, new Uint8Array(0), [0, 0], ino);
    else if (e.kind === 'file') push(e.path, S_IFREG | (e.mode ?? 0o644), 1, e.data, [0, 0], ino);
    else push(e.path, S_IFCHR | (e.mode ?? 0o600), 1, new Uint8Array(0), [e.major, e.minor], ino);
  });
  push('TRAILER!!!', 0, 1, new Uint8Array(0), [0, 0], 0);
  return Buffer.concat(parts);
}
