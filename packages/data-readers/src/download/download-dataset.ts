import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';

import { FrxError, frxErrorBrand } from '@frx/tensor-utils';

import { DataFormatError } from '../errors/data-format-error';
import { gunzipBounded } from './gunzip-bounded';
import type { DatasetArchive } from './dataset-archives';
import { readTar } from './read-tar';
import { readZip } from './read-zip';

/** Thrown when a dataset cannot be downloaded: says which URL to fetch by hand and where to put the file. */
export class DatasetDownloadError extends FrxError {
  static override readonly brand: symbol = frxErrorBrand('DatasetDownloadError');
  override readonly name: string = 'DatasetDownloadError';
  /** The archive URL. */
  readonly url: string;
  /** Where the downloaded file is expected. */
  readonly targetPath: string;

  constructor(reason: string, url: string, targetPath: string, options?: ErrorOptions) {
    super(
      `${reason}\nTo install it by hand, download ${url} and save it as ${targetPath} (the file is verified and unpacked on the next call).`,
      options,
    );
    this.url = url;
    this.targetPath = targetPath;
  }
}

/** Options of {@link downloadDataset}. */
export interface DownloadDatasetOptions {
  /** Cache folder. Default {@link defaultCacheDir}(). */
  cacheDir?: string;
  /** Never touch the network; fail with {@link DatasetDownloadError} unless the file is cached. Default false. */
  offline?: boolean;
  /** Override the archive URL (mirrors, local servers). Default the archive's URL. */
  url?: string;
  /** Attempts after a failed or corrupt download (a clean retry from zero after a checksum mismatch). Default 2. */
  retries?: number;
  /** Abort a request when no bytes arrive for this long (ms). Default 60 000. */
  stallTimeoutMs?: number;
  /** Refuse downloads larger than this (bytes). Default the archive's size, else 4 GiB. */
  maxBytes?: number;
  /**
   * Refuse to unpack archives whose members add up to more than this (bytes, checked before inflating a zip and
   * while gunzipping a tarball). Default `8 · archive bytes + 64 MiB`.
   */
  maxTotalBytes?: number;
  /** Called with bytes received and total (if known). */
  onProgress?: (received: number, total: number | undefined) => void;
  /** `fetch` implementation (tests, proxies). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** Where {@link downloadDataset} put things. */
export interface DownloadedDataset {
  /** The verified archive file. */
  archivePath: string;
  /** Folder the archive was unpacked into (equals `dirname(archivePath)` for `archive: 'none'`). */
  dir: string;
}

/**
 * The default cache folder: `$FRX_CACHE_DIR`, else `$XDG_CACHE_HOME/frx`, else `~/.cache/frx` (Linux),
 * `~/Library/Caches/frx` (macOS) or `%LOCALAPPDATA%\frx` (Windows).
 */
export function defaultCacheDir(): string {
  const env = process.env;
  if (env.FRX_CACHE_DIR) return env.FRX_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'frx');
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Caches', 'frx');
  if (platform() === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'frx');
  return join(homedir(), '.cache', 'frx');
}

const exists = (path: string) =>
  stat(path).then(
    (s) => s,
    () => null,
  );

