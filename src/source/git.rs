//! What the git sources share: opening the repository as git itself would, memory limits for
//! pack windows, and commit metadata for findings.

use std::path::{Path, PathBuf};

use git2::{Repository, RepositoryOpenFlags};

use crate::finding::Finding;
use crate::pipeline::Pipeline;
use crate::source::{CommitInfo, Origin};

/// Pack window limits. libgit2 maps pack files in windows of up to 1 GiB each by default, and
/// mapped windows count in RSS; smaller windows keep a history scan's memory bounded.
const MWINDOW_SIZE: usize = 32 << 20;
const MWINDOW_MAPPED_LIMIT: usize = 128 << 20;
/// libgit2's object cache (256 MiB by default, shared by every handle); trees and commits are
/// read once each in a history walk, so a small cache loses little.
const OBJECT_CACHE_LIMIT: isize = 32 << 20;

/// Opens the repository containing `path`, or, with no path, the one git would use here:
/// `GIT_DIR`, `GIT_WORK_TREE` and `GIT_INDEX_FILE` are honoured (git sets the last one for hooks
/// run by `git commit -a` and `git commit <paths>`).
pub fn open(path: Option<&Path>) -> anyhow::Result<Repository> {
    limit_pack_windows();
    let repo = match path {
        None => Repository::open_from_env(),
        Some(path) => Repository::open_ext(path, RepositoryOpenFlags::empty(), std::iter::empty::<&Path>()),
    };
    repo.map_err(|e| {
        let place = path.map_or_else(|| "the current directory".to_string(), |p| p.display().to_string());
        anyhow::anyhow!(
            "{place} is not in a git repository ({})\nhint: run leaktrap inside a repository, or scan files with `leaktrap scan PATH`",
            e.message()
        )
    })
}

fn limit_pack_windows() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: called once, before any repository is opened by this process.
        unsafe {
            let _ = git2::opts::set_mwindow_size(MWINDOW_SIZE);
            let _ = git2::opts::set_mwindow_mapped_limit(MWINDOW_MAPPED_LIMIT);
            let _ = git2::opts::set_cache_max_size(OBJECT_CACHE_LIMIT);
        }
        // Re-hashing every object read (SHA-1 with collision detection) was a third of a history
        // scan's time. Corruption is still caught: zlib checks every object it inflates.
        git2::opts::strict_hash_verification(false);
        // Every tree, commit and blob is read once: caching them only costs.
        git2::opts::enable_caching(false);
    });
}

/// The directory paths in findings are relative to, and where `.leaktrap.yaml` is looked for:
/// the work tree's top level, or the git directory of a bare repository.
pub fn root(repo: &Repository) -> PathBuf {
    repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf()
}

/// A commit's provenance for findings: author, email, ISO 8601 UTC date, first message line.
pub fn commit_info(commit: &git2::Commit) -> CommitInfo {
    let author = commit.author();
    let message = String::from_utf8_lossy(commit.message_bytes());
    CommitInfo {
        id: commit.id().to_string(),
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        date: iso8601_utc(author.when().seconds()),
        message: message.lines().next().unwrap_or("").to_string(),
    }
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn iso8601_utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// A path inside a repository as bytes, shown lossily (never dropped) when not UTF-8.
pub fn display_path(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A blob read only when it is within the size limit.
pub enum BoundedBlob<'r> {
    Within(git2::Blob<'r>),
    /// Over the limit, by this many bytes: never inflated.
    TooLarge(u64),
}

/// Reads a blob unless it is over `limit`, which is checked in the object's header before
/// anything is inflated.
pub fn read_blob(repo: &Repository, oid: git2::Oid, limit: u64) -> Result<BoundedBlob<'_>, git2::Error> {
    let (size, _) = repo.odb()?.read_header(oid)?;
    if size as u64 > limit {
        return Ok(BoundedBlob::TooLarge(size as u64));
    }
    repo.find_blob(oid).map(BoundedBlob::Within)
}

/// Reports an object that could not be read, naming it and the path it was read for.
pub fn report_unreadable(pipeline: &Pipeline, origin: &Origin, oid: git2::Oid, error: &git2::Error) {
    pipeline.error(&format!(
        "{}: object {oid} is missing or corrupt: {}",
        origin.path,
        error.message()
    ));
}

/// Reads a blob by id and scans it; over the size limit it is counted, not read.
pub fn scan_blob(pipeline: &Pipeline, repo: &Repository, oid: git2::Oid, origin: &Origin) -> Vec<Finding> {
    match read_blob(repo, oid, pipeline.max_file_size) {
        Ok(BoundedBlob::Within(blob)) => pipeline.findings_in(blob.content(), origin, None),
        Ok(BoundedBlob::TooLarge(size)) => {
            pipeline.skip_too_large(origin, size);
            Vec::new()
        }
        Err(e) => {
            report_unreadable(pipeline, origin, oid, &e);
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::iso8601_utc;

    #[test]
    fn dates_are_iso8601_utc() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(1_709_287_200), "2024-03-01T10:00:00Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59Z");
    }
}
