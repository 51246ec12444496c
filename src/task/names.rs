//! Rules for device names and uuids, checked before any ioctl, and their
//! mangling: characters udev does not accept in a /dev name are sent to
//! the kernel as `\xNN` (whitelist `0-9A-Za-z#+-.:=@_`), and names the
//! kernel returns are unmangled again.

use super::TaskError;
use crate::kernel::{DM_NAME_LEN, DM_UUID_LEN};

/// How names and uuids are mangled (libdm's `dm_string_mangling_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mangling {
    /// Send names as given.
    None,
    /// Mangle what needs it, keep what is already mangled; a mixture is an error.
    #[default]
    Auto,
    /// Always mangle, including backslashes.
    Hex,
}

impl Mangling {
    /// Parses "none", "auto" or "hex" (any case), as `DM_DEFAULT_NAME_MANGLING_MODE`.
    pub fn from_name(s: &str) -> Option<Mangling> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Some(Mangling::None),
            "auto" => Some(Mangling::Auto),
            "hex" => Some(Mangling::Hex),
            _ => None,
        }
    }

    /// The mode's name as libdm's messages print it.
    pub fn name(self) -> &'static str {
        match self {
            Mangling::None => "none",
            Mangling::Auto => "auto",
            Mangling::Hex => "hex",
        }
    }
}

fn whitelisted(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"#+-.:=@_".contains(&b)
}

fn is_hex_escape(bytes: &[u8]) -> bool {
    bytes.len() >= 4 && bytes[0] == b'\\' && bytes[1] == b'x' && bytes[2].is_ascii_hexdigit() && bytes[3].is_ascii_hexdigit()
}

/// The mangled form of `s` (`what` is "name", "UUID" ... for messages), or
/// None when it needs no change. `limit` is the kernel's field size.
pub fn mangle(s: &str, what: &str, mode: Mangling, limit: usize) -> Result<Option<String>, TaskError> {
    if mode == Mangling::None || s.is_empty() {
        return Ok(None);
    }
    if mode == Mangling::Auto && s.contains("\\x5cx") {
        return Err(TaskError::Invalid(format!(
            "The {what} \"{s}\" seems to be mangled more than once. This is not allowed in auto mode."
        )));
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // In auto mode a string is either already mangled or not at all.
    let (mut saw_mangled, mut saw_plain) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if mode == Mangling::Auto && b == b'\\' && bytes.get(i + 1) == Some(&b'x') {
            if !is_hex_escape(&bytes[i..]) || saw_plain {
                return Err(mixed(what, s));
            }
            out.push_str(&s[i..i + 4]);
            saw_mangled = true;
            i += 4;
            continue;
        }
        if whitelisted(b) {
            out.push(b as char);
        } else {
            if mode == Mangling::Auto && saw_mangled {
                return Err(mixed(what, s));
            }
            saw_plain = true;
            out.push_str(&format!("\\x{b:02x}"));
        }
        i += 1;
    }
    if out.len() >= limit {
        return Err(TaskError::Invalid(format!("Mangled form of the {what} too long for \"{s}\".")));
    }
    Ok((out != s).then_some(out))
}

fn mixed(what: &str, s: &str) -> TaskError {
    TaskError::Invalid(format!(
        "The {what} \"{s}\" contains mixed mangled and unmangled characters or it's already mangled improperly."
    ))
}

/// The unmangled form of a name the kernel returned: every `\xNN` decoded.
pub fn unmangle(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if is_hex_escape(&bytes[i..]) {
            let hex = &s[i + 2..i + 4];
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A device name: non-empty, shorter than DM_NAME_LEN, no '/', not "." or "..".
pub fn check_name(name: &str) -> Result<(), TaskError> {
    if name.is_empty() {
        return Err(TaskError::Invalid("Device name is empty".into()));
    }
    if name.len() >= DM_NAME_LEN {
        return Err(TaskError::Invalid(format!("Name \"{name}\" too long.")));
    }
    if name.contains('/') {
        return Err(TaskError::Invalid(format!("Name \"{name}\" invalid. It contains \"/\".")));
    }
    if name == "." || name == ".." {
        return Err(TaskError::Invalid(format!("Name \"{name}\" is reserved")));
    }
    if name.contains('\0') {
        return Err(TaskError::Invalid("Name contains a NUL byte".into()));
    }
    Ok(())
}

/// A uuid: shorter than DM_UUID_LEN, no '/'.
pub fn check_uuid(uuid: &str) -> Result<(), TaskError> {
    if uuid.len() >= DM_UUID_LEN {
        return Err(TaskError::Invalid(format!("UUID \"{uuid}\" too long.")));
    }
    if uuid.contains('/') {
        return Err(TaskError::Invalid(format!("UUID \"{uuid}\" invalid. It contains \"/\".")));
    }
    if uuid.contains('\0') {
        return Err(TaskError::Invalid("UUID contains a NUL byte".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str, mode: Mangling) -> Result<Option<String>, TaskError> {
        mangle(s, "name", mode, DM_NAME_LEN)
    }

    #[test]
    fn whitelisted_names_need_no_mangling() {
        assert_eq!(m("vg-lv_1.2:3@x=y+z#", Mangling::Auto).unwrap(), None);
    }

    #[test]
    fn other_characters_become_hex_escapes() {
        assert_eq!(m("a b$c", Mangling::Auto).unwrap().as_deref(), Some("a\\x20b\\x24c"));
    }

    #[test]
    fn auto_keeps_an_already_mangled_name() {
        assert_eq!(m("a\\x20b", Mangling::Auto).unwrap(), None);
    }

    #[test]
    fn auto_refuses_a_mixture() {
        assert!(m("a\\x20b c", Mangling::Auto).is_err());
        assert!(m("a\\x5cxx", Mangling::Auto).is_err());
    }

    #[test]
    fn hex_mangles_backslashes_too() {
        assert_eq!(m("a\\x20", Mangling::Hex).unwrap().as_deref(), Some("a\\x5cx20"));
    }

    #[test]
    fn none_leaves_names_alone() {
        assert_eq!(m("a b", Mangling::None).unwrap(), None);
    }

    #[test]
    fn unmangle_reverses_mangle() {
        assert_eq!(unmangle("a\\x20b\\x24c"), "a b$c");
        assert_eq!(unmangle("plain\\xZZ"), "plain\\xZZ");
    }

    #[test]
    fn a_mangled_form_too_long_for_the_kernel_is_refused() {
        assert!(m(&" ".repeat(40), Mangling::Auto).is_err());
    }

    #[test]
    fn mode_names_parse_case_insensitively() {
        assert_eq!(Mangling::from_name("HEX"), Some(Mangling::Hex));
        assert_eq!(Mangling::from_name("bogus"), None);
    }
}
