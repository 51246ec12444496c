//! Rules for device names and uuids, checked before any ioctl, and their
//! mangling: characters udev does not accept in a /dev name are sent to
//! the kernel as `\xNN` (whitelist `0-9A-Za-z#+-.:=@_`), and names the
//! kernel returns are unmangled again.

use super::{Task, TaskError, TaskType};
use crate::kernel::{DM_NAME_LEN, DM_UUID_LEN};

/// How names and uuids are mangled (libdm's `dm_string_mangling_t`, with
/// its numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mangling {
    /// Send names as given.
    None = 0,
    /// Mangle what needs it, keep what is already mangled; a mixture is an error.
    #[default]
    Auto = 1,
    /// Always mangle, including backslashes.
    Hex = 2,
}

impl Mangling {
    /// The mode numbered `n` as in `dm_string_mangling_t`.
    pub fn from_number(n: i32) -> Option<Mangling> {
        [Mangling::None, Mangling::Auto, Mangling::Hex].into_iter().find(|m| *m as i32 == n)
    }

    /// libdm's default mode: the one `DM_DEFAULT_NAME_MANGLING_MODE` names,
    /// else auto.
    pub fn from_env() -> Mangling {
        std::env::var("DM_DEFAULT_NAME_MANGLING_MODE").ok().and_then(|v| Mangling::from_name(&v)).unwrap_or_default()
    }

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

/// The mangled form of a name or uuid to hand out (libdm's
/// `dm_task_get_name_mangled`): mode none counts as auto here; `s` itself
/// when it needs no change.
pub fn mangled_form(s: &str, what: &str, mode: Mangling, limit: usize) -> Result<String, TaskError> {
    let mode = if mode == Mangling::None { Mangling::Auto } else { mode };
    Ok(mangle(s, what, mode, limit)?.unwrap_or_else(|| s.to_string()))
}

/// The unmangled form of a name or uuid a task holds: names from the
/// kernel are already unmangled unless the mode is none.
pub fn unmangled_form(s: &str, mode: Mangling) -> String {
    match mode {
        Mangling::None => unmangle(s),
        _ => s.to_string(),
    }
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

/// Setting names and uuids as libdm's `dm_task_set_*` do: the name rules
/// are checked and the mangling mode in force, `mode`, is recorded on the
/// task (libdm mangles when the name is set).
impl Task {
    /// Checks that `s` can be mangled in `mode` and records the mode; the
    /// reason is logged, the error says what failed (as libdm words it).
    fn accept_mangled(&mut self, s: &str, what: &str, label: &str, limit: usize, mode: Mangling) -> Result<(), TaskError> {
        match mangle(s, what, mode, limit) {
            Ok(Some(m)) => crate::log_debug!("Device {what} mangled [{}]: {s} --> {m}", mode.name()),
            Ok(None) => {}
            Err(e) => {
                crate::log_error!(errno = e.errno(); "{e}");
                return Err(TaskError::Invalid(format!("Failed to mangle {label} \"{s}\".")));
            }
        }
        self.mangling = mode;
        Ok(())
    }

    /// `dm_task_set_name`: a path names an existing device (not for
    /// CREATE), whose name `resolve` finds (libdm looks in /dev/mapper:
    /// `udev::dm_name_of_path`) and is taken as it is; an empty name is no
    /// name (dmsetup's remove_all sets one).
    pub fn set_name(&mut self, s: &str, mode: Mangling, resolve: impl FnOnce(&str) -> Result<String, String>) -> Result<(), TaskError> {
        if s.contains('/') && self.kind != TaskType::Create {
            let found = resolve(s).map_err(TaskError::Invalid)?;
            check_name(&found)?;
            self.mangling = Mangling::None;
            self.name = Some(found);
            return Ok(());
        }
        if s.is_empty() {
            self.name = None;
            return Ok(());
        }
        check_name(s)?;
        self.accept_mangled(s, "name", "device name", DM_NAME_LEN, mode)?;
        self.name = Some(s.to_string());
        Ok(())
    }

    /// `dm_task_set_uuid`.
    pub fn set_uuid(&mut self, s: &str, mode: Mangling) -> Result<(), TaskError> {
        self.accept_mangled(s, "UUID", "device uuid", DM_UUID_LEN, mode)?;
        check_uuid(s)?;
        self.uuid = Some(s.to_string());
        Ok(())
    }

    /// `dm_task_set_newname`: the new name of a rename (no new uuid then).
    pub fn set_new_name(&mut self, s: &str, mode: Mangling) -> Result<(), TaskError> {
        if s.is_empty() {
            return Err(TaskError::Invalid("Non empty new name is required.".into()));
        }
        check_name(s)?;
        self.accept_mangled(s, "new name", "new device name", DM_NAME_LEN, mode)?;
        self.new_name = Some(s.to_string());
        self.new_uuid = None;
        Ok(())
    }

    /// `dm_task_set_newuuid`: the new uuid of a rename (no new name then).
    pub fn set_new_uuid(&mut self, s: &str, mode: Mangling) -> Result<(), TaskError> {
        check_uuid(s)?;
        self.accept_mangled(s, "new UUID", "new device uuid", DM_UUID_LEN, mode)?;
        self.new_uuid = Some(s.to_string());
        self.new_name = None;
        Ok(())
    }
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
    fn modes_have_libdm_numbers() {
        assert_eq!(Mangling::from_number(0), Some(Mangling::None));
        assert_eq!(Mangling::from_number(2), Some(Mangling::Hex));
        assert_eq!(Mangling::from_number(3), None);
        assert_eq!(Mangling::Auto as i32, 1);
    }

    #[test]
    fn handed_out_forms_treat_none_as_auto() {
        assert_eq!(mangled_form("a b", "name", Mangling::None, DM_NAME_LEN).unwrap(), "a\\x20b");
        assert_eq!(mangled_form("ab", "name", Mangling::Hex, DM_NAME_LEN).unwrap(), "ab");
        assert_eq!(unmangled_form("a\\x20b", Mangling::None), "a b");
        assert_eq!(unmangled_form("a\\x20b", Mangling::Auto), "a\\x20b");
    }

    fn no_path(path: &str) -> Result<String, String> {
        panic!("{path} is not a path")
    }

    #[test]
    fn a_path_names_the_device_it_resolves_to_except_for_create() {
        let mut t = Task::new(TaskType::Info);
        t.set_name("/dev/mapper/vg-lv", Mangling::Hex, |p| Ok(p.rsplit('/').next().unwrap().to_string())).unwrap();
        assert_eq!((t.name.as_deref(), t.mangling), (Some("vg-lv"), Mangling::None));
        let err = t.set_name("/dev/nothing", Mangling::Auto, |p| Err(format!("Device {p} not found"))).unwrap_err();
        assert_eq!(err.to_string(), "Device /dev/nothing not found");
        let mut create = Task::new(TaskType::Create);
        assert!(create.set_name("a/b", Mangling::Auto, no_path).is_err());
    }

    #[test]
    fn setting_a_name_records_the_mode() {
        let mut t = Task::new(TaskType::Info);
        t.set_name("a b", Mangling::Hex, no_path).unwrap();
        assert_eq!((t.name.as_deref(), t.mangling), (Some("a b"), Mangling::Hex));
        t.set_name("", Mangling::Auto, no_path).unwrap();
        assert_eq!(t.name, None);
        assert!(t.set_name("..", Mangling::Auto, no_path).is_err());
        assert!(t.set_name("a\\x20b c", Mangling::Auto, no_path).is_err());
    }

    #[test]
    fn a_rename_takes_a_new_name_or_a_new_uuid() {
        let mut t = Task::new(TaskType::Rename);
        assert!(t.set_new_name("", Mangling::Auto).is_err());
        t.set_new_name("b", Mangling::Auto).unwrap();
        t.set_new_uuid("LVM-x", Mangling::Auto).unwrap();
        assert_eq!((t.new_name.as_deref(), t.new_uuid.as_deref()), (None, Some("LVM-x")));
        t.set_new_name("c", Mangling::Auto).unwrap();
        assert_eq!((t.new_name.as_deref(), t.new_uuid.as_deref()), (Some("c"), None));
        t.set_uuid("LVM-y", Mangling::None).unwrap();
        assert_eq!(t.uuid.as_deref(), Some("LVM-y"));
    }

    #[test]
    fn mode_names_parse_case_insensitively() {
        assert_eq!(Mangling::from_name("HEX"), Some(Mangling::Hex));
        assert_eq!(Mangling::from_name("bogus"), None);
    }
}
