// The public API of @frx/resnet lands with its issue; see README.md.
export {};
