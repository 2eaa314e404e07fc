//! Reads objects straight from a repository's pack files, for the history walk and scan.
//!
//! Most of a packed history is stored as chains of deltas (about 9 deep on average in git/git).
//! libgit2 keeps only the bottom of a chain in its cache, so every read re-inflates and re-applies
//! the whole chain: reading git/git's 165,000 blobs that way took 15.5 s in pack order, where
//! `git cat-file --batch` takes 4.8 s. This reader keeps every object it resolves, intermediate
//! ones included, in a bounded cache; read in pack order, as the history scan reads blobs, a
//! chain's objects are nearly always a cache hit away.
//!
//! It reads what it understands: version 2 pack indexes of SHA-1 repositories without alternates.
//! Anything else (loose objects, an unfamiliar layout, a pack entry that does not decode) is left
//! to libgit2, which also names the error when an object is really corrupt.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use libdeflater::Decompressor;

use super::WordHashing;

/// An object's type, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Commit,
    Tree,
    Blob,
    Tag,
}

/// An object's content, shared between the cache and its readers. An `Arc<Vec>` rather than an
/// `Arc<[u8]>`: converting a `Vec` into the latter copies it, and every resolved object went
/// through that copy.
pub type Bytes = Arc<Vec<u8>>;

/// Where an object's entry starts: which pack, at what offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub pack: u32,
    pub offset: u64,
}

/// The pack indexes of one repository, loaded into memory (about 36 bytes per object).
pub struct PackStore {
    packs: Vec<Pack>,
}

struct Pack {
    file: File,
    /// Where entries end: the trailing checksum starts here.
    data_end: u64,
    fanout: Vec<u32>,
    /// Object ids, 20 bytes each, sorted.
    ids: Vec<u8>,
    /// Entry offsets, in id order.
    offsets: Vec<u64>,
    /// The same offsets sorted, to find where each entry ends.
    sorted_offsets: Vec<u64>,
}

const ID_LEN: usize = 20;

impl PackStore {
    /// The packs under `git_dir`, or `None` when the object database is not one this reader
    /// handles (alternates, SHA-256, an index it cannot parse); libgit2 then reads everything.
    pub fn open(git_dir: &Path) -> Option<PackStore> {
        let objects = git_dir.join("objects");
        if objects.join("info/alternates").exists() {
            return None;
        }
        if let Ok(config) = std::fs::read_to_string(git_dir.join("config"))
            && config.to_ascii_lowercase().contains("objectformat")
        {
            return None;
        }
        // The repository's packs, then those of the object directories git's environment names
        // (a push's quarantine, whose objects are often loose: libgit2 reads those).
        let mut packs = Vec::new();
        let mut dirs = vec![objects];
        dirs.extend(super::object_dirs_from_env(git_dir));
        for (number, dir) in dirs.iter().enumerate() {
            let entries = match std::fs::read_dir(dir.join("pack")) {
                Ok(entries) => entries,
                Err(_) if number > 0 => continue,
                Err(_) => return None,
            };
            let mut idx_paths: Vec<_> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                .collect();
            idx_paths.sort();
            for idx_path in idx_paths {
                packs.push(Pack::open(&idx_path)?);
            }
        }
        Some(PackStore { packs })
    }

    /// The offsets of the entries at the front of each pack that are whole commits, as `git
    /// pack-objects` writes them (commits first, newest first), by pack number. Found by
    /// bisection on the entries' types, which assumes the run is unbroken; if it is not, the run
    /// holds other entries too, and callers must check what they read.
    pub fn leading_commits(&self) -> Vec<(u32, &[u64])> {
        let is_commit = |pack: &Pack, offset: u64| {
            matches!(
                read_entry_header(pack, offset),
                Ok(Entry {
                    kind: EntryEncoding::Whole(ObjectKind::Commit),
                    ..
                })
            )
        };
        self.packs
            .iter()
            .enumerate()
            .map(|(number, pack)| {
                let count = pack.sorted_offsets.partition_point(|&offset| is_commit(pack, offset));
                (number as u32, &pack.sorted_offsets[..count])
            })
            .filter(|(_, run)| !run.is_empty())
            .collect()
    }

