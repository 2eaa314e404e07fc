//! `--history`: every commit reachable from any ref (or those of `--range`), parents first. Each
//! commit's tree is walked, skipping subtrees already seen, so every unique tree is read once and
//! the first commit whose tree holds a blob is the one that introduced it (including content
//! first written in a merge's conflict resolution). Unique blobs are then scanned once each, in
//! parallel, in the order the packs store them, and commit metadata is resolved only for
//! blobs that have findings.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use git2::{ObjectType, Oid, Repository, Sort, TreeWalkMode};
use rayon::prelude::*;

use crate::finding::Finding;
use crate::git::commits::{Listed, Start, commits_from, every_commit};
use crate::git::object::{read_commit_links, read_commit_parents, read_tree};
use crate::git::pack::{PackReader, PackStore, SharedCache};
use crate::git::tree::{TreeEntries, TreeEntryKind, entry_order};
use crate::git::{CommitInfo, ObjectId, WordHashing, commit_info, display_path};
use crate::origin::{Origin, SourceKind};
use crate::pipeline::Pipeline;
use crate::source::git_blob::scan_object;

/// How to walk history.
#[derive(Debug, Clone)]
pub struct HistorySettings {
    /// `A..B` (or any revspec git accepts); `None` for every ref.
    pub range: Option<String>,
    /// `--pre-push`: the commits a push sends (see `push::pushed_commits`), instead of a range.
    pub pushed: Option<Vec<Start>>,
    /// Only blobs at this path or under it (repository-relative, `/`-separated).
    pub limit: Option<String>,
    pub threads: usize,
    /// Scan only this share of the blobs.
    pub shard: Option<crate::settings::Shard>,
}

/// What a history scan covered, for the summary and its warnings.
#[derive(Debug, Default)]
pub struct Coverage {
    pub commits: usize,
    pub blobs: usize,
    pub shallow: bool,
}

/// A unique blob and where it first appeared.
struct BlobJob {
    path: String,
    /// Index into the ordered commit list.
    commit: usize,
    also_at: Vec<String>,
}

/// Counters a progress display reads while a history scan runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub commits_total: AtomicUsize,
    pub commits_walked: AtomicUsize,
    pub blobs_total: AtomicUsize,
}