async function checksumOf(path: string, algorithm: 'md5' | 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Downloads a public dataset archive into a cache folder, verifies it and unpacks it, once: later calls return the
 * cached result without network access. Downloads go to `<file>.part` and are renamed only after the size and
 * checksum match (atomic); an interrupted download resumes with an HTTP `Range` request; a corrupt one is deleted
 * and retried from zero. Archives unpack into a temporary folder renamed into place, with every member path checked
 * to stay inside it. When the network is unreachable (or `offline` is set) a {@link DatasetDownloadError} says which
 * URL to fetch by hand and where to save it. Node only.
 *
 * @param archive - what to fetch ({@link CIFAR10_BINARY_ARCHIVE}, {@link ucrUeaArchive}`('GunPoint')`, or your own).
 * @param options - `cacheDir`, `offline` (false), `url`, `retries` (2), `stallTimeoutMs` (60 000), `maxBytes`,
 *   `maxTotalBytes` (`8 · archive bytes + 64 MiB`), `onProgress`, `fetch`.
 * @returns the archive path and the unpacked folder.
 * @throws DatasetDownloadError when the file cannot be obtained or verified; DataFormatError when the archive is
 *   malformed or unpacks to more than `maxTotalBytes`.
 *
 * @example
 * const { dir } = await downloadDataset(ucrUeaArchive('GunPoint'));
 * const gunPoint = await loadUcrDataset(dir, 'GunPoint', { format: 'ts' });
 */
export async function downloadDataset(
  archive: DatasetArchive,
  options: DownloadDatasetOptions = {},
): Promise<DownloadedDataset> {
  const allowed = [
    'cacheDir',
    'offline',
    'url',
    'retries',
    'stallTimeoutMs',
    'maxBytes',
    'maxTotalBytes',
    'onProgress',
    'fetch',
  ];
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key))
      throw new TypeError(`downloadDataset: unknown option "${key}" (allowed: ${allowed.join(', ')})`);
  }
  const folder = join(options.cacheDir ?? defaultCacheDir(), ...archive.id.split('/'));
  const archivePath = join(folder, archive.fileName);
  const dir = archive.archive === 'none' ? folder : join(folder, 'extracted');
  const url = options.url ?? archive.url;
  const marker = join(dir, '.frx-complete');
  if (archive.archive !== 'none' && (await exists(marker))) return { archivePath, dir };

  await mkdir(folder, { recursive: true });
  if (!(await verified(archivePath, archive))) {
    if (options.offline === true) {
      throw new DatasetDownloadError(
        `${archive.description} is not in the cache and offline mode is on.`,
        url,
        archivePath,
      );
    }
    await fetchWithRetries(url, archivePath, archive, options);
  }
  if (archive.archive !== 'none') await unpack(archivePath, dir, archive, options.maxTotalBytes);
  return { archivePath, dir };
}

async function verified(path: string, archive: DatasetArchive): Promise<boolean> {
  const info = await exists(path);
  if (!info) return false;
  if (archive.size !== undefined && info.size !== archive.size) return false;
  if (archive.checksum) return (await checksumOf(path, archive.checksum.algorithm)) === archive.checksum.hex;
  return true;
}

async function fetchWithRetries(
  url: string,
  target: string,
  archive: DatasetArchive,
  options: DownloadDatasetOptions,
): Promise<void> {
  const retries = options.retries ?? 2;
  const part = `${target}.part`;
  let lastError: unknown = null;
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      await fetchToPart(url, part, archive, options);
      const size = (await stat(part)).size;
      if (archive.size !== undefined && size !== archive.size) {
        throw new Error(`size ${size} bytes, expected ${archive.size}`);
      }
      if (archive.checksum) {
        const actual = await checksumOf(part, archive.checksum.algorithm);
        if (actual !== archive.checksum.hex) {
          await rm(part, { force: true }); // corrupt: the next attempt starts from zero
          throw new Error(`${archive.checksum.algorithm} ${actual}, expected ${archive.checksum.hex}`);
        }
      }
      await rename(part, target);
      return;
    } catch (error) {
      lastError = error;
      if (error instanceof DatasetDownloadError) throw error;
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new DatasetDownloadError(
    `Could not download ${archive.description} from ${url} after ${retries + 1} attempts: ${reason}.`,
    url,
    target,
    { cause: lastError },
  );
}

