//! One device-mapper request (a "task") and its decoded reply as Rust types.
//!
//! A [`Task`] describes what to do; [`Task::run`] turns it into one or more
//! kernel requests (CREATE with a table is create, load and resume, undone
//! if a later step fails) and returns a [`TaskOutput`].

mod names;

use std::time::Duration;

use thiserror::Error;

use crate::kernel::{
    decode_dev, encode_dev, Command, DeviceId, Flags, Kernel, KernelError, NameEntry, Payload,
    Reply, ReplyData, Request, TargetLine, TargetVersion,
};
pub use names::{check_name, check_uuid, mangle, mangled_form, unmangle, unmangled_form, Mangling};

/// The task types of libdm, numbered as `DM_DEVICE_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskType {
    /// DM_DEVICE_CREATE
    Create,
    /// DM_DEVICE_RELOAD
    Reload,
    /// DM_DEVICE_REMOVE
    Remove,
    /// DM_DEVICE_REMOVE_ALL
    RemoveAll,
    /// DM_DEVICE_SUSPEND
    Suspend,
    /// DM_DEVICE_RESUME
    Resume,
    /// DM_DEVICE_INFO
    Info,
    /// DM_DEVICE_DEPS
    Deps,
    /// DM_DEVICE_RENAME
    Rename,
    /// DM_DEVICE_VERSION
    Version,
    /// DM_DEVICE_STATUS
    Status,
    /// DM_DEVICE_TABLE
    Table,
    /// DM_DEVICE_WAITEVENT
    WaitEvent,
    /// DM_DEVICE_LIST
    List,
    /// DM_DEVICE_CLEAR
    Clear,
    /// DM_DEVICE_MKNODES
    Mknodes,
    /// DM_DEVICE_LIST_VERSIONS
    ListVersions,
    /// DM_DEVICE_TARGET_MSG
    TargetMsg,
    /// DM_DEVICE_SET_GEOMETRY
    SetGeometry,
    /// DM_DEVICE_ARM_POLL
    ArmPoll,
    /// DM_DEVICE_GET_TARGET_VERSION
    GetTargetVersion,
}

const ALL_TYPES: [TaskType; 21] = [
    TaskType::Create,
    TaskType::Reload,
    TaskType::Remove,
    TaskType::RemoveAll,
    TaskType::Suspend,
    TaskType::Resume,
    TaskType::Info,
    TaskType::Deps,
    TaskType::Rename,
    TaskType::Version,
    TaskType::Status,
    TaskType::Table,
    TaskType::WaitEvent,
    TaskType::List,
    TaskType::Clear,
    TaskType::Mknodes,
    TaskType::ListVersions,
    TaskType::TargetMsg,
    TaskType::SetGeometry,
    TaskType::ArmPoll,
    TaskType::GetTargetVersion,
];

impl TaskType {
    /// The task type for a `DM_DEVICE_*` number.
    pub fn from_number(n: i32) -> Option<TaskType> {
        usize::try_from(n).ok().and_then(|i| ALL_TYPES.get(i).copied())
    }

