//! The git object store, as a layer of its own: opening a repository as git would (and the
//! memory limits that keep a scan bounded), object ids, reading blobs, trees and commits
//! (`object`), tree entries (`tree`), pack files (`pack`), the commit listing (`commits`) and
//! the index file (`index_file`).
//!
//! It knows git and nothing of rules, scanning or findings: sources, hooks and commands use it;
//! it uses none of them.

pub mod commits;
pub mod discover;
pub mod index_file;
pub mod object;
pub mod pack;
pub mod tree;

use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};

use git2::{Repository, RepositoryOpenFlags};

/// Pack window limits. libgit2 maps pack files in windows of up to 1 GiB each by default, and
/// mapped windows count in RSS; smaller windows keep a history scan's memory bounded.
const MWINDOW_SIZE: usize = 8 << 20;
const MWINDOW_MAPPED_LIMIT: usize = 32 << 20;
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
    let repo = repo.map_err(|e| {
        let place = path.map_or_else(|| "the current directory".to_string(), |p| p.display().to_string());
        anyhow::anyhow!(
            "{place} is not in a git repository ({})\nhint: run leaktrap inside a repository, or scan files with `leaktrap scan PATH`",
            e.message()
        )
    })?;
    add_object_dirs_from_env(&repo)?;
    Ok(repo)
}

/// Opens the repository at `git_dir` again (another thread's handle), with the same object
/// directories as `open` gave the first.
pub fn reopen(git_dir: &Path) -> Result<Repository, git2::Error> {
    let repo = Repository::open(git_dir)?;
    add_object_dirs_from_env(&repo).map_err(|e| git2::Error::from_str(&e.to_string()))?;
    Ok(repo)
}

/// Object directories besides the repository's own that git's environment names: during a
/// push, a pre-receive hook finds the pushed objects only in the quarantine directory git
/// names in `GIT_OBJECT_DIRECTORY` (and `GIT_QUARANTINE_PATH`), with the repository's own
/// objects in `GIT_ALTERNATE_OBJECT_DIRECTORIES`. Directories that are the repository's own
/// `objects` are left out.
pub fn object_dirs_from_env(git_dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let named: Vec<PathBuf> = ["GIT_OBJECT_DIRECTORY", "GIT_QUARANTINE_PATH"]
        .into_iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from)
        .chain(
            std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES")
                .map(|list| std::env::split_paths(&list).collect::<Vec<_>>())
                .unwrap_or_default(),
        )
        .collect();
    if named.is_empty() {
        return dirs;
    }
    let own = git_dir.join("objects").canonicalize().ok();
    for dir in named {
        let Ok(canonical) = dir.canonicalize() else { continue };
        if Some(&canonical) != own.as_ref() && !dirs.contains(&canonical) {
            dirs.push(canonical);
        }
    }
    dirs
}

fn add_object_dirs_from_env(repo: &Repository) -> anyhow::Result<()> {
    let dirs = object_dirs_from_env(repo.path());
    if dirs.is_empty() {
        return Ok(());
    }
    let odb = repo.odb()?;
    for dir in dirs {
        odb.add_disk_alternate(&dir.to_string_lossy()).map_err(|e| {
            anyhow::anyhow!(
                "{}: the object directory git's environment names cannot be read ({})",
                dir.display(),
                e.message()
            )
        })?;
    }
    Ok(())
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
