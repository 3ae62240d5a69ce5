// The public API of @frx/kdctime lands with its issue; see README.md.
export {};