    /// The name libdm uses for this task's ioctl in messages.
    pub fn op_name(self) -> &'static str {
        match self {
            TaskType::Create => "create",
            TaskType::Reload => "reload",
            TaskType::Remove => "remove",
            TaskType::RemoveAll => "remove_all",
            TaskType::Suspend => "suspend",
            TaskType::Resume => "resume",
            TaskType::Info => "info",
            TaskType::Deps => "deps",
            TaskType::Rename => "rename",
            TaskType::Version => "version",
            TaskType::Status => "status",
            TaskType::Table => "table",
            TaskType::WaitEvent => "waitevent",
            TaskType::List => "names",
            TaskType::Clear => "clear",
            TaskType::Mknodes => "mknodes",
            TaskType::ListVersions => "versions",
            TaskType::TargetMsg => "message",
            TaskType::SetGeometry => "setgeometry",
            TaskType::ArmPoll => "armpoll",
            TaskType::GetTargetVersion => "target-version",
        }
    }

    fn command(self) -> Command {
        match self {
            TaskType::Create => Command::DevCreate,
            TaskType::Reload => Command::TableLoad,
            TaskType::Remove => Command::DevRemove,
            TaskType::RemoveAll => Command::RemoveAll,
            TaskType::Suspend | TaskType::Resume => Command::DevSuspend,
            TaskType::Info | TaskType::Mknodes => Command::DevStatus,
            TaskType::Deps => Command::TableDeps,
            TaskType::Rename => Command::DevRename,
            TaskType::Version => Command::Version,
            TaskType::Status | TaskType::Table => Command::TableStatus,
            TaskType::WaitEvent => Command::DevWait,
            TaskType::List => Command::ListDevices,
            TaskType::Clear => Command::TableClear,
            TaskType::ListVersions => Command::ListVersions,
            TaskType::TargetMsg => Command::TargetMsg,
            TaskType::SetGeometry => Command::DevSetGeometry,
            TaskType::ArmPoll => Command::DevArmPoll,
            TaskType::GetTargetVersion => Command::GetTargetVersion,
        }
    }

    /// Task types whose missing device is `exists = 0`, not an error.
    fn missing_device_is_ok(self) -> bool {
        matches!(self, TaskType::Info | TaskType::Mknodes | TaskType::Status)
    }
}

/// Device state after a request (libdm's `struct dm_info`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Info {
    /// The device exists.
    pub exists: bool,
    /// It is suspended.
    pub suspended: bool,
    /// It has a live table.
    pub live_table: bool,
    /// It has an inactive table loaded.
    pub inactive_table: bool,
    /// Open count.
    pub open_count: i32,
    /// Event number.
    pub event_nr: u32,
    /// Block major.
    pub major: u32,
    /// Block minor.
    pub minor: u32,
    /// Read-only.
    pub read_only: bool,
    /// Targets in the table reported.
    pub target_count: i32,
    /// A deferred remove is pending.
    pub deferred_remove: bool,
    /// Suspended internally by the kernel.
    pub internal_suspend: bool,
}

impl Info {
    fn from_reply(reply: &Reply) -> Info {
        let (major, minor) = decode_dev(reply.dev);
        let f = reply.flags;
        Info {
            exists: true,
            suspended: f.contains(Flags::SUSPEND),
            live_table: f.contains(Flags::ACTIVE_PRESENT),
            inactive_table: f.contains(Flags::INACTIVE_PRESENT),
            open_count: reply.open_count,
            event_nr: reply.event_nr,
            major,
            minor,
            read_only: f.contains(Flags::READONLY),
            target_count: reply.target_count as i32,
            deferred_remove: f.contains(Flags::DEFERRED_REMOVE),
            internal_suspend: f.contains(Flags::INTERNAL_SUSPEND),
        }
    }
}

/// Why a task failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// An argument was refused before any ioctl.
    #[error("{0}")]
    Invalid(String),
    /// The kernel refused the request; displayed as libdm words it.
    #[error("device-mapper: {op} ioctl on {name} {uuid}{} failed: {}", dev_suffix(*dev), crate::kernel::strerror(*errno))]
    Ioctl {
        /// libdm's name of the operation.
        op: &'static str,
        /// Device name given (may be empty).
        name: String,
        /// Device uuid given (may be empty).
        uuid: String,
        /// Major and minor given by the caller, if any.
        dev: Option<(u32, u32)>,
        /// errno.
        errno: i32,
    },
    /// A kernel-layer failure other than an ioctl errno.
    #[error(transparent)]
    Kernel(#[from] KernelError),
}

/// libdm's "(major:minor)" after the uuid in ioctl errors.
fn dev_suffix(dev: Option<(u32, u32)>) -> String {
    match dev {
        Some((major, minor)) if major > 0 => format!("({major}:{minor})"),
        _ => String::new(),
    }
}

impl TaskError {
    /// The errno behind the failure (EINVAL for refused arguments).
    pub fn errno(&self) -> i32 {
        match self {
            TaskError::Invalid(_) => libc::EINVAL,
            TaskError::Ioctl { errno, .. } => *errno,
            TaskError::Kernel(k) => k.errno(),
        }
    }
}

