//! Rules for device names and uuids, checked before any ioctl.

use super::TaskError;
use crate::kernel::{DM_NAME_LEN, DM_UUID_LEN};

/// A device name: non-empty, shorter than DM_NAME_LEN, no '/', not "." or "..".
pub fn check_name(name: &str) -> Result<(), TaskError> {
    if name.is_empty() {
        return Err(TaskError::Invalid("Device name is empty".into()));
    }
    if name.len() >= DM_NAME_LEN {
        return Err(TaskError::Invalid(format!(
            "Name \"{name}\" too long (at most {} characters)",
            DM_NAME_LEN - 1
        )));
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
        return Err(TaskError::Invalid(format!(
            "UUID \"{uuid}\" too long (at most {} characters)",
            DM_UUID_LEN - 1
        )));
    }
    if uuid.contains('/') {
        return Err(TaskError::Invalid(format!("UUID \"{uuid}\" contains an invalid character '/'")));
    }
    if uuid.contains('\0') {
        return Err(TaskError::Invalid("UUID contains a NUL byte".into()));
    }
    Ok(())
}
