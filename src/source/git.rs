//! What the git sources share: opening the repository as git itself would, memory limits for
//! pack windows, and commit metadata for findings.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{Repository, RepositoryOpenFlags};

use crate::finding::Finding;
use crate::pipeline::Pipeline;
use crate::source::pack::{Bytes, Kind, PackReader, Read};
use crate::source::{CommitInfo, ObjectId, Origin};

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
    Within(BlobBytes<'r>),
    /// Over the limit, by this many bytes: never inflated.
    TooLarge(u64),
}

/// A blob's content, as libgit2 or the pack reader returned it.
pub enum BlobBytes<'r> {
    Git(git2::Blob<'r>),
    Packed(Bytes),
}

impl BlobBytes<'_> {
    pub fn content(&self) -> &[u8] {
        match self {
            BlobBytes::Git(blob) => blob.content(),
            BlobBytes::Packed(bytes) => bytes,
        }
    }
}

/// Reads a blob unless it is over `limit`, which is checked in the object's header before
/// anything is inflated. With a pack reader, packed blobs are read through it; anything it
/// cannot read (a loose object, a corrupt entry) goes to libgit2, which names the problem.
pub fn read_blob<'r>(
    repo: &'r Repository,
    packs: Option<&mut PackReader>,
    oid: git2::Oid,
    limit: u64,
) -> Result<BoundedBlob<'r>, git2::Error> {
    match packed(packs, oid, limit) {
        Some(Read::Object(Kind::Blob, bytes)) => return Ok(BoundedBlob::Within(BlobBytes::Packed(bytes))),
        Some(Read::TooLarge(size)) => return Ok(BoundedBlob::TooLarge(size)),
        Some(Read::Object(..)) | None => {}
    }
    let (size, _) = repo.odb()?.read_header(oid)?;
    if size as u64 > limit {
        return Ok(BoundedBlob::TooLarge(size as u64));
    }
    repo.find_blob(oid)
        .map(|blob| BoundedBlob::Within(BlobBytes::Git(blob)))
}

/// What the pack reader has for `oid`: `None` when there is no reader, the object is not
/// packed, or its entry does not decode (libgit2 then reads it, and names a real corruption).
fn packed(packs: Option<&mut PackReader>, oid: git2::Oid, limit: u64) -> Option<Read> {
    let packs = packs?;
    let at = packs.locate(oid.as_bytes())?;
    packs.read(at, limit).ok()
}

/// A tree's raw entries (see `TreeEntries`), read like `read_blob` reads blobs.
pub fn read_tree(repo: &Repository, packs: Option<&mut PackReader>, oid: git2::Oid) -> Result<Bytes, git2::Error> {
    if let Some(Read::Object(Kind::Tree, bytes)) = packed(packs, oid, u64::MAX) {
        return Ok(bytes);
    }
    let odb = repo.odb()?;
    let object = odb.read(oid)?;
    if object.kind() != git2::ObjectType::Tree {
        return Err(git2::Error::from_str("the object is not a tree"));
    }
    Ok(Arc::new(object.data().to_vec()))
}

/// A commit's tree and first parent, read like `read_tree` reads trees.
pub fn read_commit_links(
    repo: &Repository,
    packs: Option<&mut PackReader>,
    oid: git2::Oid,
) -> Result<(ObjectId, Option<ObjectId>), git2::Error> {
    if let Some(Read::Object(Kind::Commit, bytes)) = packed(packs, oid, u64::MAX)
        && let Some(header) = commit_header(&bytes)
    {
        return Ok((header.tree, header.parents.first().copied()));
    }
    let commit = repo.find_commit(oid)?;
    Ok((
        ObjectId::of(commit.tree_id()),
        commit.parent_ids().next().map(ObjectId::of),
    ))
}

/// A commit's parents, read like `read_tree` reads trees.
pub fn read_commit_parents(
    repo: &Repository,
    packs: Option<&mut PackReader>,
    oid: git2::Oid,
) -> Result<Vec<ObjectId>, git2::Error> {
    if let Some(Read::Object(Kind::Commit, bytes)) = packed(packs, oid, u64::MAX)
        && let Some(header) = commit_header(&bytes)
    {
        return Ok(header.parents);
    }
    Ok(repo.find_commit(oid)?.parent_ids().map(ObjectId::of).collect())
}