pub fn scan(
    pipeline: &Pipeline,
    repo: &Repository,
    settings: &HistorySettings,
    progress: &Progress,
) -> anyhow::Result<Coverage> {
    let walk_started = std::time::Instant::now();
    let git_dir = repo.path().to_path_buf();
    let packs = PackStore::open(&git_dir);
    let starts = match (&settings.pushed, settings.range.as_deref()) {
        (Some(pushed), _) => {
            // Hidden commits first, for pre-push and pre-receive alike: the walk takes its
            // starts last first and, from the pushed tips, stops a few commits past the last
            // pushed one. In the other order each hidden tip would be walked down until the walk
            // reached the pushed ones: 0.35 s instead of a few milliseconds for one commit
            // pushed into git/git, whose 1,008 tags are all hidden.
            let mut pushed = pushed.clone();
            pushed.sort_by_key(|start| matches!(start, Start::Push(_)));
            Some(pushed)
        }
        (None, Some(spec)) => Some(range_starts(repo, spec)?),
        (None, None) => None,
    };
    if starts
        .as_ref()
        .is_some_and(|s| !s.iter().any(|start| matches!(start, Start::Push(_))))
    {
        // A push that only deletes: nothing to walk.
        return Ok(Coverage::default());
    }
    // A second thread, if any, reads commits ahead of the listing.
    let helper = settings.threads > 1;
    let listed = match &starts {
        None => every_commit(repo, packs.as_ref(), helper),
        Some(starts) => commits_from(repo, packs.as_ref(), helper, starts),
    };
    let listed = match listed {
        Some(listed) => listed,
        None => Listed {
            ids: list_commits(repo, starts.as_deref())?,
            links: None,
            outside_parents: None,
        },
    };
    let commits = &listed.ids;
    if pipeline.verbose {
        pipeline.note(&format!(
            "listed {} commits in {:.2}s",
            commits.len(),
            walk_started.elapsed().as_secs_f64()
        ));
    }
    progress.commits_total.store(commits.len(), Ordering::Relaxed);
    // The walk (one thread) hands over its new blobs in batches; the pool scans each batch in
    // pack order while the walk goes on. With `--threads 1` the walk runs first and the scan
    // after it, so that one thread means one core.
    let serial = settings.threads <= 1;
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<ScanJob>>(2);
    let (walked, found) = std::thread::scope(|scope| {
        let batches = (!serial).then_some(sender);
        let (git_dir, packs, listed) = (&git_dir, &packs, &listed);
        let walk = scope.spawn(move || {
            let mut walker = TreeWalker {
                shard: settings.shard,
                limit: settings.limit.clone(),
                batches,
                ..TreeWalker::default()
            };
            match crate::git::reopen(git_dir) {
                Ok(walk_repo) => walk_commits(
                    pipeline,
                    &walk_repo,
                    packs.as_ref(),
                    settings,
                    listed,
                    &mut walker,
                    progress,
                ),
                Err(e) => pipeline.error(&format!("{}: cannot be opened: {}", git_dir.display(), e.message())),
            }
            walker.send_batch();
            // Closing the channel ends the scan's input.
            walker.batches = None;
            if pipeline.verbose {
                pipeline.note(&format!(
                    "walked {} commits to {} unique blobs in {:.2}s",
                    commits.len(),
                    walker.jobs.len(),
                    walk_started.elapsed().as_secs_f64()
                ));
            }
            let TreeWalker {
                jobs,
                boundary_paths,
                to_scan,
                ..
            } = walker;
            (jobs, boundary_paths, to_scan)
        });
        if serial {
            // Everything the walk found, as one batch, once the walk is over.
            let mut walked = walk.join();
            let everything = walked.as_mut().map(|(_, _, to_scan)| std::mem::take(to_scan));
            let found = scan_blobs(pipeline, git_dir, packs.as_ref(), everything, commits, 1);
            return (walked, found);
        }
        let found = scan_blobs(pipeline, git_dir, packs.as_ref(), receiver, commits, settings.threads);
        (walk.join(), found)
    });
    let (jobs, boundary_paths, _) = walked.map_err(|_| anyhow::anyhow!("the history walk failed unexpectedly"))?;
    let found = found?;
    let coverage = Coverage {
        commits: commits.len(),
        blobs: jobs.len(),
        shallow: repo.is_shallow(),
    };
    let found = first_appearances(repo, found, &jobs, &boundary_paths);
    let mut findings = attach_provenance(pipeline, repo, found, &jobs, commits);
    // A push's new tips count as tips: on a server they are not refs until the hook accepts.
    let pushed_tips: Vec<Oid> = settings
        .pushed
        .iter()
        .flatten()
        .filter_map(|start| match start {
            Start::Push(id) => Some(*id),
            Start::Hide(_) => None,
        })
        .collect();
    mark_present_at_tips(repo, packs.as_ref(), &mut findings, &pushed_tips);
    pipeline.keep(findings);
    Ok(coverage)
}

