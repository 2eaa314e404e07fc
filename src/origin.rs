//! A blob's provenance (`Origin`): the type every source hands the pipeline with the bytes,
//! and every finding carries on to the reports.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::git::CommitInfo;

/// Where a blob was read from; a closed set, printed in every finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Worktree,
    Staged,
    History,
    Stdin,
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
