//! devmapper: libdevmapper, the Linux device-mapper userspace library, in
//! Rust behind the same C ABI.
//!
//! Layers (see DESIGN.md): a C or Python caller enters through [`capi`],
//! which calls the Rust API ([`task`], ...), which reaches the kernel only
//! through [`kernel`]. Nothing below calls up. [`log`] is the one facility
//! every layer shares.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

/// cbindgen:ignore
#[macro_use]
pub mod log;
/// cbindgen:ignore
pub mod config;
/// cbindgen:ignore
pub mod kernel;
/// cbindgen:ignore
pub mod task;
/// cbindgen:ignore
pub mod targets;
/// cbindgen:ignore
pub mod tree;

/// The mirror/pvmove helpers.
pub mod pvmove;
/// cbindgen:ignore
pub mod status;
/// cbindgen:ignore
pub mod udev;
/// cbindgen:ignore
pub mod util;
/// cbindgen:ignore
pub mod stats;
/// cbindgen:ignore
pub mod regex;
/// cbindgen:ignore
pub mod report;

#[allow(missing_docs, non_camel_case_types, non_snake_case, unused_variables)]
pub mod capi;

/// The library version this crate reports (`dm_get_library_version`, and
/// so `dmsetup version`'s "Library version:"): the libdm release whose
/// behaviour it follows (docs/upstream.md), then this crate's own version,
/// whose patch number is that release's: `1.02.214 (devmapper 1.2.214)`.
pub const LIBRARY_VERSION: &str =
    concat!("1.02.", env!("CARGO_PKG_VERSION_PATCH"), " (devmapper ", env!("CARGO_PKG_VERSION"), ")");

#[cfg(test)]
mod tests {
    #[test]
    fn the_library_version_names_the_libdm_release_it_follows() {
        assert_eq!(super::LIBRARY_VERSION, "1.02.214 (devmapper 1.2.214)");
    }
}