/// Walks every commit's tree, parents first, recording new blobs in `walker`.
fn walk_commits(
    pipeline: &Pipeline,
    repo: &Repository,
    packs: Option<&PackStore>,
    settings: &HistorySettings,
    listed: &Listed,
    walker: &mut TreeWalker,
    progress: &Progress,
) {
    let mut reader = packs.map(|store| PackReader::new(store, WALK_CACHE_BYTES));
    if settings.range.is_some() || settings.pushed.is_some() {
        let started = std::time::Instant::now();
        walker.seed_with_boundary(pipeline, repo, reader.as_mut(), listed);
        if pipeline.verbose {
            pipeline.note(&format!(
                "recorded what {} paths held before the range in {:.2}s",
                walker.boundary_paths.len(),
                started.elapsed().as_secs_f64()
            ));
        }
    }
    // Each commit's tree, to diff its children against.
    let mut tree_of: HashMap<ObjectId, ObjectId, WordHashing> = HashMap::default();
    for (index, &oid) in listed.ids.iter().enumerate() {
        progress.commits_walked.store(index + 1, Ordering::Relaxed);
        let read = match &listed.links {
            Some(links) => Ok(links[index]),
            None => read_commit_links(repo, reader.as_mut(), oid),
        };
        match read {
            Ok((tree, parent)) => {
                let parent = parent.and_then(|p| {
                    tree_of
                        .get(&p)
                        .copied()
                        .or_else(|| read_commit_links(repo, reader.as_mut(), p.oid()).ok().map(|(t, _)| t))
                });
                tree_of.insert(ObjectId::of(oid), tree);
                let visit = Visit {
                    pipeline,
                    repo,
                    commit: index,
                    commit_id: oid,
                };
                walker.walk(&visit, reader.as_mut(), tree, parent, progress);
            }
            Err(e) => pipeline.error(&format!("commit {oid}: its tree cannot be read: {}", e.message())),
        }
    }
}

/// The most new blobs handed to the scan at a time. Each batch is read in pack order, one pass
/// over the pack: delta bases the cache dropped since the pass before are inflated again. With
/// batches of 16,384 blobs git/git's whole history inflated 958 MB, with 65,536 826 MB (14% less
/// to inflate). The walk finds blobs faster than the scan reads them (HEAD~3031..HEAD: walk done
/// at 0.8 s of 1.6 s), so the scan still has a batch waiting when it finishes one.
const BATCH: usize = 64 * 1024;
/// The first batch: for a short range, a batch of BATCH blobs was half of everything, and the
/// second thread idled until the walk had found it.
const FIRST_BATCH: usize = 2 * 1024;

/// Cache for the walk's pack reader: trees of consecutive commits share most of their delta
/// chains.
const WALK_CACHE_BYTES: usize = 16 << 20;
/// Cache for the scanning threads' pack readers, per thread (they share one).
const SCAN_CACHE_BYTES: usize = 16 << 20;

/// A blob to scan: its job, and what reading it needs.
struct ScanJob {
    index: usize,
    oid: Oid,
    path: String,
    commit: usize,
}

/// What a `--range` gives the revwalk: `A..B` hides A and pushes B, `A...B` pushes both and
/// hides their merge base, a single commit is pushed.
fn range_starts(repo: &Repository, spec: &str) -> anyhow::Result<Vec<Start>> {
    let parsed = repo.revparse(spec).map_err(|e| {
        anyhow::anyhow!(
            "--range {spec}: {}\nhint: use A..B, e.g. origin/main..HEAD",
            e.message()
        )
    })?;
    let peel = |object: Option<&git2::Object>| -> anyhow::Result<Option<Oid>> {
        object
            .map(|o| o.peel_to_commit().map(|c| c.id()))
            .transpose()
            .map_err(|e| anyhow::anyhow!("--range {spec}: {}", e.message()))
    };
    let from = peel(parsed.from())?;
    let to = peel(parsed.to())?;
    let mode = parsed.mode();
    let mut starts = Vec::new();
    if mode.contains(git2::RevparseMode::MERGE_BASE) {
        let (a, b) = (from.unwrap(), to.unwrap());
        starts.extend([Start::Push(a), Start::Push(b), Start::Hide(repo.merge_base(a, b)?)]);
    } else if mode.contains(git2::RevparseMode::RANGE) {
        starts.extend(from.map(Start::Hide));
        starts.extend(to.map(Start::Push));
    } else if let Some(single) = from {
        starts.push(Start::Push(single));
    }
    Ok(starts)
}