/// What a task asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// The operation.
    pub kind: TaskType,
    /// Device name.
    pub name: Option<String>,
    /// Device uuid.
    pub uuid: Option<String>,
    /// Requested major (with `minor`, a persistent device number).
    pub major: Option<u32>,
    /// Requested minor.
    pub minor: Option<u32>,
    /// New name (RENAME).
    pub new_name: Option<String>,
    /// New uuid (RENAME).
    pub new_uuid: Option<String>,
    /// The table (CREATE, RELOAD).
    pub targets: Vec<TargetLine>,
    /// Read-only table / device.
    pub read_only: bool,
    /// Suspend without flushing.
    pub no_flush: bool,
    /// Suspend without freezing the filesystem.
    pub skip_lockfs: bool,
    /// Query the inactive table.
    pub query_inactive_table: bool,
    /// Wipe ioctl buffers afterwards.
    pub secure_data: bool,
    /// Retry REMOVE while the device is busy.
    pub retry_remove: bool,
    /// Deferred REMOVE.
    pub deferred_remove: bool,
    /// Ask for IMA measurement.
    pub ima_measurement: bool,
    /// Event number (WAITEVENT) or udev cookie.
    pub event_nr: u32,
    /// Sector (TARGET_MSG).
    pub sector: u64,
    /// Message (TARGET_MSG).
    pub message: Option<String>,
    /// Geometry "cylinders heads sectors start" (SET_GEOMETRY).
    pub geometry: Option<String>,
    /// Target name (GET_TARGET_VERSION).
    pub target_name: Option<String>,
    /// How names and uuids are mangled on the way to the kernel and
    /// unmangled on the way back.
    pub mangling: Mangling,
    /// RELOAD: skip the load when the live table is already this one.
    pub suppress_identical_reload: bool,
    /// SUSPEND: first check that no device this one stacks on is already
    /// suspended (I/O could be trapped between them).
    pub enable_checks: bool,
    /// An errno with which the request counts as done (libdm's internal
    /// `expected_errno`: a thin pool's `create_thin` of an id that exists,
    /// a `delete` of one that does not).
    pub expected_errno: Option<i32>,
}

/// The result of a task.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskOutput {
    /// Device state (exists = false when the device is missing and the task
    /// type allows it).
    pub info: Info,
    /// Device name as the kernel reported it.
    pub name: String,
    /// Device uuid as the kernel reported it.
    pub uuid: String,
    /// Kernel ioctl interface version.
    pub version: [u32; 3],
    /// Table or status lines.
    pub targets: Vec<TargetLine>,
    /// Devices used.
    pub deps: Vec<u64>,
    /// RELOAD with suppression: the size of the live table it read first
    /// (libdm's `dm_task_get_existing_table_size`).
    pub existing_table_size: Option<u64>,
    /// Device list.
    pub names: Vec<NameEntry>,
    /// Targets and versions.
    pub versions: Vec<TargetVersion>,
    /// A message's response.
    pub response: Option<String>,
    /// The kernel reported DM_UEVENT_GENERATED_FLAG.
    pub uevent_generated: bool,
}

/// Attempts and pause of a REMOVE with retry (libdm: 25 times, 200 ms apart).
pub const REMOVE_RETRIES: u32 = 25;
/// Pause between REMOVE retries.
pub const REMOVE_RETRY_PAUSE: Duration = Duration::from_millis(200);

impl Task {
    /// A task of `kind` with nothing set.
    pub fn new(kind: TaskType) -> Task {
        Task {
            kind,
            name: None,
            uuid: None,
            major: None,
            minor: None,
            new_name: None,
            new_uuid: None,
            targets: Vec::new(),
            read_only: false,
            no_flush: false,
            skip_lockfs: false,
            query_inactive_table: false,
            secure_data: false,
            retry_remove: false,
            deferred_remove: false,
            ima_measurement: false,
            event_nr: 0,
            sector: 0,
            message: None,
            geometry: None,
            target_name: None,
            mangling: Mangling::default(),
            suppress_identical_reload: false,
            enable_checks: false,
            expected_errno: None,
        }
    }

