//! Sources turn what the user points at into blobs with provenance (`Origin`): a work tree, the
//! index (`--staged`), a repository's history, or standard input.

pub mod commits;
pub mod git;
pub mod history;
pub mod index_file;
pub mod pack;
pub mod staged;
pub mod stdin;
pub mod worktree;

use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Where a blob was read from; a closed set, printed in every finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Worktree,
    Staged,
    History,
    Stdin,
}

/// The commit that introduced a blob, for history findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: String,
    pub author: String,
    pub email: String,
    /// ISO 8601, UTC.
    pub date: String,
    /// The first line of the commit message.
    pub message: String,
}

/// A blob's provenance.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Relative to the scanned root, `/`-separated; lossy when the name is not UTF-8.
    pub path: String,
    pub source: SourceKind,
    pub commit: Option<Arc<CommitInfo>>,
}

impl Origin {
    pub fn new(path: String, source: SourceKind) -> Origin {
        Origin {
            path,
            source,
            commit: None,
        }
    }
}

/// A SHA-1 object id as plain bytes. git2's `Oid` compares through a C call, which was a quarter
/// of a history walk's time; this one compares inline and hashes by its first eight bytes
/// (already uniformly distributed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectId(pub [u8; 20]);

impl std::hash::Hash for ObjectId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut word = [0u8; 8];
        word.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(word));
    }
}

impl ObjectId {
    pub fn of(oid: git2::Oid) -> ObjectId {
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&oid.as_bytes()[..20]);
        ObjectId(bytes)
    }

    pub fn oid(self) -> git2::Oid {
        git2::Oid::from_bytes(&self.0).expect("20 bytes make an object id")
    }
}

/// A hasher for the sources' own tables: object ids (already SHA-1 digests; SipHash on them was
/// 6% of a history scan's instructions) and a staged file's lines. Eight bytes per step,
/// multiply and rotate.
#[derive(Default)]
pub struct WordHasher(u64);

pub type WordHashing = BuildHasherDefault<WordHasher>;

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.mix(u64::from_le_bytes(chunk.try_into().expect("chunks of 8")));
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.mix(u64::from_le_bytes(tail) ^ ((bytes.len() as u64) << 56));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}