/// Commits to scan, parents before children, listed by libgit2 (see `commits` for the usual
/// way): from `starts`, or from every ref and HEAD.
fn list_commits(repo: &Repository, starts: Option<&[Start]>) -> anyhow::Result<Vec<Oid>> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    match starts {
        Some(starts) => {
            for &start in starts {
                match start {
                    Start::Push(oid) => walk.push(oid)?,
                    Start::Hide(oid) => walk.hide(oid)?,
                }
            }
        }
        None => {
            walk.push_glob("refs/*")?;
            if let Ok(head) = repo.head()
                && let Some(oid) = head.target()
                && repo.find_commit(oid).is_ok()
            {
                walk.push(oid)?;
            }
        }
    }
    walk.map(|oid| oid.map_err(|e| anyhow::anyhow!("walking history failed: {}", e.message())))
        .collect()
}

/// The commit whose tree is being walked, and what the walk reads and reports through.
struct Visit<'a> {
    pipeline: &'a Pipeline,
    repo: &'a Repository,
    /// Index into the ordered commit list.
    commit: usize,
    commit_id: Oid,
}

#[derive(Default)]
struct TreeWalker {
    /// The new blobs this shard scans not yet handed over, in the order the walk met them.
    to_scan: Vec<ScanJob>,
    /// Where batches of `to_scan` go; `None` once the walk is over.
    batches: Option<std::sync::mpsc::SyncSender<Vec<ScanJob>>>,
    /// Batches handed over so far: the first ones are smaller, so the scan starts sooner.
    sent: u32,
    /// With `--shard`, only blobs first seen at paths this shard owns are sent.
    shard: Option<crate::settings::Shard>,
    /// `--history PATH` inside a work tree: blobs elsewhere are not seen at all.
    limit: Option<String>,
    seen_trees: HashSet<ObjectId, WordHashing>,
    first_sighting: HashMap<ObjectId, usize, WordHashing>,
    /// Blobs present before a `--range`: known, not scanned.
    known_blobs: HashSet<ObjectId, WordHashing>,
    /// Paths and blobs just before a `--range`, to tell a secret the range adds from one it
    /// only carries along in an edited file.
    boundary_paths: HashMap<String, Vec<Oid>>,
    jobs: Vec<BlobJob>,
}

