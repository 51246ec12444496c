//! Read-only questions about devices, for the modules above the tree
//! (the pvmove helpers) that may reach the kernel only through it.

use crate::kernel::{decode_dev, Kernel, TargetLine};
use crate::task::{Info, Task, TaskError, TaskType};

/// A device as the kernel reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Name.
    pub name: String,
    /// Uuid.
    pub uuid: String,
    /// Block device number.
    pub dev: (u32, u32),
    /// State.
    pub info: Info,
}

fn run(kind: TaskType, kernel: &dyn Kernel, f: impl FnOnce(&mut Task)) -> Result<crate::task::TaskOutput, TaskError> {
    let mut t = Task::new(kind);
    f(&mut t);
    t.run(kernel)
}

fn device_of(out: crate::task::TaskOutput) -> Option<Device> {
    out.info.exists.then_some(Device { name: out.name, uuid: out.uuid, dev: (out.info.major, out.info.minor), info: out.info })
}

/// The device with this name, or else with this uuid.
pub fn find_device(kernel: &dyn Kernel, name_or_uuid: &str) -> Result<Option<Device>, TaskError> {
    if name_or_uuid.is_empty() {
        return Ok(None);
    }
    if let Some(d) = device_of(run(TaskType::Info, kernel, |t| t.name = Some(name_or_uuid.into()))?) {
        return Ok(Some(d));
    }
    Ok(device_of(run(TaskType::Info, kernel, |t| t.uuid = Some(name_or_uuid.into()))?))
}

/// The device with this number, if it is a device-mapper one.
pub fn device_by_dev(kernel: &dyn Kernel, dev: (u32, u32)) -> Result<Option<Device>, TaskError> {
    Ok(device_of(run(TaskType::Info, kernel, |t| {
        t.major = Some(dev.0);
        t.minor = Some(dev.1);
    })?))
}

/// A device's live table.
pub fn live_table(kernel: &dyn Kernel, dev: (u32, u32)) -> Result<Vec<TargetLine>, TaskError> {
    Ok(run(TaskType::Table, kernel, |t| {
        t.major = Some(dev.0);
        t.minor = Some(dev.1);
    })?
    .targets)
}

/// A device's status lines.
pub fn status(kernel: &dyn Kernel, dev: (u32, u32)) -> Result<Vec<TargetLine>, TaskError> {
    Ok(run(TaskType::Status, kernel, |t| {
        t.major = Some(dev.0);
        t.minor = Some(dev.1);
    })?
    .targets)
}

/// Every device-mapper device's number.
pub fn all_devices(kernel: &dyn Kernel) -> Result<Vec<(u32, u32)>, TaskError> {
    Ok(run(TaskType::List, kernel, |_| {})?.names.iter().map(|n| decode_dev(n.dev)).collect())
}
