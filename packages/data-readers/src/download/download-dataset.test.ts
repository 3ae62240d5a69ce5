import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadCifar10 } from '../cifar10/load-cifar10';
import { loadUcrDataset } from '../time-series/load-ucr-dataset';

import { CIFAR10_BINARY_ARCHIVE, ucrUeaArchive, type DatasetArchive } from './dataset-archives';
import { DatasetDownloadError, defaultCacheDir, downloadDataset } from './download-dataset';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const tgz = readFileSync(fixtures + 'download-cifar-10-binary.tar.gz');
const zip = readFileSync(fixtures + 'download-Toy.zip');
const expected = JSON.parse(readFileSync(fixtures + 'download-expected.json', 'utf8')) as {
  tgzMd5: string;
  tgzSize: number;
  zipSha256: string;
  trainLabels: number[][];
  testLabels: number[];
};

// A local server in the upstream layouts: /cifar/… and /aeon-toolkit/Toy.zip. Behaviour per path is scripted.
type Mode = 'ok' | 'corrupt-once' | 'evil';
const MAX_REQUESTS = 50;
let server: Server;
let base = '';
let requests: { path: string; headers: IncomingHttpHeaders }[] = [];
const modes = new Map<string, Mode>();
const served = new Map<string, number>();

function evilTar(): Buffer {
  const header = Buffer.alloc(512);
  header.write('../escape.txt', 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write('00000000005\0', 124);
  header.write('00000000000\0', 136);
  header[156] = 0x30;
  header.write('ustar\0', 257);
  header.write('00', 263);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const data = Buffer.alloc(512);
  data.write('hello');
  return gzipSync(Buffer.concat([header, data, Buffer.alloc(1024)]));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    if (requests.length > MAX_REQUESTS) return void res.writeHead(503).end();
    const path = req.url ?? '';
    const body = path.endsWith('.tar.gz')
      ? modes.get(path) === 'evil'
        ? evilTar()
        : tgz
      : path.endsWith('.zip')
        ? zip
        : null;
    if (!body) return void res.writeHead(404).end();
    const mode = modes.get(path) ?? 'ok';
    const count = (served.get(path) ?? 0) + 1;
    served.set(path, count);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= body.length) return void res.writeHead(416).end();
    const slice = body.subarray(start);
    res.writeHead(range ? 206 : 200, { 'content-length': slice.length, 'accept-ranges': 'bytes' });
    if (mode === 'corrupt-once' && count === 1) {
      const bad = Buffer.from(slice);
      bad[100] = bad[100]! ^ 0xff;
      return void res.end(bad);
    }
    res.end(slice);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const caches: string[] = [];
const cache = () => {
  const dir = mkdtempSync(join(tmpdir(), 'frx-cache-'));
  caches.push(dir);
  return dir;
};
afterAll(() => caches.forEach((d) => rmSync(d, { recursive: true, force: true })));

const cifarTest: DatasetArchive = {
  ...CIFAR10_BINARY_ARCHIVE,
  checksum: { algorithm: 'md5', hex: expected.tgzMd5 },
  size: expected.tgzSize,
};

describe('downloadDataset against a local HTTP server', () => {
  it('downloads, verifies (md5 + size), unpacks a CIFAR-10 tarball and then serves it from the cache', async () => {
    requests = [];
    const cacheDir = cache();
    const url = `${base}/cifar/fresh/cifar-10-binary.tar.gz`;
    const progress: number[] = [];
    const { dir, archivePath } = await downloadDataset(cifarTest, {
      cacheDir,
      url,
      onProgress: (n) => progress.push(n),
    });
    expect(archivePath).toBe(join(cacheDir, 'cifar-10-binary', 'cifar-10-binary.tar.gz'));
    expect(progress.at(-1)).toBe(expected.tgzSize);
    const ds = await loadCifar10(dir);
    expect(Array.from(ds.train.labels)).toEqual(expected.trainLabels.flat());
    expect(Array.from(ds.test.labels)).toEqual(expected.testLabels);
    expect(ds.classes).toHaveLength(10);
    expect(existsSync(`${archivePath}.part`)).toBe(false);
    const before = requests.length;
    await downloadDataset(cifarTest, { cacheDir, url, offline: true });
    expect(requests.length).toBe(before);
  });

  it('resumes an interrupted download with a Range request', async () => {
    requests = [];
    const url = `${base}/cifar/cut/cifar-10-binary.tar.gz`;
    // The first response breaks after 10,000 body bytes the way undici reports a dropped connection. The cut is
    // made in the body stream the client pulls from (not by timing a socket close, which under load can drop
    // bytes still queued in the stream), so exactly 10,000 bytes reach the .part file.
    let calls = 0;
    const cuttingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (calls++ > 0 || !response.body) return response;
      const reader = response.body.getReader();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            if (sent >= 10_000) {
              await reader.cancel();
              return controller.error(new TypeError('terminated'));
            }
            const { value, done } = await reader.read();
            if (done) return controller.close();
            const chunk = value.subarray(0, 10_000 - sent);
            sent += chunk.length;
            controller.enqueue(chunk);
          },
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const { dir } = await downloadDataset(cifarTest, {
      cacheDir: cache(),
      url,
      retries: 2,
      fetch: cuttingFetch,
    });
    expect(requests.map((r) => r.headers.range)).toEqual([undefined, 'bytes=10000-']);
    expect((await loadCifar10(dir)).train.count).toBe(10);
  });

  it('deletes a corrupt download and retries cleanly from zero', async () => {
    requests = [];
    const url = `${base}/cifar/corrupt/cifar-10-binary.tar.gz`;
    modes.set('/cifar/corrupt/cifar-10-binary.tar.gz', 'corrupt-once');
    await downloadDataset(cifarTest, { cacheDir: cache(), url });
    expect(requests.map((r) => r.headers.range)).toEqual([undefined, undefined]);
  });

  it('fails after the retries with a message naming the URL and the target file', async () => {
    const url = `${base}/cifar/fresh/cifar-10-binary.tar.gz`;
    const wrong = { ...cifarTest, checksum: { algorithm: 'md5' as const, hex: '0'.repeat(32) } };
    const cacheDir = cache();
    const error = await downloadDataset(wrong, { cacheDir, url, retries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetDownloadError);
    expect((error as Error).message).toMatch(/after 2 attempts: md5 .* expected 0{32}/);
    expect((error as DatasetDownloadError).targetPath).toBe(
      join(cacheDir, 'cifar-10-binary', 'cifar-10-binary.tar.gz'),
    );
  });

  it('gives a clear offline error for an unreachable host or offline mode', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`;
    const error = await downloadDataset(cifarTest, { cacheDir: cache(), url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetDownloadError);
    expect((error as Error).message).toMatch(
      /Could not reach .*ECONNREFUSED[\s\S]*download http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz and save it as/,
    );
    await expect(
      downloadDataset(CIFAR10_BINARY_ARCHIVE, { cacheDir: cache(), offline: true }),
    ).rejects.toThrow(
      /offline mode is on[\s\S]*https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz/,
    );
    await expect(downloadDataset(cifarTest, { proxy: 'x' } as never)).rejects.toThrow(
      /unknown option "proxy"/,
    );
  });

  it('fetches an aeon-style UCR/UEA zip and loads it as a .ts dataset', async () => {
    const { dir } = await downloadDataset(ucrUeaArchive('Toy'), {
      cacheDir: cache(),
      url: `${base}/aeon-toolkit/Toy.zip`,
    });
    const toy = await loadUcrDataset(dir, 'Toy', { format: 'ts' });
    expect(toy.classes).toEqual(['a', 'b']);
    expect(Array.from(toy.train.codes)).toEqual([0, 1]);
    expect(Array.from(toy.test.series[0]![0]!)).toEqual([7, 8, 9]);
    expect(() => ucrUeaArchive('../etc')).toThrow(/invalid dataset name/);
    expect(ucrUeaArchive('GunPoint').url).toBe(
      'https://timeseriesclassification.com/aeon-toolkit/GunPoint.zip',
    );
  });

  it('refuses archive members that would escape the cache folder', async () => {
    const path = '/evil/cifar-10-binary.tar.gz';
    modes.set(path, 'evil');
    const evil = { ...CIFAR10_BINARY_ARCHIVE, checksum: undefined, size: undefined } as DatasetArchive;
    const cacheDir = cache();
    await expect(downloadDataset(evil, { cacheDir, url: base + path })).rejects.toThrow(
      /outside the cache folder/,
    );
    expect(existsSync(join(cacheDir, 'cifar-10-binary', 'escape.txt'))).toBe(false);
  });

  it('defaults the cache under FRX_CACHE_DIR or the user cache folder', () => {
    const saved = process.env.FRX_CACHE_DIR;
    process.env.FRX_CACHE_DIR = '/tmp/frx-test-cache';
    expect(defaultCacheDir()).toBe('/tmp/frx-test-cache');
    delete process.env.FRX_CACHE_DIR;
    expect(defaultCacheDir()).toMatch(/frx$/);
    if (saved !== undefined) process.env.FRX_CACHE_DIR = saved;
  });
});