    /// Where `id` is stored, if in a pack.
    pub fn locate(&self, id: &[u8]) -> Option<Location> {
        self.packs.iter().enumerate().find_map(|(number, pack)| {
            pack.find(id).map(|offset| Location {
                pack: number as u32,
                offset,
            })
        })
    }
}

impl Pack {
    /// Reads the index's ids and offsets, not its CRCs, straight into their tables (reading the
    /// whole file and copying the ids out took 10 of the 18 ms git/git's index took to load).
    fn open(idx_path: &Path) -> Option<Pack> {
        let idx = File::open(idx_path).ok()?;
        let idx_len = idx.metadata().ok()?.len();
        let read = |at: usize, len: usize| -> Option<Vec<u8>> {
            let mut bytes = vec![0u8; len];
            idx.read_exact_at(&mut bytes, at as u64).ok()?;
            Some(bytes)
        };
        let file = File::open(idx_path.with_extension("pack")).ok()?;
        let pack_len = file.metadata().ok()?.len();
        let head = read(0, 8 + 256 * 4)?;
        if head[..8] != [0xff, b't', b'O', b'c', 0, 0, 0, 2] {
            return None;
        }
        let word = |bytes: &[u8], at: usize| -> Option<u32> {
            Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
        };
        let fanout: Vec<u32> = (0..256).map(|i| word(&head, 8 + i * 4)).collect::<Option<_>>()?;
        let count = fanout[255] as usize;
        let ids_at = 8 + 256 * 4;
        let offsets_at = ids_at + count * (ID_LEN + 4);
        // Offsets, then large offsets, then two checksums.
        let tail_len = usize::try_from(idx_len).ok()?.checked_sub(offsets_at + 40)?;
        if tail_len < count * 4 {
            return None;
        }
        let ids = read(ids_at, count * ID_LEN)?;
        let tail = read(offsets_at, tail_len)?;
        let large_at = count * 4;
        let mut offsets = Vec::with_capacity(count);
        for i in 0..count {
            let small = word(&tail, i * 4)?;
            let offset = if small & 0x8000_0000 == 0 {
                u64::from(small)
            } else {
                let at = large_at + (small & 0x7fff_ffff) as usize * 8;
                u64::from_be_bytes(tail.get(at..at + 8)?.try_into().ok()?)
            };
            if offset + 20 > pack_len {
                return None;
            }
            offsets.push(offset);
        }
        let mut sorted_offsets = offsets.clone();
        radix_sort(&mut sorted_offsets, pack_len);
        Some(Pack {
            file,
            data_end: pack_len - 20,
            fanout,
            ids,
            offsets,
            sorted_offsets,
        })
    }

    fn find(&self, id: &[u8]) -> Option<u64> {
        let first = *id.first()? as usize;
        let low = if first == 0 { 0 } else { self.fanout[first - 1] as usize };
        let high = self.fanout[first] as usize;
        let (mut low, mut high) = (low, high.min(self.offsets.len()));
        while low < high {
            let mid = (low + high) / 2;
            match self.ids[mid * ID_LEN..(mid + 1) * ID_LEN].cmp(id) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(self.offsets[mid]),
            }
        }
        None
    }

    /// Where the entry starting at `offset` ends.
    fn entry_end(&self, offset: u64) -> u64 {
        let next = self.sorted_offsets.partition_point(|&o| o <= offset);
        self.sorted_offsets.get(next).copied().unwrap_or(self.data_end)
    }
}

/// Why a pack entry could not be decoded. Callers then hand the object to libgit2, which names
/// a real corruption to the user; the reason here is for tests and debugging.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pack entry cannot be decoded: {0}")]
pub struct PackError(std::borrow::Cow<'static, str>);

impl From<&'static str> for PackError {
    fn from(reason: &'static str) -> PackError {
        PackError(reason.into())
    }
}

