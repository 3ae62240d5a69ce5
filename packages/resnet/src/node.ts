// Node-only helpers of @frx/resnet (they use node:fs); the main entry stays browser-safe.
export { fileSystemIO, registerFileSystemRouter } from './io/file-system-io';
