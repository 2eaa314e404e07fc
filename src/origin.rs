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
    /// Set for an entry of an archive, whose path is the archive's and the entry's joined by
    /// `!` (`dist/app.zip!config/.env`, nested `a.zip!b.tar.gz!key.pem`).
    pub in_archive: Option<InArchive>,
}

/// Where the parts of an archive entry's path are (see `Origin::in_archive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InArchive {
    /// Bytes of the outermost file's path at the start of `root_path()`.
    pub outer_len: usize,
    /// Bytes of the innermost entry's name at the end of both paths.
    pub entry_len: usize,
}

impl Origin {
    pub fn new(path: String, source: SourceKind) -> Origin {
        Origin {
            path,
            root_relative: None,
            source,
            commit: None,
            in_archive: None,
        }
    }

    /// The origin of an entry of the archive this origin names.
    pub fn entry(&self, name: &str) -> Origin {
        Origin {
            path: format!("{}!{name}", self.path),
            root_relative: self.root_relative.as_ref().map(|root| format!("{root}!{name}")),
            source: self.source,
            commit: self.commit.clone(),
            in_archive: Some(InArchive {
                outer_len: self.in_archive.map_or(self.root_path().len(), |a| a.outer_len),
                entry_len: name.len(),
            }),
        }
    }

    /// What path rules and per-rule path conditions see: an archive entry's own name (a
    /// `.env` inside a zip is a `.env`), else the root-relative path.
    pub fn rule_path(&self) -> &str {
        let path = self.root_path();
        match self.in_archive {
            Some(entry) => &path[path.len() - entry.entry_len..],
            None => path,
        }
    }

    /// The paths an allowlist glob is matched against: the whole path and, inside an archive,
    /// the outermost file's path and the entry's name, so `dist/**` and `**/fixtures/*` both
    /// work on `dist/app.zip!fixtures/key.pem`.
    pub fn match_paths(&self) -> impl Iterator<Item = &str> {
        let path = self.root_path();
        let parts = self
            .in_archive
            .map(|entry| [&path[..entry.outer_len], &path[path.len() - entry.entry_len..]]);
        std::iter::once(path).chain(parts.into_iter().flatten())
    }

    /// The path relative to the scanned root (see `root_relative`).
    pub fn root_path(&self) -> &str {
        self.root_relative.as_deref().unwrap_or(&self.path)
    }
}