impl From<String> for PackError {
    fn from(reason: String) -> PackError {
        PackError(reason.into())
    }
}

/// What a read found.
pub enum PackObject {
    Object(ObjectKind, Bytes),
    /// The object is larger than the limit by this many bytes: not resolved.
    TooLarge(u64),
}

/// Reads objects with a cache of the ones resolved recently. One per thread.
pub struct PackReader<'s> {
    store: &'s PackStore,
    cache: Cache<'s>,
    inflater: Decompressor,
}

/// A reader's cache: its own, or one it shares with the other readers of a scan.
enum Cache<'s> {
    Own(ObjectCache),
    Shared(&'s SharedCache),
}

/// A cache the scanning threads of one history scan share. Blobs sharing a delta chain are often
/// read by different threads; with a cache each, both resolved the chain's bases (git/git's
/// HEAD~3031..HEAD inflated 375 MB with two 16 MiB caches, 346 MB with one shared 32 MiB cache).
/// The lock is held only to look up or insert an `Arc`; inflating and applying deltas happen
/// outside it.
pub struct SharedCache(std::sync::Mutex<ObjectCache>);

impl SharedCache {
    pub fn new(bytes: usize) -> SharedCache {
        SharedCache(std::sync::Mutex::new(ObjectCache::new(bytes)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ObjectCache> {
        // A thread that panicked holding the lock left the maps whole: each update is one insert.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Cache<'_> {
    fn get(&mut self, at: Location) -> Option<(ObjectKind, Bytes)> {
        self.with(|cache| cache.get(at))
    }

    fn put(&mut self, at: Location, kind: ObjectKind, data: &Bytes) {
        self.with(|cache| cache.put(at, kind, data));
    }

    /// Runs `update`, then frees the generation it dropped, if any, outside the lock.
    fn with<T>(&mut self, update: impl FnOnce(&mut ObjectCache) -> T) -> T {
        let (result, dropped) = match self {
            Cache::Own(cache) => (update(cache), cache.dropped.take()),
            Cache::Shared(shared) => {
                let mut cache = shared.lock();
                (update(&mut cache), cache.dropped.take())
            }
        };
        drop(dropped);
        result
    }
}

/// An entry's header: what it is and where its compressed data lies.
struct Entry {
    kind: EntryEncoding,
    /// Inflated size: of the object, or of the delta.
    size: u64,
    data_start: u64,
    data_end: u64,
}

enum EntryEncoding {
    Whole(ObjectKind),
    OffsetDelta(u64),
    RefDelta([u8; ID_LEN]),
}

/// No object this reader resolves is larger (libgit2 is left to try).
const MAX_OBJECT: u64 = 1 << 30;

/// zlib's largest possible expansion (about 1032:1), with room to spare.
const MAX_INFLATE_RATIO: u64 = 1100;

/// Deeper chains than this are taken for a loop in a corrupt pack.
const MAX_CHAIN: usize = 10_000;

impl<'s> PackReader<'s> {
    /// A reader whose cache holds up to `cache_bytes` of objects.
    pub fn new(store: &'s PackStore, cache_bytes: usize) -> PackReader<'s> {
        PackReader {
            store,
            cache: Cache::Own(ObjectCache::new(cache_bytes)),
            inflater: Decompressor::new(),
        }
    }

    /// A reader that shares `cache` with other readers.
    pub fn sharing(store: &'s PackStore, cache: &'s SharedCache) -> PackReader<'s> {
        PackReader {
            store,
            cache: Cache::Shared(cache),
            inflater: Decompressor::new(),
        }
    }

    /// Where `id` is stored, if in a pack.
    pub fn locate(&self, id: &[u8]) -> Option<Location> {
        self.store.locate(id)
    }

    /// The blob at `at` as a stream, when it is stored whole (see `BlobStream`).
    pub fn stream_blob(&self, at: Location) -> Option<BlobStream<'s>> {
        self.store.stream_blob(at)
    }

    /// The object at `at`, unless it is larger than `limit`. An error means the entry did not
    /// decode; the caller asks libgit2, which reports the corruption in its own words.
    pub fn read(&mut self, at: Location, limit: u64) -> Result<PackObject, PackError> {
        if let Some((kind, data)) = self.cache.get(at) {
            if data.len() as u64 > limit {
                return Ok(PackObject::TooLarge(data.len() as u64));
            }
            return Ok(PackObject::Object(kind, data));
        }
        let pack = self.store.packs.get(at.pack as usize).ok_or("no such pack")?;
        // Walk down the chain to a whole object or a cached one. Each delta is inflated when it
        // is applied, except the top one, inflated once up front to read the result's size.
        let mut chain: Vec<(u64, Entry)> = Vec::new();
        let mut top_delta: Option<Vec<u8>> = None;
        let mut offset = at.offset;
        let (kind, mut data) = loop {
            if !chain.is_empty()
                && let Some(found) = self.cache.get(Location { pack: at.pack, offset })
            {
                break found;
            }
            let entry = read_entry_header(pack, offset)?;
            if chain.is_empty() {
                let size = match entry.kind {
                    EntryEncoding::Whole(_) => entry.size,
                    _ => {
                        let delta = self.inflate(pack, &entry)?;
                        let size = delta_sizes(&delta)?.1;
                        top_delta = Some(delta);
                        size
                    }
                };
                if size > limit {
                    return Ok(PackObject::TooLarge(size));
                }
            }
            match entry.kind {
                EntryEncoding::Whole(kind) => {
                    let data: Bytes = Arc::new(self.inflate(pack, &entry)?);
                    self.cache.put(Location { pack: at.pack, offset }, kind, &data);
                    break (kind, data);
                }
                EntryEncoding::OffsetDelta(base) => {
                    chain.push((offset, entry));
                    offset = base;
                }
                EntryEncoding::RefDelta(id) => {
                    chain.push((offset, entry));
                    offset = pack.find(&id).ok_or("delta base in another pack")?;
                }
            }
            if chain.len() > MAX_CHAIN {
                return Err("delta chain too deep".into());
            }
        };
        // Apply the deltas from the bottom up, keeping each result.
        while let Some((offset, entry)) = chain.pop() {
            let delta = match (chain.is_empty(), top_delta.take()) {
                (true, Some(delta)) => delta,
                (_, kept) => {
                    top_delta = kept;
                    self.inflate(pack, &entry)?
                }
            };
            data = Arc::new(apply_delta(&data, &delta)?);
            self.cache.put(Location { pack: at.pack, offset }, kind, &data);
        }
        Ok(PackObject::Object(kind, data))
    }

    fn inflate(&mut self, pack: &Pack, entry: &Entry) -> Result<Vec<u8>, PackError> {
        let stored = entry
            .data_end
            .checked_sub(entry.data_start)
            .ok_or("entry overlaps the next")?;
        // zlib cannot expand data more than about 1032 times: a larger size is a corrupt or
        // hostile header, refused before anything is allocated for it.
        if entry.size > MAX_OBJECT || entry.size > stored.saturating_mul(MAX_INFLATE_RATIO).saturating_add(64) {
            return Err("entry size does not fit its data".into());
        }
        let size = usize::try_from(entry.size).map_err(|_| "entry too large")?;
        let mut compressed = vec![0u8; stored as usize];
        pack.file
            .read_exact_at(&mut compressed, entry.data_start)
            .map_err(|e| e.to_string())?;
        // The whole stream is at hand and its size is known: one libdeflate call inflates it
        // (replacing zlib's streaming interface took git/git's full history from 9.3-9.7 s to
        // 8.5-8.8 s).
        let mut out = vec![0u8; size];
        let written = self
            .inflater
            .zlib_decompress(&compressed, &mut out)
            .map_err(|e| format!("entry does not inflate: {e:?}"))?;
        if written != size {
            return Err("entry inflates to the wrong size".into());
        }
        Ok(out)
    }
}

/// A whole blob's entry, inflated a piece at a time: for a blob too large to hold in memory.
/// `None` for a delta (applying one needs its base whole, so those are read whole; git itself
/// does not delta files over `core.bigFileThreshold`, 512 MiB by default) or another kind.
pub struct BlobStream<'s> {
    pub size: u64,
    pub reader: flate2::bufread::ZlibDecoder<std::io::BufReader<EntryBytes<'s>>>,
}

/// The compressed bytes of one entry, read from the pack file by position.
pub struct EntryBytes<'s> {
    file: &'s File,
    at: u64,
    end: u64,
}

impl std::io::Read for EntryBytes<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = (self.end - self.at).min(buf.len() as u64) as usize;
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl PackStore {
    /// The blob at `at` as a stream, when it is stored whole (see `BlobStream`).
    pub fn stream_blob(&self, at: Location) -> Option<BlobStream<'_>> {
        let pack = self.packs.get(at.pack as usize)?;
        let entry = read_entry_header(pack, at.offset).ok()?;
        if !matches!(entry.kind, EntryEncoding::Whole(ObjectKind::Blob)) || entry.data_end < entry.data_start {
            return None;
        }
        let bytes = EntryBytes {
            file: &pack.file,
            at: entry.data_start,
            end: entry.data_end,
        };
        Some(BlobStream {
            size: entry.size,
            reader: flate2::bufread::ZlibDecoder::new(std::io::BufReader::with_capacity(1 << 16, bytes)),
        })
    }
}

