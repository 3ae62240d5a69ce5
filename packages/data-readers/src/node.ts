// Node-only entry (`@frx/data-readers/node`): readers and writers that use the file system, worker threads or HTTP.

// Image folders
export { listImageFolder, IMAGE_EXTENSIONS } from './image-folder/list-image-folder';
export type { ListedImageFolder, ListImageFolderOptions } from './image-folder/list-image-folder';

// Byte sources, RecordIO, verification .bin, PyTorch checkpoints (files on disk)
export { fileSource } from './io/file-source';
export { openRecordIOFile, packImageFolderRecordIO } from './recordio/node-record-io';
export type { PackImageFolderOptions } from './recordio/node-record-io';
export {
  readVerificationBinFile,
  writeVerificationBinFile,
  writeVerificationBinFromPairs,
} from './verification-bin/node-verification-bin';
export { readTorchCheckpointFile } from './torch-checkpoint/node-torch-checkpoint';

// UCR / UEA time series files
export { loadUcrDataset, readTsFile } from './time-series/load-ucr-dataset';
export type {
  LabelledSeries,
  LoadUcrDatasetOptions,
  UcrDataset,
  UcrFileFormat,
} from './time-series/load-ucr-dataset';

// CIFAR-10 files
export { loadCifar10 } from './cifar10/load-cifar10';
export type { Cifar10Dataset } from './cifar10/load-cifar10';

// Streaming: worker-thread decoding, files as sources, wasm JPEG in Node
export {
  createWorkerBatchDecoder,
  createNodeWasmJpegDecoder,
  readMozJpegWasm,
} from './streaming/worker-batch-decoder';
export type { WorkerBatchDecoderOptions } from './streaming/worker-batch-decoder';
export { imageFolderSource } from './streaming/image-folder-source';

// Download and cache
export { downloadDataset, defaultCacheDir, DatasetDownloadError } from './download/download-dataset';
export type { DownloadDatasetOptions, DownloadedDataset } from './download/download-dataset';