/// What a history walk needs of a commit.
#[derive(Debug, PartialEq, Eq)]
pub struct CommitHeader {
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
    /// Seconds since the epoch; 0 when the committer line has no time, as libgit2 reads it.
    pub committer_time: i64,
}

/// The header of a raw commit, read the way libgit2's quick commit parser reads it (`tree`,
/// `parent`s, `author`s, then `committer`), or `None` for anything less plain, which the
/// caller leaves to libgit2.
pub fn commit_header(raw: &[u8]) -> Option<CommitHeader> {
    let hex_id = |line: &[u8], prefix: &[u8]| -> Option<ObjectId> {
        let hex = line.strip_prefix(prefix)?;
        if hex.len() != 40 {
            return None;
        }
        let mut id = [0u8; 20];
        for (byte, pair) in id.iter_mut().zip(hex.chunks_exact(2)) {
            let digit = |c: u8| (c as char).to_digit(16);
            *byte = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
        }
        Some(ObjectId(id))
    };
    let mut lines = raw.split(|&b| b == b'\n').peekable();
    let tree = hex_id(lines.next()?, b"tree ")?;
    let mut parents = Vec::new();
    while let Some(parent) = lines.peek().and_then(|line| hex_id(line, b"parent ")) {
        parents.push(parent);
        lines.next();
    }
    while lines.next_if(|line| line.starts_with(b"author ")).is_some() {}
    let committer = lines.next()?.strip_prefix(b"committer ")?;
    let email_start = committer.iter().rposition(|&b| b == b'<')?;
    let email_end = committer.iter().rposition(|&b| b == b'>')?;
    if email_end <= email_start {
        return None;
    }
    let committer_time = match committer.get(email_end + 1..) {
        None | Some([]) | Some([_]) => 0,
        Some([b' ', time @ ..]) => {
            let digits = time.iter().position(|&b| b == b' ').map_or(time, |end| &time[..end]);
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(digits).ok()?.parse().ok()?
        }
        Some(_) => return None,
    };
    Some(CommitHeader {
        tree,
        parents,
        committer_time,
    })
}

/// The first NUL in `bytes` at or after `from`, sixteen bytes at a time: the walk looks for one
/// per tree entry over every tree it compares, 1.7 GB of them on git/git.
#[cfg(target_arch = "x86_64")]
fn first_nul(bytes: &[u8], from: usize) -> Option<usize> {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_setzero_si128};
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 16) {
        // SAFETY: `chunk` holds the 16 bytes loaded, and SSE2 is part of x86_64.
        let zeros = unsafe {
            _mm_movemask_epi8(_mm_cmpeq_epi8(
                _mm_loadu_si128(chunk.as_ptr().cast()),
                _mm_setzero_si128(),
            ))
        };
        if zeros != 0 {
            return Some(at + zeros.trailing_zeros() as usize);
        }
        at += 16;
    }
    Some(at + bytes.get(at..)?.iter().position(|&b| b == 0)?)
}

#[cfg(not(target_arch = "x86_64"))]
fn first_nul(bytes: &[u8], from: usize) -> Option<usize> {
    Some(from + bytes.get(from..)?.iter().position(|&b| b == 0)?)
}

/// How many leading bytes `a` and `b` share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    // Long equal stretches go to `memcmp` a block at a time; the differing block, a word at a time.
    const BLOCK: usize = 256;
    const WORD: usize = 8;
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= len && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    while at + WORD <= len {
        let word = |s: &[u8]| u64::from_le_bytes(s[at..at + WORD].try_into().unwrap());
        let differ = word(a) ^ word(b);
        if differ != 0 {
            return at + differ.trailing_zeros() as usize / 8;
        }
        at += WORD;
    }
    at + a[at..len].iter().zip(&b[at..len]).take_while(|(x, y)| x == y).count()
}

/// What a tree entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Tree,
    Blob,
    /// A submodule's commit: not content of this repository.
    Gitlink,
}

/// Git's order of tree entries: by name, a tree's name compared as if it ended in `/`.
pub fn entry_order(a: (&[u8], EntryKind), b: (&[u8], EntryKind)) -> std::cmp::Ordering {
    let common = a.0.len().min(b.0.len());
    a.0[..common].cmp(&b.0[..common]).then_with(|| {
        let next = |name: &[u8], kind| match name.get(common) {
            Some(&byte) => byte,
            None if kind == EntryKind::Tree => b'/',
            None => 0,
        };
        next(a.0, a.1).cmp(&next(b.0, b.1))
    })
}