/// Sorts numbers below `limit` (a pack's offsets) with a least-significant-digit radix sort:
/// two or three passes of 11 bits instead of a comparison sort (git/git's 419,000 offsets: 7 ms
/// with `sort_unstable`).
fn radix_sort(values: &mut Vec<u64>, limit: u64) {
    const BITS: u32 = 11;
    const MASK: u64 = (1 << BITS) - 1;
    let mut sorted = vec![0u64; values.len()];
    let mut shift = 0;
    while shift < u64::BITS && limit >> shift != 0 {
        let mut starts = [0usize; 1 << BITS];
        for &value in values.iter() {
            starts[((value >> shift) & MASK) as usize] += 1;
        }
        let mut total = 0;
        for start in starts.iter_mut() {
            (*start, total) = (total, total + *start);
        }
        for &value in values.iter() {
            let bucket = &mut starts[((value >> shift) & MASK) as usize];
            sorted[*bucket] = value;
            *bucket += 1;
        }
        std::mem::swap(values, &mut sorted);
        shift += BITS;
    }
}

fn read_entry_header(pack: &Pack, offset: u64) -> Result<Entry, PackError> {
    let end = pack.entry_end(offset);
    let mut head = [0u8; 32];
    let len = ((end - offset) as usize).min(head.len());
    pack.file
        .read_exact_at(&mut head[..len], offset)
        .map_err(|e| e.to_string())?;
    let head = &head[..len];
    let mut at = 0;
    let first = *head.first().ok_or("empty entry")?;
    let type_bits = (first >> 4) & 7;
    let mut size = u64::from(first & 0x0f);
    let mut shift = 4;
    let mut byte = first;
    at += 1;
    while byte & 0x80 != 0 {
        byte = *head.get(at).ok_or("truncated entry header")?;
        at += 1;
        if shift > 60 {
            return Err("entry size overflows".into());
        }
        size |= u64::from(byte & 0x7f) << shift;
        shift += 7;
    }
    let kind = match type_bits {
        1 => EntryEncoding::Whole(ObjectKind::Commit),
        2 => EntryEncoding::Whole(ObjectKind::Tree),
        3 => EntryEncoding::Whole(ObjectKind::Blob),
        4 => EntryEncoding::Whole(ObjectKind::Tag),
        6 => {
            // Offset of the base, backwards.
            let back = offset_varint(head, &mut at).ok_or("truncated or overflowing delta offset")?;
            EntryEncoding::OffsetDelta(
                offset
                    .checked_sub(back)
                    .filter(|_| back > 0)
                    .ok_or("delta base out of range")?,
            )
        }
        7 => {
            let id: [u8; ID_LEN] = head
                .get(at..at + ID_LEN)
                .and_then(|s| s.try_into().ok())
                .ok_or("truncated delta base id")?;
            at += ID_LEN;
            EntryEncoding::RefDelta(id)
        }
        _ => return Err(format!("unknown entry type {type_bits}").into()),
    };
    Ok(Entry {
        kind,
        size,
        data_start: offset + at as u64,
        data_end: end,
    })
}

