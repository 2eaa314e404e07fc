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
    /// As the user sees it: for files on disk, relative to the current directory when beneath
    /// it, else absolute; for git sources, relative to the repository. `/`-separated; lossy when
    /// the name is not UTF-8.
    pub path: String,
    /// Relative to the scanned root, when that differs from `path`: what path rules, allowlists
    /// and fingerprints match, so they do not depend on where the scan was started.
    pub root_relative: Option<String>,
    pub source: SourceKind,
    pub commit: Option<Arc<CommitInfo>>,
}

impl Origin {
    pub fn new(path: String, source: SourceKind) -> Origin {
        Origin {
            path,
            root_relative: None,
            source,
            commit: None,
        }
    }

    /// The path relative to the scanned root (see `root_relative`).
    pub fn root_path(&self) -> &str {
        self.root_relative.as_deref().unwrap_or(&self.path)
    }
}
