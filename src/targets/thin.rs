//! Thin provisioning (thin-provisioning.rst): the thin-pool target with
//! the messages a caller queues for it, and the thin target.

/// Smallest data block of a pool, in sectors (64 KiB).
pub const MIN_DATA_BLOCK_SIZE: u32 = 128;
/// Largest data block of a pool, in sectors (1 GiB).
pub const MAX_DATA_BLOCK_SIZE: u32 = 2_097_152;
/// Largest thin device id the kernel accepts (24 bits).
pub const MAX_DEVICE_ID: u64 = (1 << 24) - 1;

/// A message for a thin pool, in libdm's enum order
/// (`dm_thin_message_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThinMessage {
    /// `create_snap <dev id> <origin id>`
    CreateSnap {
        /// The new snapshot's id.
        device_id: u32,
        /// The origin's id.
        origin_id: u32,
    },
    /// `create_thin <dev id>`
    CreateThin {
        /// The new volume's id.
        device_id: u32,
    },
    /// `delete <dev id>`
    Delete {
        /// The volume to delete.
        device_id: u32,
    },
    /// `set_transaction_id <current id> <new id>`
    SetTransactionId {
        /// The id the pool has.
        current: u64,
        /// The id it gets.
        new: u64,
    },
    /// `reserve_metadata_snap`
    ReserveMetadataSnap,
    /// `release_metadata_snap`
    ReleaseMetadataSnap,
}

/// Why a thin message cannot be queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThinMessageError {
    /// A device id beyond 24 bits.
    #[error("Device id {0} is higher then {MAX_DEVICE_ID}.")]
    DeviceId(u64),
    /// A snapshot of itself.
    #[error("Cannot use same device id for origin and its snapshot.")]
    SameIds,
    /// set_transaction_id that does not move by one.
    #[error("New transaction id must be sequential.")]
    NotSequential,
    /// set_transaction_id to another id than the pool's table says.
    #[error("Current transaction id is different from thin pool.")]
    OtherTransaction,
    /// A type outside the enum.
    #[error("Unsupported message type {0}.")]
    Unsupported(i32),
}

fn device_id(id: u64) -> Result<u32, ThinMessageError> {
    if id > MAX_DEVICE_ID {
        return Err(ThinMessageError::DeviceId(id));
    }
    Ok(id as u32)
}

impl ThinMessage {
    /// The message of libdm type `kind` with its two ids, checked as the
    /// kernel would take it, for a pool whose table carries `transaction_id`.
    pub fn new(kind: i32, id1: u64, id2: u64, transaction_id: u64) -> Result<ThinMessage, ThinMessageError> {
        Ok(match kind {
            0 => {
                if id1 == id2 {
                    return Err(ThinMessageError::SameIds);
                }
                ThinMessage::CreateSnap { device_id: device_id(id1)?, origin_id: device_id(id2)? }
            }
            1 => ThinMessage::CreateThin { device_id: device_id(id1)? },
            2 => ThinMessage::Delete { device_id: device_id(id1)? },
            3 => {
                if id1.checked_add(1) != Some(id2) {
                    return Err(ThinMessageError::NotSequential);
                }
                if id2 != transaction_id {
                    return Err(ThinMessageError::OtherTransaction);
                }
                ThinMessage::SetTransactionId { current: id1, new: id2 }
            }
            4 => ThinMessage::ReserveMetadataSnap,
            5 => ThinMessage::ReleaseMetadataSnap,
            other => return Err(ThinMessageError::Unsupported(other)),
        })
    }

    /// The text sent to the pool.
    pub fn text(&self) -> String {
        match self {
            ThinMessage::CreateSnap { device_id, origin_id } => format!("create_snap {device_id} {origin_id}"),
            ThinMessage::CreateThin { device_id } => format!("create_thin {device_id}"),
            ThinMessage::Delete { device_id } => format!("delete {device_id}"),
            ThinMessage::SetTransactionId { current, new } => format!("set_transaction_id {current} {new}"),
            ThinMessage::ReserveMetadataSnap => "reserve_metadata_snap".into(),
            ThinMessage::ReleaseMetadataSnap => "release_metadata_snap".into(),
        }
    }

    /// The errno with which the kernel refuses this message when an earlier,
    /// interrupted attempt already applied it (the volume exists, or is
    /// gone): that refusal means "done", not failure.
    pub fn already_applied_errno(&self) -> Option<i32> {
        match self {
            ThinMessage::CreateSnap { .. } | ThinMessage::CreateThin { .. } => Some(libc::EEXIST),
            ThinMessage::Delete { .. } => Some(libc::ENODATA),
            _ => None,
        }
    }
}