/// Git's offset encoding (a delta's base offset, an index v4 path's stripped length): base
/// 128, big-endian, one added per continuation byte.
pub(super) fn offset_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut byte = *bytes.get(*at)?;
    *at += 1;
    let mut value = u64::from(byte & 0x7f);
    while byte & 0x80 != 0 {
        byte = *bytes.get(*at)?;
        *at += 1;
        value = value.checked_add(1)?.checked_mul(128)? | u64::from(byte & 0x7f);
    }
    Some(value)
}

/// A delta's base and result sizes, from its head, and where its instructions start.
fn delta_sizes(delta: &[u8]) -> Result<(u64, u64, usize), PackError> {
    let mut at = 0;
    let base = varint(delta, &mut at)?;
    let target = varint(delta, &mut at)?;
    Ok((base, target, at))
}

/// A little-endian base-128 number, as deltas start with.
fn varint(bytes: &[u8], at: &mut usize) -> Result<u64, PackError> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at).ok_or("truncated delta header")?;
        *at += 1;
        if shift > 63 {
            return Err("delta header overflows".into());
        }
        value |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
}

/// Rebuilds an object from its base and a delta (copy and insert instructions).
fn apply_delta(base: &[u8], delta: &[u8]) -> Result<Vec<u8>, PackError> {
    let (base_size, target_size, mut at) = delta_sizes(delta)?;
    if base_size != base.len() as u64 {
        return Err("delta does not fit its base".into());
    }
    if target_size > MAX_OBJECT {
        return Err("delta claims an object over 1 GiB".into());
    }
    let target_size_usize = usize::try_from(target_size).map_err(|_| "delta too large")?;
    // Reserve what the header claims only up to a sane bound: a hostile header may claim
    // anything, and the loop below refuses output past the claim anyway.
    let mut out = Vec::with_capacity(target_size_usize.min(base.len() + delta.len() * 128));
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            let mut field = |bits: u8, bytes: usize| -> Result<usize, PackError> {
                let mut value = 0usize;
                for i in 0..bytes {
                    if bits & (1 << i) != 0 {
                        value |= usize::from(*delta.get(at).ok_or("truncated copy")?) << (8 * i);
                        at += 1;
                    }
                }
                Ok(value)
            };
            let offset = field(op, 4)?;
            let size = match field(op >> 4, 3)? {
                0 => 0x10000,
                size => size,
            };
            let copied = base
                .get(offset..offset.checked_add(size).ok_or("copy overflows")?)
                .ok_or("copy outside the base")?;
            out.extend_from_slice(copied);
        } else if op != 0 {
            let inserted = delta.get(at..at + op as usize).ok_or("truncated insert")?;
            out.extend_from_slice(inserted);
            at += op as usize;
        } else {
            return Err("reserved delta instruction".into());
        }
        if out.len() as u64 > target_size {
            return Err("delta overruns its size".into());
        }
    }
    if out.len() as u64 != target_size {
        return Err("delta falls short of its size".into());
    }
    Ok(out)
}

