//! Reading objects: blobs within a size limit, trees, and the commit fields a walk needs,
//! through the pack reader where it can and libgit2 where it cannot.

use std::sync::Arc;

use git2::Repository;

use crate::git::ObjectId;
use crate::git::pack::{Bytes, ObjectKind, PackObject, PackReader};

/// How much of a blob to read, and how.
#[derive(Debug, Clone, Copy)]
pub struct BlobLimits {
    /// The user's `--max-file-size`: larger blobs are not read at all.
    pub skip_over: Option<u64>,
    /// Larger blobs are streamed rather than held whole, where the store allows.
    pub hold_up_to: u64,
}

/// A blob, read whole, as a stream, or (over the user's limit) not at all.
pub enum BoundedBlob<'r> {
    Within(BlobBytes<'r>),
    /// Too large to hold: read a piece at a time.
    Streamed(BlobReader<'r>),
    /// Over the user's limit, by this many bytes: never inflated.
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

/// A blob read a piece at a time. It fails with `InvalidData` if the object does not inflate
/// to the size its header gives, so a truncated or corrupt object is an error, never a shorter
/// blob scanned as if it were whole.
pub struct BlobReader<'r> {
    pub size: u64,
    read: u64,
    inner: Box<dyn std::io::Read + 'r>,
}

impl std::io::Read for BlobReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if (n == 0 && !buf.is_empty() && self.read != self.size) || self.read > self.size {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "the object inflates to {} bytes, its header says {}",
                    self.read, self.size
                ),
            ));
        }
        Ok(n)
    }
}

/// Reads a blob within `limits`: over the user's limit it is not read (the size is checked in
/// the object's header before anything is inflated); over the holding limit it is streamed when
/// stored whole (a loose object, or a packed one that is not a delta), else read whole. With a
/// pack reader, packed blobs are read through it; anything it cannot read (a loose object, a
/// corrupt entry) goes to libgit2, which names the problem.
pub fn read_blob<'a, 'r: 'a, 's: 'a>(
    repo: &'r Repository,
    packs: Option<&mut PackReader<'s>>,
    oid: git2::Oid,
    limits: BlobLimits,
) -> Result<BoundedBlob<'a>, git2::Error> {
    let skip = |size: u64| limits.skip_over.is_some_and(|limit| size > limit);
    if let Some(packs) = packs
        && let Some(at) = packs.locate(oid.as_bytes())
    {
        match packs.read(at, limits.hold_up_to) {
            Ok(PackObject::Object(ObjectKind::Blob, bytes)) => {
                return Ok(BoundedBlob::Within(BlobBytes::Packed(bytes)));
            }
            Ok(PackObject::TooLarge(size)) if skip(size) => return Ok(BoundedBlob::TooLarge(size)),
            Ok(PackObject::TooLarge(_)) => {
                if let Some(stream) = packs.stream_blob(at) {
                    return Ok(BoundedBlob::Streamed(BlobReader {
                        size: stream.size,
                        read: 0,
                        inner: Box::new(stream.reader),
                    }));
                }
                if let Ok(PackObject::Object(ObjectKind::Blob, bytes)) = packs.read(at, u64::MAX) {
                    return Ok(BoundedBlob::Within(BlobBytes::Packed(bytes)));
                }
            }
            Ok(PackObject::Object(..)) | Err(_) => {}
        }
    }
    let odb = repo.odb()?;
    let (size, _) = odb.read_header(oid)?;
    let size = size as u64;
    if skip(size) {
        return Ok(BoundedBlob::TooLarge(size));
    }
    if size > limits.hold_up_to
        && let Some(reader) = loose_blob_stream(repo, oid, size)
    {
        return Ok(BoundedBlob::Streamed(reader));
    }
    repo.find_blob(oid)
        .map(|blob| BoundedBlob::Within(BlobBytes::Git(blob)))
}

/// A loose blob's content as a stream, past its `blob <size>\0` header; `None` when the object is
/// not a loose file of this repository's own (packed, or in an alternate) or its header is not a
/// blob's of that size: it is then read whole, and libgit2 names any corruption.
fn loose_blob_stream(repo: &Repository, oid: git2::Oid, size: u64) -> Option<BlobReader<'static>> {
    use std::io::Read;
    let hex = oid.to_string();
    let file = std::fs::File::open(repo.path().join("objects").join(&hex[..2]).join(&hex[2..])).ok()?;
    let mut reader = flate2::read::ZlibDecoder::new(std::io::BufReader::with_capacity(1 << 16, file));
    let expected = format!("blob {size}\0");
    let mut header = vec![0u8; expected.len()];
    reader.read_exact(&mut header).ok()?;
    (header == expected.as_bytes()).then(|| BlobReader {
        size,
        read: 0,
        inner: Box::new(reader),
    })
}

/// What the pack reader has for `oid`: `None` when there is no reader, the object is not
/// packed, or its entry does not decode (libgit2 then reads it, and names a real corruption).
fn packed(packs: Option<&mut PackReader>, oid: git2::Oid, limit: u64) -> Option<PackObject> {
    let packs = packs?;
    let at = packs.locate(oid.as_bytes())?;
    packs.read(at, limit).ok()
}

/// A tree's raw entries (see `TreeEntries`), read like `read_blob` reads blobs.
pub fn read_tree(repo: &Repository, packs: Option<&mut PackReader>, oid: git2::Oid) -> Result<Bytes, git2::Error> {
    if let Some(PackObject::Object(ObjectKind::Tree, bytes)) = packed(packs, oid, u64::MAX) {
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
    if let Some(PackObject::Object(ObjectKind::Commit, bytes)) = packed(packs, oid, u64::MAX)
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
    if let Some(PackObject::Object(ObjectKind::Commit, bytes)) = packed(packs, oid, u64::MAX)
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

#[cfg(test)]
mod tests {
    use super::commit_header;

    #[test]
    fn commit_headers_parse_as_libgit2_reads_them_or_not_at_all() {
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
}
