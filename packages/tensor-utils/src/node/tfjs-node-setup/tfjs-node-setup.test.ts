import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { NativeSetupError } from './native-setup-error';
import { setupTfjsNode } from './setup-tfjs-node';
import { headerClosure, openTensorflowWheel, quotedIncludes } from './tensorflow-source';
import { findTfjsNodePackage } from './tfjs-node-package';
import { ZipArchive } from './zip-archive';

/** A zip archive written by hand (APPNOTE 4.3: local headers, central directory, end record). */
function makeZip(files: Record<string, string | Buffer>, { store = false } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const packed = store ? data : deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(store ? 0 : 8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(store ? 0 : 8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

async function tempFile(name: string, data: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'frx-native-'));
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

/** A wheel with the layout of TensorFlow's (fake libraries, real include chain). */
function fakeWheel(extra: Record<string, string> = {}): Buffer {
  return makeZip({
    'tensorflow/libtensorflow_cc.so.2': 'cc',
    'tensorflow/libtensorflow_framework.so.2': 'fw',
    'tensorflow/include/tensorflow/c/c_api.h': '#include "tensorflow/c/tf_status.h"\n#include <stddef.h>\n',
    'tensorflow/include/tensorflow/c/tf_status.h': '  #  include "tsl/c/status.h"\n',
    'tensorflow/include/tsl/c/status.h': '// leaf\n',
    'tensorflow/include/unused/big.h': 'never extracted',
    ...extra,
  });
}

describe('ZipArchive', () => {
  it('reads the central directory and inflates deflated and stored entries, checking CRC-32', async () => {
    const text = 'tfjs '.repeat(1000);
    const path = await tempFile('a.zip', makeZip({ 'a/b.txt': text, 'c.bin': Buffer.from([1, 2, 3]) }));
    const zip = await ZipArchive.open(path);
    expect([...zip.entries.keys()]).toEqual(['a/b.txt', 'c.bin']);
    expect((await zip.read(zip.get('a/b.txt')!)).toString()).toBe(text);
    const out = join(path, '..', 'c.out');
    await zip.extract(zip.get('c.bin')!, out);
    expect([...(await readFile(out))]).toEqual([1, 2, 3]);

    const stored = await ZipArchive.open(await tempFile('s.zip', makeZip({ x: 'plain' }, { store: true })));
    expect((await stored.read(stored.get('x')!)).toString()).toBe('plain');
  });

  it('names the file and offset of a damaged archive, and leaves no partial file behind', async () => {
    await expect(ZipArchive.open(await tempFile('t.zip', Buffer.from('PK')))).rejects.toThrow(
      /t\.zip is not a readable zip archive \(offset 0\): only 2 bytes/,
    );
    await expect(ZipArchive.open(await tempFile('n.zip', Buffer.alloc(100)))).rejects.toThrow(
      /no end-of-central-directory record/,
    );
    // Flip one byte of the stored payload: the CRC check must catch it.
    const good = makeZip({ x: 'payload!' }, { store: true });
    const bad = Buffer.from(good);
    bad.writeUInt8(bad.readUInt8(30 + 1 + 3) ^ 0xff, 30 + 1 + 3);
    const path = await tempFile('crc.zip', bad);
    const zip = await ZipArchive.open(path);
    const out = join(path, '..', 'x.out');
    await expect(zip.extract(zip.get('x')!, out)).rejects.toThrow(/entry x fails its CRC-32/);
    expect(existsSync(out)).toBe(false);
    // A central directory that claims more entries than its bytes can hold is refused before reading it.
    const lying = Buffer.from(good);
    lying.writeUInt16LE(0xfff0, lying.length - 22 + 10);
    await expect(ZipArchive.open(await tempFile('lie.zip', lying))).rejects.toThrow(/does not fit/);
  });
});

describe('TensorFlow sources', () => {
  it('finds the quoted includes of a source, not the system ones', () => {
    expect(
      quotedIncludes('#include "a/b.h"\n #  include "c.h"\n#include <vector>\n// #include "no"'),
    ).toEqual(['a/b.h', 'c.h']);
  });

  it('extracts only the header closure of the binding sources', async () => {
    const wheel = await openTensorflowWheel(await tempFile('tensorflow_cpu-2.21.0-cp311-x.whl', fakeWheel()));
    expect(wheel.version).toBe('2.21.0');
    expect(wheel.key).toMatch(/^tensorflow_cpu-2\.21\.0-cp311-x-[0-9a-f]{16}$/);
    const headers = await headerClosure(
      wheel,
      ['#include "tensorflow/c/c_api.h"\n#include "utils.h"'],
      new Set(['utils.h']),
    );
    expect(headers).toEqual(['tensorflow/c/c_api.h', 'tensorflow/c/tf_status.h', 'tsl/c/status.h']);
  });

  it('says which header the wheel lacks, and refuses a wheel without the C API', async () => {
    const wheel = await openTensorflowWheel(await tempFile('tf-2.0-x.whl', fakeWheel()));
    await expect(headerClosure(wheel, ['#include "tensorflow/c/eager/c_api.h"'], new Set())).rejects.toThrow(
      /does not ship the header tensorflow\/c\/eager\/c_api\.h/,
    );
    const noLib = await tempFile('numpy-2.0-x.whl', makeZip({ 'numpy/__init__.py': '' }));
    const error = await openTensorflowWheel(noLib).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NativeSetupError);
    expect((error as NativeSetupError).kind).toBe('unavailable');
    expect((error as Error).message).toMatch(/lacks tensorflow\/libtensorflow_cc\.so\.2/);
    await expect(openTensorflowWheel('/nonexistent/tf.whl')).rejects.toThrow(/does not exist/);
  });
});

describe('setupTfjsNode', () => {
  it('rejects unknown options and more than one source', async () => {
    await expect(setupTfjsNode({ wheels: 'x' } as never)).rejects.toThrow(/unknown option 'wheels'/);
    await expect(setupTfjsNode({ wheel: 'a.whl', pip: 'tensorflow' })).rejects.toThrow(/at most one/);
  });

  it('says how to install tfjs-node when the project lacks it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'frx-empty-'));
    const error = await setupTfjsNode({ project: empty, verify: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NativeSetupError);
    expect((error as NativeSetupError).hint).toMatch(/pnpm add @tensorflow\/tfjs-node@4\.22\.0/);
  });

  // The repository's postinstall set this package up (where a TensorFlow wheel was available).
  const project = join(import.meta.dirname, '..', '..', '..');
  const linked = existsSync(
    join(findTfjsNodePackage(project, '@tensorflow/tfjs-node').dir, 'frx-native-setup.json'),
  );
  it.runIf(linked)('is idempotent: a second run finds everything in place and verifies it', async () => {
    const result = await setupTfjsNode({ project });
    expect(result.alreadyDone).toBe(true);
    expect(result.verification?.tensorflowVersion).toMatch(/^2\.\d+/);
    expect(result.verification!.convGradientRelativeError).toBeLessThan(1e-4);
  });
});