    /// Adds a table line.
    pub fn add_target(&mut self, start: u64, length: u64, target_type: &str, params: &str) {
        self.targets.push(TargetLine {
            start,
            length,
            target_type: target_type.to_string(),
            params: params.to_string(),
        });
    }

    fn dev(&self) -> u64 {
        match (self.major, self.minor) {
            (Some(ma), Some(mi)) => encode_dev(ma, mi),
            _ => 0,
        }
    }

    /// `s` as the kernel sees it: mangled per `self.mangling`.
    fn kernel_form(&self, s: &str, what: &str, limit: usize) -> Result<String, TaskError> {
        Ok(mangle(s, what, self.mangling, limit)?.unwrap_or_else(|| s.to_string()))
    }

    fn kernel_name(&self) -> Result<String, TaskError> {
        self.name.as_deref().map(|n| self.kernel_form(n, "name", crate::kernel::DM_NAME_LEN)).transpose().map(Option::unwrap_or_default)
    }

    fn kernel_uuid(&self) -> Result<String, TaskError> {
        self.uuid.as_deref().map(|u| self.kernel_form(u, "UUID", crate::kernel::DM_UUID_LEN)).transpose().map(Option::unwrap_or_default)
    }

    /// The device a request addresses: the uuid, else the name, else the
    /// number (the kernel refuses more than one of them).
    fn device_id(&self) -> Result<DeviceId, TaskError> {
        Ok(match (&self.uuid, &self.name) {
            (Some(_), _) => DeviceId { uuid: self.kernel_uuid()?, ..DeviceId::default() },
            (None, Some(_)) => DeviceId { name: self.kernel_name()?, ..DeviceId::default() },
            (None, None) => DeviceId { dev: self.dev(), ..DeviceId::default() },
        })
    }

    /// CREATE takes the name, the uuid and the wanted number together.
    fn create_id(&self) -> Result<DeviceId, TaskError> {
        Ok(DeviceId { name: self.kernel_name()?, uuid: self.kernel_uuid()?, dev: self.dev() })
    }

    fn describe(&self) -> String {
        match (&self.name, &self.uuid, self.major, self.minor) {
            (Some(n), _, _, _) => n.clone(),
            (None, Some(u), _, _) => u.clone(),
            (None, None, Some(ma), Some(mi)) => format!("({ma}:{mi})"),
            _ => String::new(),
        }
    }

    /// Checks the arguments before any ioctl.
    fn validate(&self) -> Result<(), TaskError> {
        if let Some(n) = &self.name {
            check_name(n)?;
        }
        if let Some(u) = &self.uuid {
            check_uuid(u)?;
        }
        // MKNODES without a device makes the nodes of every device.
        let needs_device = !self.kind.command().is_global() && self.kind != TaskType::Mknodes;
        if needs_device && self.name.is_none() && self.uuid.is_none() && self.major.is_none() {
            return Err(TaskError::Invalid(format!(
                "{}: no device name, uuid or device number given",
                self.kind.op_name()
            )));
        }
        match self.kind {
            TaskType::Create if self.name.is_none() => {
                return Err(TaskError::Invalid("create: a device name is required".into()))
            }
            TaskType::Rename => match (&self.new_name, &self.new_uuid) {
                (Some(n), None) => check_name(n)?,
                (None, Some(u)) => check_uuid(u)?,
                _ => return Err(TaskError::Invalid("rename: give exactly one of a new name or a new uuid".into())),
            },
            TaskType::TargetMsg if self.message.is_none() => {
                return Err(TaskError::Invalid("message: no message set".into()))
            }
            TaskType::SetGeometry if self.geometry.is_none() => {
                return Err(TaskError::Invalid("setgeometry: no geometry set".into()))
            }
            TaskType::GetTargetVersion if self.target_name.is_none() && self.name.is_none() => {
                return Err(TaskError::Invalid("target-version: no target name set".into()))
            }
            _ => {}
        }
        if matches!(self.kind, TaskType::Create | TaskType::Reload) {
            for (i, t) in self.targets.iter().enumerate() {
                if t.target_type.is_empty() || t.target_type.len() >= crate::kernel::DM_MAX_TYPE_NAME {
                    return Err(TaskError::Invalid(format!(
                        "target {i}: invalid target type \"{}\"",
                        t.target_type
                    )));
                }
                if t.length == 0 {
                    return Err(TaskError::Invalid(format!("target {i}: zero length")));
                }
            }
            if self.kind == TaskType::Reload && self.targets.is_empty() {
                return Err(TaskError::Invalid("reload: no targets in the table".into()));
            }
        }
        Ok(())
    }