// Downloads into `part`, resuming from its current size when the server honours Range.
async function fetchToPart(
  url: string,
  part: string,
  archive: DatasetArchive,
  options: DownloadDatasetOptions,
): Promise<void> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const maxBytes = options.maxBytes ?? archive.size ?? 4 * 2 ** 30;
  const stallMs = options.stallTimeoutMs ?? 60_000;
  const have = (await exists(part))?.size ?? 0;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new Error(`no data for ${stallMs} ms`)), stallMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${stallMs} ms`)), stallMs);
  };
  try {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: have > 0 ? { range: `bytes=${have}-` } : {},
        signal: controller.signal,
        redirect: 'follow',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new DatasetDownloadError(`Could not reach ${url} (${cause}).`, url, part.replace(/\.part$/, ''), {
        cause: error,
      });
    }
    if (response.status === 416 && have > 0) {
      // The part file is already complete (or longer than the resource): let verification decide.
      await response.body?.cancel();
      return;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    }
    const resumed = response.status === 206 && have > 0;
    const declared = Number(response.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(declared) ? declared + (resumed ? have : 0) : undefined;
    if (total !== undefined && total > maxBytes) {
      await response.body?.cancel();
      throw new DatasetDownloadError(
        `${url} is ${total} bytes, more than maxBytes ${maxBytes}.`,
        url,
        part.replace(/\.part$/, ''),
      );
    }
    const handle = await open(part, resumed ? 'a' : 'w');
    let received = resumed ? have : 0;
    try {
      if (!response.body) throw new Error('empty response body');
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        received += chunk.length;
        if (received > maxBytes)
          throw new DatasetDownloadError(
            `${url} exceeds maxBytes ${maxBytes}.`,
            url,
            part.replace(/\.part$/, ''),
          );
        await handle.write(chunk);
        options.onProgress?.(received, total);
      }
    } finally {
      await handle.close();
    }
    if (total !== undefined && received !== total)
      throw new Error(`connection closed after ${received} of ${total} bytes`);
  } finally {
    clearTimeout(timer);
  }
}

async function unpack(
  archivePath: string,
  dir: string,
  archive: DatasetArchive,
  maxTotalBytes: number | undefined,
): Promise<void> {
  const bytes = new Uint8Array(await readFile(archivePath));
  const limits = maxTotalBytes === undefined ? {} : { maxTotalBytes };
  const files =
    archive.archive === 'zip'
      ? readZip(bytes, { file: archivePath, ...limits }).map((e) => ({
          name: e.name,
          data: e.data,
          isDir: false,
          offset: undefined as number | undefined,
        }))
      : readTar(gunzipBounded(bytes, archivePath, maxTotalBytes), { file: archivePath })
          .filter((e) => e.type !== 'other')
          .map((e) => ({ name: e.name, data: e.data, isDir: e.type === 'directory', offset: e.offset }));
  const temp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  try {
    for (const f of files) {
      const relative = normalize(f.name).replace(/^(\.\/)+/, '');
      if (
        relative.startsWith('..') ||
        relative.startsWith(sep) ||
        /^[A-Za-z]:/.test(relative) ||
        relative.split(sep).includes('..')
      ) {
        throw new DatasetDownloadError(
          `Archive member "${f.name}" would be written outside the cache folder.`,
          archive.url,
          archivePath,
        );
      }
      if (relative === '.' || relative === '') {
        // `./` is the archive's root folder; a file with that name has nowhere to go.
        if (f.isDir) continue;
        throw new DataFormatError(`archive member "${f.name}" is a file without a name`, {
          file: archivePath,
          ...(f.offset !== undefined ? { offset: f.offset } : {}),
        });
      }
      const path = join(temp, relative);
      try {
        if (f.isDir) {
          await mkdir(path, { recursive: true });
          continue;
        }
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, f.data);
      } catch (error) {
        // A file and a folder of the same name (EISDIR, ENOTDIR, EEXIST) is a malformed archive, not an I/O fault.
        const code = (error as { code?: string }).code;
        if (code !== 'EISDIR' && code !== 'ENOTDIR' && code !== 'EEXIST') throw error;
        throw new DataFormatError(
          `archive member "${f.name}" clashes with another member of the same path (${code})`,
          { file: archivePath, ...(f.offset !== undefined ? { offset: f.offset } : {}) },
          { cause: error },
        );
      }
    }
    await writeFile(join(temp, '.frx-complete'), `${archive.url}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
