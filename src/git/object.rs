//! Reading objects: blobs within a size limit, trees, and the commit fields a walk needs,
//! through the pack reader where it can and libgit2 where it cannot.

use std::sync::Arc;

use git2::Repository;

use crate::git::ObjectId;
use crate::git::pack::{Bytes, ObjectKind, PackObject, PackReader};

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
        Some(PackObject::Object(ObjectKind::Blob, bytes)) => return Ok(BoundedBlob::Within(BlobBytes::Packed(bytes))),
        Some(PackObject::TooLarge(size)) => return Ok(BoundedBlob::TooLarge(size)),
        Some(PackObject::Object(..)) | None => {}
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
