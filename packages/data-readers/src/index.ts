// The public API of @frx/data-readers (browser-safe). Node-only readers are in ./node.

// Image folders (identity per folder)
export { imageFolderFromPaths, sortNames } from './image-folder/image-folder-dataset';
export type { ImageFolderDataset, ImageFolderEntry, NameOrder } from './image-folder/image-folder-dataset';
export { splitByIdentity, splitByImage } from './image-folder/split-image-folder';
export type {
  ImageFolderSplit,
  SplitByIdentityOptions,
  SplitByImageOptions,
} from './image-folder/split-image-folder';

// Errors and byte sources
export { DataFormatError } from './errors/data-format-error';
export type { DataFormatLocation } from './errors/data-format-error';
export { bytesSource, blobSource, toByteSource } from './io/byte-source';
export type { ByteSource, ByteSourceInput } from './io/byte-source';

// MXNet RecordIO
export { openRecordIO } from './recordio/read-record-io';
export type { OpenRecordIOOptions, RecordIOReader, RecordIORecord } from './recordio/read-record-io';
export { encodeRecord, RECORDIO_MAGIC } from './recordio/record-framing';
export { RecordIOWriter } from './recordio/record-io-writer';
export type { RecordIOSink } from './recordio/record-io-writer';
export { parseRecordIOIndex, formatRecordIOIndex } from './recordio/index-file';
export type { RecordIOIndexEntry } from './recordio/index-file';
export { unpackImageRecord, packImageRecord } from './recordio/image-record';
export type { ImageRecord, ImageRecordInput } from './recordio/image-record';
export { parseRecordIOProperty, formatRecordIOProperty } from './recordio/property-file';
export type { RecordIOProperty } from './recordio/property-file';
export { parseImageList, formatImageList } from './recordio/image-list';
export type { ImageListEntry } from './recordio/image-list';
export { readInsightfaceLayout, packInsightfaceRecordIO } from './recordio/insightface-layout';
export type {
  InsightfaceLayout,
  PackIdentity,
  PackImage,
  PackInsightfaceOptions,
  PackInsightfaceResult,
} from './recordio/insightface-layout';

// Restricted pickle reader
export { readPickle, defaultPickleGlobals } from './pickle/read-pickle';
export type { ReadPickleOptions } from './pickle/read-pickle';
export { PickleDict, pickleText } from './pickle/pickle-values';
export type { PickleGlobal, PickleGlobals } from './pickle/pickle-values';
export { NumpyArray, numpyPickleGlobals } from './pickle/numpy-globals';
export type { NumpyDtypeName } from './pickle/numpy-globals';

// insightface verification .bin
export { readVerificationBin } from './verification-bin/read-verification-bin';
export type { VerificationBin } from './verification-bin/read-verification-bin';
export { writeVerificationBin } from './verification-bin/write-verification-bin';
export type { WriteVerificationBinOptions } from './verification-bin/write-verification-bin';
export { parseLfwPairs, lfwImagePath, buildVerificationPairs } from './verification-bin/verification-pairs';
export type { VerificationPair, BuildVerificationPairsOptions } from './verification-bin/verification-pairs';

// PyTorch checkpoints
export { readTorchCheckpoint } from './torch-checkpoint/read-torch-checkpoint';
export type { TorchDtype, TorchTensor } from './torch-checkpoint/read-torch-checkpoint';

// Images: decoding (JPEG, PNG, GIF, BMP, PGM/PPM), transforms, face alignment, tensors
export type { DecodedImage } from './images/decoded-image';
export { DEFAULT_MAX_PIXELS } from './images/decoded-image';
export { decodeImage, sniffImageFormat } from './images/decode-image';
export type { DecodeImageOptions, ImageFormat } from './images/decode-image';
export { decodeJpeg } from './images/decode-jpeg';
export { decodePng } from './images/decode-png';
export { decodeGif } from './images/decode-gif';
export { decodeBmp } from './images/decode-bmp';
export { decodePnm } from './images/decode-pnm';
export { readJpegDimensions } from './images/jpeg-dimensions';
export { createWasmJpegDecoder } from './images/wasm-jpeg-decoder';
export type { WasmJpegDecoder } from './images/wasm-jpeg-decoder';
export { toRgb, toGrey } from './images/color';
export { resizeBilinear } from './images/resize-bilinear';
export { cropOrPad } from './images/crop-or-pad';
export { flipHorizontal } from './images/flip-horizontal';
export { normalizeImage, writeNormalizedImage } from './images/normalize-image';
export type { PixelNormalization } from './images/normalize-image';
export { preprocessImage } from './images/preprocess-image';
export type { ImagePreprocessSpec } from './images/preprocess-image';
export {
  alignFace,
  arcfaceTemplate,
  estimateSimilarityTransform,
  warpAffine,
  ARCFACE_TEMPLATE_112,
} from './images/align-face';
export type { AffineMatrix, Point2 } from './images/align-face';
export { imagesToTensor } from './images/images-to-tensor';

// UCR / UEA time series
export { describeSeries } from './time-series/time-series-split';
export type { TimeSeriesSplit, TimeSeriesSummary } from './time-series/time-series-split';
export { parseUcrText } from './time-series/parse-ucr-text';
export type { ParseUcrTextOptions, UcrDelimiter } from './time-series/parse-ucr-text';
export { parseTs } from './time-series/parse-ts';
export type { TsFile, TsHeader } from './time-series/parse-ts';
export { encodeLabels, kdctimeLabelCodes } from './time-series/encode-labels';
export type { EncodedLabels } from './time-series/encode-labels';
export {
  prepareSeries,
  interpolateMissing,
  resampleLinear,
  zNormalize,
  TimeSeriesPolicyError,
} from './time-series/prepare-series';
export type { DenseSeries, PrepareSeriesOptions } from './time-series/prepare-series';
export { seriesToTensor } from './time-series/series-to-tensor';

// CIFAR-10
export {
  parseCifar10Batch,
  parseCifar10Meta,
  concatCifar10Batches,
  CIFAR10_CLASSES,
  CIFAR10_RECORD_BYTES,
} from './cifar10/parse-cifar10-batch';
export type { Cifar10Batch } from './cifar10/parse-cifar10-batch';

// Streaming batches into training
export { createImageBatchStream } from './streaming/image-batch-stream';
export type { ImageBatch, ImageBatchStream, ImageBatchStreamOptions } from './streaming/image-batch-stream';
export { createInlineBatchDecoder } from './streaming/batch-decoder';
export type { BatchDecoder, BatchSample } from './streaming/batch-decoder';
export { arrayImageSource, cifar10Source } from './streaming/image-sample-source';
export type { ImageSampleSource } from './streaming/image-sample-source';
export { toTfDataset } from './streaming/to-tf-dataset';

// Archives (download helper internals, browser-safe)
export { readTar } from './download/read-tar';
export type { TarEntry } from './download/read-tar';
export { readZip } from './download/read-zip';
export type { ZipFileEntry } from './download/read-zip';
export { CIFAR10_BINARY_ARCHIVE, CIFAR10_PYTHON_ARCHIVE, ucrUeaArchive } from './download/dataset-archives';
export type { DatasetArchive } from './download/dataset-archives';