/// One entry of a raw tree: what it names, its name, its id.
pub type TreeEntry<'t> = (EntryKind, &'t [u8], ObjectId);

/// The entries of a raw tree object: `<octal mode> <name>\0<20-byte id>`, repeated. Stops at
/// the first malformed entry and says so through `malformed`.
pub struct TreeEntries<'t> {
    rest: &'t [u8],
    pub malformed: bool,
}

impl<'t> TreeEntries<'t> {
    pub fn new(raw: &'t [u8]) -> TreeEntries<'t> {
        TreeEntries {
            rest: raw,
            malformed: false,
        }
    }

    /// The length of the next entry, if it parses. Names are short: a plain loop beats
    /// `memchr`'s set-up here.
    fn next_len(&self) -> Option<(EntryKind, usize, usize)> {
        let rest = self.rest;
        let space = rest.iter().take(8).position(|&b| b == b' ')?;
        let nul = space + 1 + rest[space + 1..].iter().position(|&b| b == 0)?;
        if rest.len() < nul + 21 {
            return None;
        }
        let kind = match &rest[..space] {
            b"40000" | b"040000" => EntryKind::Tree,
            b"160000" => EntryKind::Gitlink,
            _ => EntryKind::Blob,
        };
        Some((kind, space, nul))
    }

    /// Skips every leading entry that `other` has byte for byte (mode, name and id), and
    /// advances `other` past them too: how a tree is compared with its parent's version. The
    /// common prefix is found a word at a time, and only entry ends are looked for in it.
    pub fn skip_common(&mut self, other: &mut TreeEntries<'t>) {
        let same = common_prefix(self.rest, other.rest);
        let mut at = 0;
        // An entry is `mode name\0` and a 20-byte id; a name holds no NUL, and the shortest
        // mode with its space (`40000 `) is 6 bytes.
        while let Some(nul) = first_nul(&self.rest[..same], at + 6) {
            let end = nul + 21;
            if end > same {
                break;
            }
            at = end;
        }
        self.rest = &self.rest[at..];
        other.rest = &other.rest[at..];
    }

    /// The next entry without consuming it.
    pub fn peek(&self) -> Option<TreeEntry<'t>> {
        self.next_entry().map(|(entry, _)| entry)
    }

    /// The next entry and its length in bytes.
    fn next_entry(&self) -> Option<(TreeEntry<'t>, usize)> {
        let (kind, space, nul) = self.next_len()?;
        let rest = self.rest;
        let id = ObjectId(rest[nul + 1..nul + 21].try_into().ok()?);
        Some(((kind, &rest[space + 1..nul], id), nul + 21))
    }
}