type Generation = HashMap<Location, (ObjectKind, Bytes), WordHashing>;

/// Recently resolved objects, bounded in bytes. Two generations approximate least-recently-
/// used: new objects go to the young one; when it is full it becomes the old one, and the old one
/// is dropped; a hit in the old generation moves the object back to the young one.
struct ObjectCache {
    young: Generation,
    old: Generation,
    /// The old generation the last update dropped, for the caller to free (outside a lock).
    dropped: Option<Generation>,
    young_bytes: usize,
    generation_bytes: usize,
}

impl ObjectCache {
    fn new(bytes: usize) -> ObjectCache {
        ObjectCache {
            young: HashMap::default(),
            old: HashMap::default(),
            dropped: None,
            young_bytes: 0,
            generation_bytes: bytes / 2,
        }
    }

    fn get(&mut self, at: Location) -> Option<(ObjectKind, Bytes)> {
        if let Some((kind, data)) = self.young.get(&at) {
            return Some((*kind, data.clone()));
        }
        let (kind, data) = self.old.remove(&at)?;
        self.put(at, kind, &data);
        Some((kind, data))
    }

    fn put(&mut self, at: Location, kind: ObjectKind, data: &Bytes) {
        // An object bigger than a tenth of a generation would flush the cache for one read.
        if data.len() > self.generation_bytes / 10 {
            return;
        }
        if self.young_bytes + data.len() > self.generation_bytes {
            self.dropped = Some(std::mem::replace(&mut self.old, std::mem::take(&mut self.young)));
            self.young_bytes = 0;
        }
        self.young_bytes += data.len();
        self.young.insert(at, (kind, data.clone()));
    }
}

