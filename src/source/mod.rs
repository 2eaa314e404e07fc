//! Sources turn what the user points at into blobs with provenance (`Origin`): a work tree, the
//! index (`--staged`), a repository's history, or standard input.

pub mod git;
pub mod history;
pub mod staged;
pub mod stdin;
pub mod worktree;

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