/// The thin-pool target; areas: the metadata device, then the data device.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThinPool {
    /// The transaction id the pool is to have once its messages are sent.
    pub transaction_id: u64,
    /// Data block size in sectors.
    pub data_block_size: u32,
    /// Free data blocks below which the kernel raises an event.
    pub low_water_mark: u64,
    /// Do not zero newly provisioned blocks.
    pub skip_block_zeroing: bool,
    /// Do not support discards.
    pub ignore_discard: bool,
    /// Do not pass discards down to the data device.
    pub no_discard_passdown: bool,
    /// Fail writes when out of data space instead of queueing them.
    pub error_if_no_space: bool,
    /// Start with the metadata read-only.
    pub read_only: bool,
    /// The caller's crop_metadata (dm_tree_node_add_thin_pool_target_v1).
    pub crop_metadata: bool,
    /// Messages to send while suspending, in order.
    pub messages: Vec<ThinMessage>,
}

impl ThinPool {
    /// The parameters after the two devices.
    pub fn params(&self, metadata: &str, data: &str) -> String {
        let features: Vec<&str> = [
            (self.skip_block_zeroing, "skip_block_zeroing"),
            (self.ignore_discard, "ignore_discard"),
            (self.no_discard_passdown, "no_discard_passdown"),
            (self.error_if_no_space, "error_if_no_space"),
            (self.read_only, "read_only"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, f)| *f)
        .collect();
        let mut line = format!("{metadata} {data} {} {} {}", self.data_block_size, self.low_water_mark, features.len());
        for f in features {
            line.push(' ');
            line.push_str(f);
        }
        line
    }
}

/// The thin target; areas: the pool, then the external origin if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Thin {
    /// The volume's id in the pool.
    pub device_id: u32,
}

/// The transaction id at the head of a thin-pool status line
/// (`<transaction id> <used>/<total metadata> ...`), or why there is none.
pub fn pool_transaction_id(status: &str) -> Result<u64, String> {
    let first = status.split_whitespace().next().unwrap_or("");
    match first {
        "Fail" => Err("the pool has failed".into()),
        "Error" => Err("the pool reports an error".into()),
        _ => first.parse().map_err(|_| format!("unexpected thin-pool status \"{status}\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_the_kernel_expects_them() {
        assert_eq!(ThinMessage::new(0, 2, 1, 0).unwrap().text(), "create_snap 2 1");
        assert_eq!(ThinMessage::new(1, 7, 0, 0).unwrap().text(), "create_thin 7");
        assert_eq!(ThinMessage::new(2, 7, 0, 0).unwrap().text(), "delete 7");
        assert_eq!(ThinMessage::new(3, 4, 5, 5).unwrap().text(), "set_transaction_id 4 5");
        assert_eq!(ThinMessage::new(4, 0, 0, 0).unwrap().text(), "reserve_metadata_snap");
        assert_eq!(ThinMessage::new(5, 0, 0, 0).unwrap().text(), "release_metadata_snap");
    }

    #[test]
    fn bad_messages_are_refused_with_libdm_wording() {
        assert_eq!(ThinMessage::new(1, 1 << 24, 0, 0).unwrap_err().to_string(), "Device id 16777216 is higher then 16777215.");
        assert_eq!(ThinMessage::new(0, 3, 3, 0), Err(ThinMessageError::SameIds));
        assert_eq!(ThinMessage::new(3, 4, 6, 6), Err(ThinMessageError::NotSequential));
        assert_eq!(ThinMessage::new(3, 4, 5, 9), Err(ThinMessageError::OtherTransaction));
        assert_eq!(ThinMessage::new(3, u64::MAX, 0, 0), Err(ThinMessageError::NotSequential));
        assert_eq!(ThinMessage::new(6, 0, 0, 0).unwrap_err().to_string(), "Unsupported message type 6.");
    }

    #[test]
    fn pool_line_counts_its_features_in_libdm_order() {
        let mut p = ThinPool { data_block_size: 128, low_water_mark: 10, ..ThinPool::default() };
        assert_eq!(p.params("254:0", "254:1"), "254:0 254:1 128 10 0");
        p.skip_block_zeroing = true;
        p.read_only = true;
        p.no_discard_passdown = true;
        assert_eq!(p.params("254:0", "254:1"), "254:0 254:1 128 10 3 skip_block_zeroing no_discard_passdown read_only");
    }

    #[test]
    fn transaction_id_comes_from_the_first_status_field() {
        assert_eq!(pool_transaction_id("5 17/4096 0/1024 - rw discard_passdown queue_if_no_space - 1024"), Ok(5));
        assert!(pool_transaction_id("Fail").is_err());
        assert!(pool_transaction_id("").is_err());
        assert!(pool_transaction_id("x 1/2").is_err());
    }
}
