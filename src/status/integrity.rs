//! The `integrity` target's status: `<mismatches> <provided data sectors>
//! <recalculation sector or ->`.

use super::scan::{strtoull_base0, until_nul, Scan};
use super::{StatusError, Target};

/// A parsed integrity status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntegrityStatus {
    /// Integrity mismatches seen.
    pub number_of_mismatches: u64,
    /// Sectors available for data.
    pub provided_data_sectors: u64,
    /// Where recalculation is (0 for `-`).
    pub recalc_sector: u64,
}

/// Parses an integrity status line.
pub fn parse(params: &str) -> Result<IntegrityStatus, StatusError> {
    parse_bytes(params.as_bytes())
}

/// Parses an integrity status line given as bytes (read up to a NUL).
pub fn parse_bytes(params: &[u8]) -> Result<IntegrityStatus, StatusError> {
    let s = until_nul(params);
    let mut sc = Scan::new(s, 0);
    let mismatches = sc.u64();
    let provided = sc.space().u64();
    // libdm reads the third field into a 16-byte buffer (%15s), then strtoull base 0.
    let recalc = sc.space().word(Some(15));
    match (mismatches, provided, recalc) {
        (Some(number_of_mismatches), Some(provided_data_sectors), Some(word)) => Ok(IntegrityStatus {
            number_of_mismatches,
            provided_data_sectors,
            recalc_sector: if word[0] == b'-' { 0 } else { strtoull_base0(word) },
        }),
        _ => Err(StatusError::malformed(Target::Integrity, s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_with_a_recalculation_position() {
        assert_eq!(parse("0 2048 1024").unwrap().recalc_sector, 1024);
    }

    #[test]
    fn a_dash_means_no_recalculation() {
        assert_eq!(parse("3 2048 -").unwrap(), IntegrityStatus { number_of_mismatches: 3, provided_data_sectors: 2048, recalc_sector: 0 });
    }

    #[test]
    fn the_recalculation_field_is_read_with_a_c_base_prefix() {
        assert_eq!(parse("0 1 0x10").unwrap().recalc_sector, 16);
        assert_eq!(parse("0 1 010").unwrap().recalc_sector, 8);
    }

    #[test]
    fn two_fields_are_rejected() {
        assert_eq!(parse("0 1").unwrap_err().to_string(), "Failed to parse integrity params: 0 1.");
    }
}
