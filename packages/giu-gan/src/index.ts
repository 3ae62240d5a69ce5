// The public API of @frx/giu-gan lands with its issue; see README.md.
export {};
