//! The general-purpose parts of the libdm ABI that need no kernel: memory
//! pools, hash tables, bitsets, string, unit and percent helpers.
//! Nothing here depends on `tree` or `task`.

pub mod bitset;
pub mod fs;
pub mod hash;
pub mod num;
pub mod pool;
pub mod strings;
pub mod time;
pub mod units;