impl<'t> Iterator for TreeEntries<'t> {
    type Item = TreeEntry<'t>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match self.next_entry() {
            Some((entry, len)) => {
                self.rest = &self.rest[len..];
                Some(entry)
            }
            None => {
                self.malformed = true;
                self.rest = &[];
                None
            }
        }
    }
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
pub fn scan_blob(
    pipeline: &Pipeline,
    repo: &Repository,
    packs: Option<&mut PackReader>,
    oid: git2::Oid,
    origin: &Origin,
) -> Vec<Finding> {
    match read_blob(repo, packs, oid, pipeline.max_file_size) {
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
    use super::{EntryKind, TreeEntries, entry_order, iso8601_utc};

    #[test]
    fn commit_headers_parse_as_libgit2_reads_them_or_not_at_all() {
        use super::commit_header;
        let tree = "a".repeat(40);
        let parent = "b".repeat(40);
        let plain = format!(
            "tree {tree}\nparent {parent}\nparent {tree}\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 1700000000 +0100\n\nmsg\n"
        );
        let header = commit_header(plain.as_bytes()).unwrap();
        assert_eq!(header.tree.0, [0xaa; 20]);
        assert_eq!(
            header.parents.iter().map(|p| p.0[0]).collect::<Vec<_>>(),
            vec![0xbb, 0xaa]
        );
        assert_eq!(header.committer_time, 1_700_000_000);
        // No time at all: libgit2 reads 0.
        let untimed = format!("tree {tree}\ncommitter C <c@x>\n\n");
        assert_eq!(commit_header(untimed.as_bytes()).unwrap().committer_time, 0);
        // Anything else is left to libgit2.
        for odd in [
            format!("tree {tree}\ncommitter C <c@x> -5 +0000\n"),
            format!("tree {tree}\ncommitter C c@x> 5 +0000\n"),
            format!("tree {tree}\nparent xyz\ncommitter C <c@x> 5 +0000\n"),
            format!("tree {tree}\nauthor A <a@x> 1 +0000\n\n"),
            "tree abc\ncommitter C <c@x> 5 +0000\n".to_string(),
        ] {
            assert_eq!(commit_header(odd.as_bytes()), None, "{odd}");
        }
    }

    proptest::proptest! {
        /// A hostile tree object never panics the parser: it yields whole entries, then stops
        /// and says it is malformed, or ends cleanly.
        #[test]
        fn any_tree_bytes_parse_or_stop(raw in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let mut entries = TreeEntries::new(&raw);
            let lengths: usize = (&mut entries).map(|(_, name, _)| name.len() + 22).sum();
            proptest::prop_assert!(lengths <= raw.len());
        }

        #[test]
        fn word_and_vector_scans_agree_with_byte_loops(
            a in proptest::collection::vec(0u8..4, 0..700),
            b in proptest::collection::vec(0u8..4, 0..700),
            shared in 0usize..700,
            from in 0usize..40,
        ) {
            // Mostly-equal inputs: `shared` leading bytes of `b` copied from `a`.
            let mut b = b;
            let shared = shared.min(a.len()).min(b.len());
            b[..shared].copy_from_slice(&a[..shared]);
            let naive = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
            proptest::prop_assert_eq!(super::common_prefix(&a, &b), naive);
            let nul = a.get(from..).and_then(|rest| rest.iter().position(|&x| x == 0)).map(|p| from + p);
            proptest::prop_assert_eq!(super::first_nul(&a, from), nul);
        }

        /// Skipping a common prefix stops at the first entry that differs, whatever bytes the
        /// ids hold, exactly where skipping one equal entry at a time would.
        #[test]
        fn skip_common_stops_at_the_first_changed_entry(
            entries in proptest::collection::vec(
                (proptest::sample::select(vec!["100644", "100755", "40000", "120000"]), "[a-z.]{1,20}", proptest::collection::vec(0u8..3, 20)),
                0..30,
            ),
            changed in 0usize..30,
            change_id in proptest::bool::ANY,
        ) {
            let raw = |entries: &[(&str, String, Vec<u8>)]| -> Vec<u8> {
                entries.iter().flat_map(|(mode, name, id)| [format!("{mode} {name}\0").into_bytes(), id.clone()].concat()).collect()
            };
            let mut other = entries.clone();
            if let Some(entry) = other.get_mut(changed) {
                if change_id { entry.2[19] ^= 1 } else { entry.1.push('x') }
            }
            let (ours, theirs) = (raw(&entries), raw(&other));
            let mut a = TreeEntries::new(&ours);
            let mut b = TreeEntries::new(&theirs);
            a.skip_common(&mut b);
            let equal = entries.iter().zip(&other).take_while(|(x, y)| x == y).count();
            proptest::prop_assert_eq!(ours.len() - a.rest.len(), raw(&entries[..equal]).len());
            proptest::prop_assert_eq!(theirs.len() - b.rest.len(), raw(&entries[..equal]).len());
        }
    }

    #[test]
    fn entries_sort_as_git_sorts_them() {
        use std::cmp::Ordering::*;
        assert_eq!(entry_order((b"a.c", EntryKind::Blob), (b"a", EntryKind::Tree)), Less);
        assert_eq!(entry_order((b"a", EntryKind::Tree), (b"a0", EntryKind::Blob)), Less);
        assert_eq!(entry_order((b"a", EntryKind::Blob), (b"a.c", EntryKind::Blob)), Less);
        assert_eq!(entry_order((b"a", EntryKind::Tree), (b"a", EntryKind::Blob)), Greater);
        assert_eq!(entry_order((b"a", EntryKind::Tree), (b"a", EntryKind::Tree)), Equal);
    }

    #[test]
    fn dates_are_iso8601_utc() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(1_709_287_200), "2024-03-01T10:00:00Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59Z");
    }
}
