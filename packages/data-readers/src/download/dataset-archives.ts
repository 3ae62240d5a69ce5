/** A public archive the download helper knows how to fetch, verify and unpack. */
export interface DatasetArchive {
  /** Cache sub-folder, e.g. `'cifar-10-binary'` or `'ucr/GunPoint'`. */
  id: string;
  /** Where the dataset owner publishes it. */
  url: string;
  /** File name in the cache. */
  fileName: string;
  /** `'tar.gz'`, `'zip'` or `'none'` (keep the file as is). */
  archive: 'tar.gz' | 'zip' | 'none';
  /** Expected checksum, when the owner publishes one. */
  checksum?: { algorithm: 'md5' | 'sha256'; hex: string };
  /** Expected size in bytes, when known (also bounds the download). */
  size?: number;
  /** Human description for messages. */
  description: string;
}

/**
 * CIFAR-10 binary version (`cifar-10-binary.tar.gz` → `cifar-10-batches-bin/`), from the dataset page of
 * Krizhevsky (2009), with the MD5 and size published there.
 */
export const CIFAR10_BINARY_ARCHIVE: DatasetArchive = {
  id: 'cifar-10-binary',
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  fileName: 'cifar-10-binary.tar.gz',
  archive: 'tar.gz',
  checksum: { algorithm: 'md5', hex: 'c32a1d4ab5d03f1284b67883e8d87530' },
  size: 170_052_171,
  description: 'CIFAR-10 binary version (Krizhevsky 2009)',
};

/** CIFAR-10 python version (`cifar-10-python.tar.gz` → `cifar-10-batches-py/`, pickled batches). */
export const CIFAR10_PYTHON_ARCHIVE: DatasetArchive = {
  id: 'cifar-10-python',
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz',
  fileName: 'cifar-10-python.tar.gz',
  archive: 'tar.gz',
  checksum: { algorithm: 'md5', hex: 'c58f30108f718f92721af3b95e74349a' },
  description: 'CIFAR-10 python version (Krizhevsky 2009)',
};

/**
 * A UCR/UEA dataset as distributed per dataset by timeseriesclassification.com for aeon (`<Name>.zip` holding
 * `<Name>_TRAIN.ts` / `_TEST.ts`, and for most datasets `.arff` and `.txt` copies); the URL scheme is the one
 * aeon's `load_classification` uses. No checksums are published.
 *
 * @param name - dataset name, e.g. `'GunPoint'`, `'BasicMotions'` (letters, digits, `_` and `-`).
 * @returns the archive description.
 * @throws TypeError for names that could escape the URL or the cache folder.
 */
export function ucrUeaArchive(name: string): DatasetArchive {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(name))
    throw new TypeError(`ucrUeaArchive: invalid dataset name "${name}"`);
  return {
    id: `ucr-uea/${name}`,
    url: `https://timeseriesclassification.com/aeon-toolkit/${name}.zip`,
    fileName: `${name}.zip`,
    archive: 'zip',
    description: `UCR/UEA time-series dataset ${name} (Dau et al. 2019; Bagnall et al. 2018)`,
  };
}