impl TreeWalker {
    /// For a range, everything in the trees of the commits just outside it is already known, so
    /// only what the range itself introduces is scanned.
    fn seed_with_boundary(
        &mut self,
        pipeline: &Pipeline,
        repo: &Repository,
        mut packs: Option<&mut PackReader>,
        listed: &Listed,
    ) {
        // The listing knows every commit's parents; libgit2's does not say, so they are read.
        let read_here;
        let boundary: &[Oid] = match &listed.outside_parents {
            Some(outside) => outside,
            None => {
                let inside: HashSet<Oid, WordHashing> = listed.ids.iter().copied().collect();
                let mut boundary: Vec<Oid> = Vec::new();
                for &oid in &listed.ids {
                    if let Ok(parents) = read_commit_parents(repo, packs.as_deref_mut(), oid) {
                        boundary.extend(parents.into_iter().map(ObjectId::oid).filter(|p| !inside.contains(p)));
                    }
                }
                boundary.sort();
                boundary.dedup();
                read_here = boundary;
                &read_here
            }
        };
        // Boundary commits share most of their trees: a subtree already walked at the same path
        // recorded the very same paths and blobs.
        let mut walked: HashSet<(String, ObjectId)> = HashSet::new();
        for &oid in boundary {
            let Ok(tree) = repo.find_commit(oid).and_then(|c| c.tree()) else {
                continue;
            };
            let seen_trees = &mut self.seen_trees;
            let known = &mut self.known_blobs;
            let paths = &mut self.boundary_paths;
            seen_trees.insert(ObjectId::of(tree.id()));
            // Every boundary tree is walked whole (not skipping subtrees seen elsewhere) so that
            // each of its paths is recorded.
            let result = tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() == Some(ObjectType::Tree) {
                    let id = ObjectId::of(entry.id());
                    seen_trees.insert(id);
                    if !walked.insert((format!("{dir}{}/", display_path(entry.name_bytes())), id)) {
                        return git2::TreeWalkResult::Skip;
                    }
                } else if entry.kind() == Some(ObjectType::Blob) {
                    known.insert(ObjectId::of(entry.id()));
                    let path = format!("{dir}{}", display_path(entry.name_bytes()));
                    let blobs = paths.entry(path).or_default();
                    if !blobs.contains(&entry.id()) {
                        blobs.push(entry.id());
                    }
                }
                git2::TreeWalkResult::Ok
            });
            if let Err(e) = result {
                pipeline.error(&format!("commit {oid}: its tree cannot be read: {}", e.message()));
            }
        }
    }

    /// Records the blobs of `tree` not seen before, at `commit` (its index and id). `parent` is
    /// the first parent's tree: entries it has unchanged (same name, same id) were recorded when
    /// the parent was walked, and are skipped without a lookup.
    fn walk(
        &mut self,
        visit: &Visit,
        mut packs: Option<&mut PackReader>,
        tree: ObjectId,
        parent: Option<ObjectId>,
        progress: &Progress,
    ) {
        if !self.seen_trees.insert(tree) {
            return;
        }
        let mut path = Vec::new();
        self.walk_tree(visit, &mut packs, tree, parent, &mut path);
        progress.blobs_total.store(self.jobs.len(), Ordering::Relaxed);
    }

    fn walk_tree(
        &mut self,
        visit: &Visit,
        packs: &mut Option<&mut PackReader>,
        tree: ObjectId,
        parent: Option<ObjectId>,
        path: &mut Vec<u8>,
    ) {
        let shown = |path: &[u8]| {
            if path.is_empty() {
                "/".to_string()
            } else {
                display_path(path)
            }
        };
        let raw = match read_tree(visit.repo, packs.as_deref_mut(), tree.oid()) {
            Ok(raw) => raw,
            Err(e) => {
                visit.pipeline.error(&format!(
                    "commit {}: tree {} at {} is missing or corrupt: {}",
                    visit.commit_id,
                    tree.oid(),
                    shown(path),
                    e.message()
                ));
                return;
            }
        };
        // The parent's version, only to skip what did not change: unreadable, it skips nothing.
        let parent_raw = parent.and_then(|p| read_tree(visit.repo, packs.as_deref_mut(), p.oid()).ok());
        let mut before = TreeEntries::new(parent_raw.as_deref().map_or(&[][..], Vec::as_slice));
        let mut entries = TreeEntries::new(&raw);
        loop {
            entries.skip_common(&mut before);
            let Some((kind, name, id)) = entries.next() else {
                break;
            };
            let mut counterpart = None;
            while let Some((old_kind, old_name, old_id)) = before.peek() {
                match entry_order((old_name, old_kind), (name, kind)) {
                    std::cmp::Ordering::Less => {
                        before.next();
                    }
                    std::cmp::Ordering::Equal => {
                        counterpart = Some(old_id);
                        before.next();
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            if counterpart == Some(id) {
                continue;
            }
            let length = path.len();
            path.extend_from_slice(name);
            match kind {
                TreeEntryKind::Tree if self.seen_trees.insert(id) => {
                    path.push(b'/');
                    self.walk_tree(visit, packs, id, counterpart, path);
                }
                TreeEntryKind::Blob => self.sighting(id, path, visit.commit),
                // Submodule commits are not content of this repository.
                TreeEntryKind::Tree | TreeEntryKind::Gitlink => {}
            }
            path.truncate(length);
        }
        if entries.malformed {
            visit.pipeline.error(&format!(
                "commit {}: tree {} at {} is corrupt: an entry does not parse",
                visit.commit_id,
                tree.oid(),
                shown(path)
            ));
        }
    }

    /// Hands `to_scan` over to the scan; without a channel (`--threads 1`) it stays.
    fn send_batch(&mut self) {
        if let Some(batches) = &self.batches
            && !self.to_scan.is_empty()
        {
            // A closed channel means the scan stopped; the walk still finishes.
            let _ = batches.send(std::mem::take(&mut self.to_scan));
            self.sent += 1;
        }
    }

    /// How many new blobs make a batch now: FIRST_BATCH, doubling with each batch up to BATCH.
    fn batch_size(&self) -> usize {
        (FIRST_BATCH << self.sent.min(8)).min(BATCH)
    }

    fn sighting(&mut self, oid: ObjectId, path: &[u8], commit: usize) {
        if self.known_blobs.contains(&oid) {
            return;
        }
        if let Some(limit) = &self.limit {
            let under = path
                .strip_prefix(limit.as_bytes())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(b"/"));
            if !under {
                return;
            }
        }
        match self.first_sighting.get(&oid) {
            Some(&job) => {
                let job = &mut self.jobs[job];
                if job.path.as_bytes() != path && job.also_at.len() < MAX_ALSO_AT {
                    let path = display_path(path);
                    if !job.also_at.contains(&path) {
                        job.also_at.push(path);
                    }
                }
            }
            None => {
                let index = self.jobs.len();
                self.first_sighting.insert(oid, index);
                let path = display_path(path);
                if self.shard.is_none_or(|shard| shard.owns(&path)) {
                    self.to_scan.push(ScanJob {
                        index,
                        oid: oid.oid(),
                        path: path.clone(),
                        commit,
                    });
                    if self.to_scan.len() >= self.batch_size() {
                        self.send_batch();
                    }
                }
                self.jobs.push(BlobJob {
                    path,
                    commit,
                    also_at: Vec::new(),
                });
            }
        }
    }
}

/// A blob copied to many paths lists at most this many others.
const MAX_ALSO_AT: usize = 20;

/// Scans every unique blob once, in parallel, batch by batch as the walk sends them; returns
/// the findings per job index, in index order. Each batch is read in the order the packs store
/// it, each thread taking contiguous stretches with its own pack reader, so that a delta's base
/// is nearly always in that thread's cache.
fn scan_blobs(
    pipeline: &Pipeline,
    git_dir: &std::path::Path,
    packs: Option<&PackStore>,
    batches: impl IntoIterator<Item = Vec<ScanJob>>,
    commits: &[Oid],
    threads: usize,
) -> anyhow::Result<Vec<(usize, Vec<Finding>)>> {
    let threads = threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    // One repository handle and pack reader per pool thread, kept across batches; the readers
    // share one cache.
    let cache = SharedCache::new(SCAN_CACHE_BYTES * threads);
    type Worker<'s> = (Option<Repository>, Option<PackReader<'s>>);
    let workers: Vec<std::sync::Mutex<Worker>> = (0..threads)
        .map(|_| {
            std::sync::Mutex::new((
                crate::git::reopen(git_dir).ok(),
                packs.map(|store| PackReader::sharing(store, &cache)),
            ))
        })
        .collect();
    // Each batch is handed to the pool without waiting for the one before to finish, so that
    // a thread done with its share of a batch starts on the next instead of idling at the end.
    let found = std::sync::Mutex::new(Vec::new());
    let workers = &workers;
    pool.in_place_scope(|scope| {
        for mut batch in batches {
            if let Some(store) = packs {
                // Unpacked blobs (`None`) go last.
                batch.sort_by_cached_key(|job| {
                    store
                        .locate(job.oid.as_bytes())
                        .map_or((1, 0, 0), |at| (0, at.pack, at.offset))
                });
            }
            let found = &found;
            scope.spawn(move |_| {
                let scanned: Vec<(usize, Vec<Finding>)> = batch
                    .par_iter()
                    .with_min_len(64)
                    .map(|job| {
                        let slot = rayon::current_thread_index().unwrap_or(0) % workers.len();
                        let mut worker = workers[slot].lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                        let (repo, reader) = &mut *worker;
                        let Some(repo) = repo else {
                            pipeline.error(&format!("{}: the repository could not be reopened", git_dir.display()));
                            return (job.index, Vec::new());
                        };
                        let commit = Arc::new(CommitInfo {
                            id: commits[job.commit].to_string(),
                            author: String::new(),
                            email: String::new(),
                            date: String::new(),
                            message: String::new(),
                        });
                        let origin = Origin {
                            commit: Some(commit),
                            ..Origin::new(job.path.clone(), SourceKind::History)
                        };
                        (
                            job.index,
                            scan_object(pipeline, repo, reader.as_mut(), job.oid, &origin),
                        )
                    })
                    .filter(|(_, found)| !found.is_empty())
                    .collect();
                found
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .extend(scanned);
            });
        }
    });
    let mut found = found.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    found.sort_by_key(|(index, _)| *index);
    Ok(found)
}