impl std::hash::Hash for Location {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.offset ^ (u64::from(self.pack) << 48));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The radix sort sorts as the standard one does, whatever the bound and the values.
        #[test]
        fn radix_sort_sorts(mut values in proptest::collection::vec(proptest::num::u64::ANY, 0..2000), bits in 1u32..64) {
            let limit = 1u64 << bits;
            for value in values.iter_mut() {
                *value %= limit;
            }
            let mut expected = values.clone();
            expected.sort_unstable();
            radix_sort(&mut values, limit);
            proptest::prop_assert_eq!(values, expected);
        }

        /// A hostile delta never panics and never yields more than its header claims.
        #[test]
        fn any_delta_applies_or_is_refused(
            base in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            delta in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            let mut at = 0;
            let claimed = varint(&delta, &mut at).and_then(|_| varint(&delta, &mut at));
            if let Ok(out) = apply_delta(&base, &delta) {
                proptest::prop_assert_eq!(Ok(out.len() as u64), claimed);
            }
        }
    }

    #[test]
    fn deltas_copy_and_insert_and_refuse_what_does_not_fit() {
        let base = b"hello, world";
        // base 12, target 11: copy "hello" (offset 0, size 5), insert " git!", copy "d"? no: insert.
        let delta = [12, 11, 0x80 | 0x10, 5, 6, b' ', b'g', b'i', b't', b'!', b'?'];
        assert_eq!(apply_delta(base, &delta).unwrap(), b"hello git!?");
        let outside = [12, 5, 0x80 | 0x01 | 0x10, 10, 5];
        assert!(apply_delta(base, &outside).is_err());
        let wrong_base = [11, 1, 1, b'x'];
        assert!(apply_delta(base, &wrong_base).is_err());
        let short = [12, 3, 1, b'x'];
        assert!(apply_delta(base, &short).is_err());
        assert!(apply_delta(base, &[12, 1, 0]).is_err());
        // A header claiming 2^62 bytes is refused before anything is reserved for it.
        let bomb = [
            12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x90, 0xff, 0xff,
        ];
        assert!(apply_delta(base, &bomb).is_err());
    }
}