    fn base_flags(&self) -> Flags {
        let mut f = Flags::empty();
        f.set(Flags::READONLY, self.read_only);
        f.set(Flags::SECURE_DATA, self.secure_data);
        f.set(Flags::IMA_MEASUREMENT, self.ima_measurement);
        f.set(Flags::QUERY_INACTIVE_TABLE, self.query_inactive_table);
        f
    }

    fn request(&self, command: Command) -> Result<Request, TaskError> {
        let mut r = Request::new(command, self.device_id()?);
        r.flags = self.base_flags();
        r.event_nr = self.event_nr;
        Ok(r)
    }

    fn ioctl(&self, kernel: &dyn Kernel, request: &Request, op: &'static str) -> Result<Reply, TaskError> {
        kernel.execute(request).map_err(|e| match e {
            KernelError::Ioctl { errno, .. } => TaskError::Ioctl {
                op,
                name: self.name.clone().unwrap_or_default(),
                uuid: self.uuid.clone().unwrap_or_default(),
                dev: self.major.zip(self.minor),
                errno,
            },
            other => TaskError::Kernel(other),
        })
    }

    /// Runs the task against `kernel`.
    pub fn run(&self, kernel: &dyn Kernel) -> Result<TaskOutput, TaskError> {
        self.validate()?;
        match self.kind {
            TaskType::Create => self.run_create(kernel),
            TaskType::Remove => self.run_remove(kernel),
            TaskType::Reload if self.suppress_identical_reload => self.run_reload_unless_identical(kernel),
            TaskType::Suspend if self.enable_checks => {
                self.check_children_not_suspended(kernel);
                let mut plain = self.clone();
                plain.enable_checks = false;
                plain.run(kernel)
            }
            _ => {
                let request = self.single_request()?;
                match self.ioctl(kernel, &request, self.kind.op_name()) {
                    Ok(reply) => Ok(self.output_from(reply)),
                    Err(TaskError::Ioctl { errno, .. }) if errno == libc::ENXIO && self.kind.missing_device_is_ok() => {
                        Ok(TaskOutput::default())
                    }
                    Err(TaskError::Ioctl { errno, .. }) if Some(errno) == self.expected_errno => {
                        crate::log_debug!("{} ioctl: {} expected, counted as done.", self.kind.op_name(), crate::kernel::strerror(errno));
                        Ok(TaskOutput::default())
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// No name, uuid or number given.
    fn addresses_no_device(&self) -> bool {
        self.name.is_none() && self.uuid.is_none() && self.major.is_none()
    }

    fn single_request(&self) -> Result<Request, TaskError> {
        let command = match self.kind {
            TaskType::Mknodes if self.addresses_no_device() => Command::ListDevices,
            kind => kind.command(),
        };
        let mut r = self.request(command)?;
        match self.kind {
            TaskType::Reload => r.payload = Payload::Table(self.targets.clone()),
            TaskType::Suspend | TaskType::Resume => {
                r.flags.set(Flags::SUSPEND, self.kind == TaskType::Suspend);
                r.flags.set(Flags::NOFLUSH, self.no_flush);
                r.flags.set(Flags::SKIP_LOCKFS, self.skip_lockfs);
            }
            TaskType::Table => r.flags |= Flags::STATUS_TABLE,
            // Ask for each device's uuid after its name and event number.
            TaskType::List => r.flags |= Flags::UUID,
            TaskType::Status => r.flags.set(Flags::NOFLUSH, self.no_flush),
            TaskType::Rename => {
                if let Some(u) = &self.new_uuid {
                    r.flags |= Flags::UUID;
                    r.payload = Payload::NewName(self.kernel_form(u, "new UUID", crate::kernel::DM_UUID_LEN)?);
                } else {
                    let new = self.new_name.as_deref().unwrap_or_default();
                    r.payload = Payload::NewName(self.kernel_form(new, "new name", crate::kernel::DM_NAME_LEN)?);
                }
            }
            TaskType::TargetMsg => {
                r.payload = Payload::Message { sector: self.sector, text: self.message.clone().unwrap_or_default() }
            }
            TaskType::SetGeometry => r.payload = Payload::Geometry(self.geometry.clone().unwrap_or_default()),
            _ => {}
        }
        if command.is_global() {
            r.id = DeviceId::default();
        }
        if self.kind == TaskType::GetTargetVersion {
            // The kernel takes the target's name in the name field (libdm
            // callers set it as the task's name).
            r.id.name = self.target_name.clone().or_else(|| self.name.clone()).unwrap_or_default();
        }
        Ok(r)
    }

    fn run_create(&self, kernel: &dyn Kernel) -> Result<TaskOutput, TaskError> {
        let mut create = self.request(Command::DevCreate)?;
        create.id = self.create_id()?;
        create.flags.remove(Flags::QUERY_INACTIVE_TABLE);
        if self.major.is_some() && self.minor.is_some() {
            create.flags |= Flags::PERSISTENT_DEV;
        }
        let created = self.ioctl(kernel, &create, "create")?;
        if self.targets.is_empty() {
            return Ok(self.output_from(created));
        }
        // Load and resume address the new device by its number only (the
        // kernel refuses a name and a number together); messages still
        // show "name (major:minor)" as libdm's do.
        let (ma, mi) = decode_dev(created.dev);
        let shown = Task { uuid: None, major: Some(ma), minor: Some(mi), ..self.clone() };
        let by_dev = DeviceId { dev: created.dev, ..DeviceId::default() };
        let mut load = self.request(Command::TableLoad)?;
        load.id = by_dev.clone();
        load.payload = Payload::Table(self.targets.clone());
        let mut resume = self.request(Command::DevSuspend)?;
        resume.id = by_dev.clone();
        resume.flags.remove(Flags::QUERY_INACTIVE_TABLE);
        let result = shown
            .ioctl(kernel, &load, "reload")
            .and_then(|_| shown.ioctl(kernel, &resume, "resume"));
        match result {
            Ok(reply) => Ok(self.output_from(reply)),
            Err(e) => {
                let remove = Request::new(Command::DevRemove, by_dev);
                if let Err(undo) = shown.ioctl(kernel, &remove, "remove") {
                    crate::log_error!(errno = undo.errno(); "Failed to remove {} after a failed create: {undo}", self.describe());
                }
                Err(e)
            }
        }
    }

    /// RELOAD with suppression: the live table is read first, and when it
    /// is the table given (same lines, parameters compared word by word)
    /// and no other table is waiting, nothing is loaded.
    fn run_reload_unless_identical(&self, kernel: &dyn Kernel) -> Result<TaskOutput, TaskError> {
        let mut table = self.clone();
        table.kind = TaskType::Table;
        table.query_inactive_table = false;
        table.suppress_identical_reload = false;
        let live = table.run(kernel)?;
        let existing = Some(live.targets.iter().map(|l| l.length).sum::<u64>());
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let same = live.info.live_table
            && !live.info.inactive_table
            && live.targets.len() == self.targets.len()
            && live.targets.iter().zip(&self.targets).all(|(a, b)| {
                a.start == b.start && a.length == b.length && a.target_type == b.target_type && words(&a.params) == words(&b.params)
            });
        if same {
            crate::log_verbose!("Suppressed {} identical table reload.", self.describe());
            return Ok(TaskOutput { existing_table_size: existing, ..live });
        }
        let mut load = self.clone();
        load.suppress_identical_reload = false;
        let out = load.run(kernel)?;
        Ok(TaskOutput { existing_table_size: existing, ..out })
    }

    /// Logs an internal error for each dm device below this one that is
    /// already suspended (libdm's enable_checks; the suspend still runs).
    fn check_children_not_suspended(&self, kernel: &dyn Kernel) {
        let mut deps = self.clone();
        deps.kind = TaskType::Deps;
        deps.enable_checks = false;
        let Ok(top) = deps.run(kernel) else { return };
        let dm_major = top.info.major;
        let mut pending: Vec<u64> = top.deps;
        let mut seen = Vec::new();
        while let Some(dev) = pending.pop() {
            let (major, minor) = decode_dev(dev);
            if major != dm_major || seen.contains(&dev) || seen.len() > 1024 {
                continue;
            }
            seen.push(dev);
            let mut child = Task::new(TaskType::Deps);
            child.major = Some(major);
            child.minor = Some(minor);
            let Ok(out) = child.run(kernel) else { continue };
            if out.info.suspended {
                crate::log_error!(
                    "{}Attempt to suspend device {} that uses already-suspended device ({major}:{minor})",
                    crate::log::INTERNAL_ERROR,
                    self.describe()
                );
            }
            pending.extend(out.deps);
        }
    }

    fn run_remove(&self, kernel: &dyn Kernel) -> Result<TaskOutput, TaskError> {
        let mut request = self.request(Command::DevRemove)?;
        request.flags.set(Flags::DEFERRED_REMOVE, self.deferred_remove);
        let attempts = if self.retry_remove { REMOVE_RETRIES } else { 1 };
        let mut last = None;
        for attempt in 1..=attempts {
            match self.ioctl(kernel, &request, "remove") {
                Ok(reply) => return Ok(self.output_from(reply)),
                Err(e) if e.errno() == libc::EBUSY && attempt < attempts => {
                    crate::log_verbose!("device-mapper: remove ioctl on {} busy, retrying ({attempt}/{attempts})", self.describe());
                    std::thread::sleep(REMOVE_RETRY_PAUSE);
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| TaskError::Invalid("remove: no attempt made".into())))
    }
}

impl TaskOutput {
    /// The device list in the kernel's layout, which C callers walk
    /// directly (`struct dm_names` with event number and uuid after each name).
    pub fn names_buffer(&self) -> Vec<u8> {
        crate::kernel::ioctl::encode_name_list(&self.names)
    }

    /// The target list in the kernel's layout (`struct dm_versions`).
    pub fn versions_buffer(&self) -> Vec<u8> {
        crate::kernel::ioctl::encode_version_list(&self.versions)
    }
}

impl Task {
    /// The output of a reply; names and uuids the kernel returns are
    /// unmangled unless mangling is off.
    fn output_from(&self, reply: Reply) -> TaskOutput {
        let plain = |s: &str| if self.mangling == Mangling::None { s.to_string() } else { unmangle(s) };
        let mut out = TaskOutput {
            info: Info::from_reply(&reply),
            name: plain(&reply.name),
            uuid: plain(&reply.uuid),
            version: reply.version,
            uevent_generated: reply.flags.contains(Flags::UEVENT_GENERATED),
            ..TaskOutput::default()
        };
        match reply.data {
            ReplyData::None => {}
            ReplyData::Targets(t) => out.targets = t,
            ReplyData::Deps(d) => out.deps = d,
            ReplyData::Names(n) => {
                out.names = n
                    .into_iter()
                    .map(|e| NameEntry { name: plain(&e.name), uuid: e.uuid.as_deref().map(plain), ..e })
                    .collect()
            }
            ReplyData::Versions(v) => out.versions = v,
            ReplyData::Response(r) => out.response = Some(r),
        }
        out
    }
}

#[cfg(test)]
mod tests;