/// A secret carried from one version of a file into the next is reported once, where it first
/// appeared: later blobs with the same fingerprint (rule, path, secret) only add their other
/// paths to `also_at`; findings of a `--range` whose file held the same secret just before the
/// range are dropped. Fills in `also_at`.
fn first_appearances(
    repo: &Repository,
    found: Vec<(usize, Vec<Finding>)>,
    jobs: &[BlobJob],
    boundary_paths: &HashMap<String, Vec<Oid>>,
) -> Vec<(usize, Vec<Finding>)> {
    let mut kept_at: HashMap<String, (usize, usize)> = HashMap::new();
    let mut out: Vec<(usize, Vec<Finding>)> = Vec::with_capacity(found.len());
    for (index, findings) in found {
        let job = &jobs[index];
        let before_range: Vec<Vec<u8>> = boundary_paths
            .get(&job.path)
            .map(|oids| {
                oids.iter()
                    .filter_map(|oid| repo.find_blob(*oid).ok().map(|b| b.content().to_vec()))
                    .collect()
            })
            .unwrap_or_default();
        let mut kept = Vec::new();
        for mut finding in findings {
            let carried_into_range = !finding.raw_secret.is_empty()
                && before_range
                    .iter()
                    .any(|old| crate::archive::holds(old, &finding.raw_secret));
            if carried_into_range {
                continue;
            }
            match kept_at.get(&finding.fingerprint) {
                // Kept from an earlier blob (not this one, which may hold the secret twice).
                Some(&(slot, position)) if slot < out.len() => {
                    let also = out[slot].1[position].also_at.get_or_insert_with(Vec::new);
                    for path in &job.also_at {
                        if !also.contains(path) && *path != finding.path {
                            also.push(path.clone());
                        }
                    }
                }
                _ => {
                    kept_at.insert(finding.fingerprint.clone(), (out.len(), kept.len()));
                    finding.also_at = Some(job.also_at.clone());
                    kept.push(finding);
                }
            }
        }
        if !kept.is_empty() {
            out.push((index, kept));
        }
    }
    out
}

/// Sets `present_at_tip`: whether the file (at the finding's path or one of its `also_at`
/// paths) still holds the secret at the tip of some branch, local or remote-tracking, or HEAD.
/// A path rule's finding is present while the file is.
fn mark_present_at_tips(repo: &Repository, packs: Option<&PackStore>, findings: &mut [Finding], pushed: &[Oid]) {
    if findings.is_empty() {
        return;
    }
    let mut trees: Vec<git2::Tree> = Vec::new();
    let mut seen = HashSet::new();
    let refs = ["refs/heads/*", "refs/remotes/*"]
        .iter()
        .filter_map(|glob| repo.references_glob(glob).ok())
        .flat_map(|refs| refs.filter_map(Result::ok).collect::<Vec<_>>());
    let tips = refs.chain(repo.head().ok());
    let pushed = pushed.iter().filter_map(|id| repo.find_commit(*id).ok()?.tree().ok());
    for tree in tips.filter_map(|reference| reference.peel_to_tree().ok()).chain(pushed) {
        if seen.insert(tree.id()) {
            trees.push(tree);
        }
    }
    let mut holds: HashMap<(Oid, Vec<u8>), bool> = HashMap::new();
    for finding in findings.iter_mut() {
        let paths = std::iter::once(&finding.path).chain(finding.also_at.iter().flatten());
        let mut present = false;
        'search: for path in paths {
            for tree in &trees {
                // An archive entry (`a.zip!x`) is looked for in the archive.
                let file = tree.get_path(std::path::Path::new(path)).ok().or_else(|| {
                    path.match_indices('!')
                        .find_map(|(at, _)| tree.get_path(std::path::Path::new(&path[..at])).ok())
                });
                let Some(entry) = file else {
                    continue;
                };
                let secret = &finding.raw_secret;
                let held = *holds
                    .entry((entry.id(), secret.clone()))
                    .or_insert_with(|| secret.is_empty() || blob_holds(repo, packs, entry.id(), secret));
                if held {
                    present = true;
                    break 'search;
                }
            }
        }
        finding.present_at_tip = Some(present);
    }
}

/// Whether a blob holds `needle` (an archive: in one of its entries), read a piece at a time
/// when it is too large to hold.
fn blob_holds(repo: &Repository, packs: Option<&PackStore>, oid: Oid, needle: &[u8]) -> bool {
    use std::io::Read;

    use crate::git::object::{BlobLimits, BoundedBlob, read_blob};
    let limits = BlobLimits {
        skip_over: None,
        hold_up_to: crate::pipeline::HOLD_WHOLE,
    };
    let mut reader = packs.map(|store| PackReader::new(store, 0));
    match read_blob(repo, reader.as_mut(), oid, limits) {
        Ok(BoundedBlob::Within(blob)) => crate::archive::holds(blob.content(), needle),
        Ok(BoundedBlob::Streamed(mut reader)) => {
            let finder = memchr::memmem::Finder::new(needle);
            let mut window = Vec::with_capacity((1 << 20) + needle.len());
            loop {
                match (&mut reader).take(1 << 20).read_to_end(&mut window) {
                    Ok(0) | Err(_) => return false,
                    Ok(_) => {}
                }
                if finder.find(&window).is_some() {
                    return true;
                }
                // Keep the tail a match could start in.
                let tail = needle.len().saturating_sub(1).min(window.len());
                window.drain(..window.len() - tail);
            }
        }
        Ok(BoundedBlob::TooLarge(_)) | Err(_) => false,
    }
}

/// Fills in author, email, date and message (read once per commit) and `also_at`.
fn attach_provenance(
    pipeline: &Pipeline,
    repo: &Repository,
    found: Vec<(usize, Vec<Finding>)>,
    jobs: &[BlobJob],
    commits: &[Oid],
) -> Vec<Finding> {
    let mut infos: HashMap<usize, Option<CommitInfo>> = HashMap::new();
    let mut out = Vec::new();
    for (index, findings) in found {
        let job = &jobs[index];
        let info = infos
            .entry(job.commit)
            .or_insert_with(|| match repo.find_commit(commits[job.commit]) {
                Ok(commit) => Some(commit_info(&commit)),
                Err(e) => {
                    pipeline.error(&format!(
                        "commit {}: cannot be read: {}",
                        commits[job.commit],
                        e.message()
                    ));
                    None
                }
            });
        for mut finding in findings {
            if let Some(info) = info {
                finding.author = Some(info.author.clone());
                finding.email = Some(info.email.clone());
                finding.date = Some(info.date.clone());
                finding.message = Some(info.message.clone());
            }
            out.push(finding);
        }
    }
    out
}
