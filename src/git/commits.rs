//! The commits of a history scan, parents first, in exactly the order libgit2's revwalk gives
//! with `TOPOLOGICAL | REVERSE`: from every ref and `HEAD`, or for a `--range`, from the commits
//! it pushes and hides.
//!
//! Why not the revwalk itself: it parses every commit through libgit2's object database and
//! system zlib, one at a time, before the walk can start. On git/git (85,000 commits) that was
//! 0.85 s during which nothing else ran. Here commits are read through the pack reader, and the
//! tree and first parent of each are kept, so the walk does not read them again.
//!
//! Why the very same order: the first commit (in this order) whose tree holds a blob is the one
//! a finding is tied to. Cherry-picks put one blob in several branches; another order, however
//! valid, would tie some findings to other commits. So this follows libgit2's algorithm step by
//! step (`prepare_walk`, `limit_list` with its uninteresting commits and slop,
//! `sort_in_topological_order` in its `revwalk.c`), and property tests compare the two on random
//! histories, with random commits pushed and hidden.
//!
//! Anything unusual (grafts, a shallow clone, a commit that does not parse) returns `None`, and
//! the caller asks libgit2, which also reports errors in its own words.
//!
//! With a second thread to spare, a helper reads commits ahead of the listing: git stores
//! commits at the front of a pack, newest first, and the listing goes back in time, so both go
//! through them in about the same order. The helper takes them a chunk at a time and skips every
//! chunk the listing had to read from itself, so the two share the reading (on git/git: the whole
//! history 0.50 s -> 0.34 s; `HEAD~3031..HEAD`, which reads 30,800 commits for its 12,471,
//! 0.22 s -> 0.14 s). The listing never waits for a commit from the helper: one it has not
//! handed over yet is read here, and one it did is known by the hash of its bytes, so it cannot
//! be mistaken. Once the listing has what it needs the helper stops.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;

use git2::{Oid, Repository};

use crate::git::object::{CommitHeader, commit_header};
use crate::git::pack::{Location, ObjectKind, PackObject, PackReader, PackStore};
use crate::git::{ObjectId, WordHashing};

/// The listed commits, parents first, with what the tree walk needs of each.
pub struct Listed {
    pub ids: Vec<Oid>,
    /// Per commit: its tree and its first parent, when the listing read them.
    pub links: Option<Vec<Links>>,
    /// The parents of listed commits that are not listed themselves (for a range, the commits
    /// just outside it), sorted, when the listing read them.
    pub outside_parents: Option<Vec<Oid>>,
}

/// A commit's tree and first parent.
pub type Links = (ObjectId, Option<ObjectId>);

/// Commits read while listing: a small cache is enough, commits are rarely deltas.
const CACHE_BYTES: usize = 1 << 20;

/// Every commit reachable from a ref or `HEAD`, in libgit2's order; `None` when libgit2 should
/// list them instead.
pub fn every_commit(repo: &Repository, packs: Option<&PackStore>, helper: bool) -> Option<Listed> {
    // What the revwalk is given: every ref that peels to a commit, then HEAD.
    let mut starts = Vec::new();
    // A ref to a missing object is an error, which libgit2 reports; one that peels to no
    // commit (a tag of a tree) is passed over, as the revwalk passes it over.
    for reference in repo.references_glob("refs/*").ok()? {
        let target = reference.ok()?.resolve().ok()?.target()?;
        if let Ok(commit) = repo.find_object(target, None).ok()?.peel_to_commit() {
            starts.push(Start::Push(commit.id()));
        }
    }
    if let Ok(head) = repo.head()
        && let Some(oid) = head.target()
        && repo.find_commit(oid).is_ok()
    {
        starts.push(Start::Push(oid));
    }
    commits_from(repo, packs, helper, &starts)
}

/// Whether fewer than `cap` commits are reachable from the refs and HEAD, counting no further
/// than `cap`. Commits, not bytes on disk: every clone of the same refs agrees on it however
/// git packed it, which is what lets sharded jobs agree on which repositories are small.
/// `None` when the repository cannot be walked (the scan then reports why).
pub fn fewer_commits_than(repo: &Repository, cap: usize) -> Option<bool> {
    if cap == 0 {
        return Some(false);
    }
    let mut walk = repo.revwalk().ok()?;
    walk.push_glob("*").ok()?;
    // A detached HEAD is reachable from no ref; an unborn one is no commit at all.
    let _ = walk.push_head();
    let mut seen = 0;
    for commit in walk {
        commit.ok()?;
        seen += 1;
        if seen >= cap {
            return Some(false);
        }
    }
    Some(true)
}

/// What a revwalk is given, in the order it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// List this commit and its ancestors...
    Push(Oid),
    /// ...except the ancestors of this one (`git_revwalk_hide`).
    Hide(Oid),
}

/// The commits the revwalk lists from `starts` (a `--range`, or every ref), in libgit2's order;
/// `None` when libgit2 should list them instead. With `helper`, a second thread reads ahead.
pub fn commits_from(repo: &Repository, packs: Option<&PackStore>, helper: bool, starts: &[Start]) -> Option<Listed> {
    if repo.is_shallow() || repo.path().join("info").join("grafts").exists() {
        return None;
    }
    std::thread::scope(|scope| {
        let prefetch = match packs {
            Some(store) if helper => Some(Prefetch::start(scope, store)),
            _ => None,
        };
        let graph = Graph {
            repo,
            reader: packs.map(|store| PackReader::new(store, CACHE_BYTES)),
            prefetch,
            nodes: Vec::new(),
            index: HashMap::default(),
        };
        list(graph, starts)
    })
}

/// How many uninteresting commits `limit_list` looks at after it runs out of interesting ones
/// (libgit2's `SLOP`).
const SLOP: u32 = 5;

/// libgit2's revwalk over `graph` from `starts`.
fn list(mut graph: Graph, starts: &[Start]) -> Option<Listed> {
    // `git_revwalk__push_commit`: a commit already hidden is passed over; the rest are kept
    // newest-pushed first.
    let mut input = Vec::new();
    for &start in starts {
        let (oid, hide) = match start {
            Start::Push(oid) => (oid, false),
            Start::Hide(oid) => (oid, true),
        };
        let node = graph.node(ObjectId::of(oid));
        if graph.nodes[node].uninteresting {
            continue;
        }
        graph.nodes[node].uninteresting = hide;
        input.push(node);
    }
    input.reverse();

    // `prepare_walk`: the starts, each once.
    // (time, node): the insertion below scans times, kept at hand rather than behind an index.
    let mut list: VecDeque<(i64, usize)> = VecDeque::new();
    for node in input {
        graph.parse(node)?;
        if graph.nodes[node].uninteresting {
            graph.mark_parents_uninteresting(node);
        }
        if !graph.nodes[node].seen {
            graph.nodes[node].seen = true;
            list.push_back((graph.nodes[node].time, node));
        }
    }
    // `limit_list`: take the first commit of the list and queue its parents by date; after the
    // interesting commits run out, look at a few more (`SLOP`) before stopping.
    let mut limited = Vec::new();
    let mut slop = SLOP;
    let mut last_time = i64::MAX;
    while let Some((_, commit)) = list.pop_front() {
        graph.add_parents(commit, &mut list)?;
        if graph.nodes[commit].uninteresting {
            graph.mark_parents_uninteresting(commit);
            slop = still_interesting(&graph.nodes, &list, last_time, slop);
            if slop > 0 {
                continue;
            }
            break;
        }
        last_time = graph.nodes[commit].time;
        limited.push(commit);
    }
    // Every commit the order needs is read: the helper can stop.
    graph.prefetch = None;
    // `sort_in_topological_order`: a commit comes out once all its children have; among those
    // ready, the last made ready first, starting from the tips in list order.
    let mut in_degree = vec![0u32; graph.nodes.len()];
    for &commit in &limited {
        in_degree[commit] = 1;
    }
    for &commit in &limited {
        for &parent in &graph.nodes[commit].parents {
            if in_degree[parent] != 0 {
                in_degree[parent] += 1;
            }
        }
    }
    let mut ready: Vec<usize> = limited.iter().copied().filter(|&c| in_degree[c] == 1).collect();
    ready.reverse();
    let mut order = Vec::with_capacity(limited.len());
    while let Some(next) = ready.pop() {
        for &parent in &graph.nodes[next].parents {
            if in_degree[parent] == 0 {
                continue;
            }
            in_degree[parent] -= 1;
            if in_degree[parent] == 1 {
                ready.push(parent);
            }
        }
        in_degree[next] = 0;
        // Marked uninteresting after it was listed: sorted with the rest, but not given out.
        if !graph.nodes[next].uninteresting {
            order.push(next);
        }
    }
    // `GIT_SORT_REVERSE`.
    order.reverse();
    let nodes = &graph.nodes;
    let mut listed = vec![false; nodes.len()];
    for &n in &order {
        listed[n] = true;
    }
    let mut outside: Vec<Oid> = order
        .iter()
        .flat_map(|&n| nodes[n].parents.iter())
        .filter(|&&p| !listed[p])
        .map(|&p| nodes[p].id.oid())
        .collect();
    outside.sort();
    outside.dedup();
    Some(Listed {
        ids: order.iter().map(|&n| nodes[n].id.oid()).collect(),
        links: Some(
            order
                .iter()
                .map(|&n| (nodes[n].tree, nodes[n].parents.first().map(|&p| nodes[p].id)))
                .collect(),
        ),
        outside_parents: Some(outside),
    })
}

/// One commit of the graph, parsed or only named by a child.
struct Node {
    id: ObjectId,
    parsed: bool,
    /// Committer time, seconds since the epoch (what libgit2 orders by).
    time: i64,
    tree: ObjectId,
    parents: Vec<usize>,
    /// Already in the list (or listed): libgit2's `seen`.
    seen: bool,
    /// Its parents were queued: libgit2's `added`.
    added: bool,
    /// Hidden, or an ancestor of a hidden commit: libgit2's `uninteresting`.
    uninteresting: bool,
}

struct Graph<'r, 's> {
    repo: &'r Repository,
    reader: Option<PackReader<'s>>,
    prefetch: Option<Prefetch<'s>>,
    nodes: Vec<Node>,
    index: HashMap<ObjectId, usize, WordHashing>,
}

impl Graph<'_, '_> {
    /// The node of `id`, created unparsed the first time it is named.
    fn node(&mut self, id: ObjectId) -> usize {
        *self.index.entry(id).or_insert_with(|| {
            self.nodes.push(Node {
                id,
                parsed: false,
                time: 0,
                tree: ObjectId([0; 20]),
                parents: Vec::new(),
                seen: false,
                added: false,
                uninteresting: false,
            });
            self.nodes.len() - 1
        })
    }

    /// Reads and parses a commit once; `None` if it cannot be read or parsed here.
    fn parse(&mut self, node: usize) -> Option<()> {
        if self.nodes[node].parsed {
            return Some(());
        }
        let id = self.nodes[node].id;
        let header = self.read(id)?;
        let parents = header.parents.iter().map(|&p| self.node(p)).collect();
        let node = &mut self.nodes[node];
        node.parsed = true;
        node.time = header.committer_time;
        node.tree = header.tree;
        node.parents = parents;
        Some(())
    }

    /// `add_parents_to_list`: queues a commit's parents by date, once per commit. An
    /// uninteresting commit's parents become uninteresting too, and are queued even if seen.
    fn add_parents(&mut self, commit: usize, list: &mut VecDeque<(i64, usize)>) -> Option<()> {
        if self.nodes[commit].added {
            return Some(());
        }
        self.nodes[commit].added = true;
        let hidden = self.nodes[commit].uninteresting;
        for at in 0..self.nodes[commit].parents.len() {
            let parent = self.nodes[commit].parents[at];
            if hidden {
                self.nodes[parent].uninteresting = true;
                self.parse(parent)?;
                self.mark_parents_uninteresting(parent);
                self.nodes[parent].seen = true;
                insert_by_date(list, self.nodes[parent].time, parent);
            } else {
                self.parse(parent)?;
                if !self.nodes[parent].seen {
                    self.nodes[parent].seen = true;
                    insert_by_date(list, self.nodes[parent].time, parent);
                }
            }
        }
        Some(())
    }

    /// `mark_parents_uninteresting`: marks the ancestors of `commit` that can be reached through
    /// parsed commits not yet marked.
    fn mark_parents_uninteresting(&mut self, commit: usize) {
        let mut stack: Vec<usize> = self.nodes[commit].parents.clone();
        while let Some(node) = stack.pop() {
            let node = &mut self.nodes[node];
            if node.uninteresting {
                continue;
            }
            node.uninteresting = true;
            if node.parsed {
                stack.extend_from_slice(&node.parents);
            }
        }
    }

    fn read(&mut self, id: ObjectId) -> Option<CommitHeader> {
        if let Some(reader) = self.reader.as_mut()
            && let Some(at) = reader.locate(&id.0)
        {
            if let Some(prefetch) = self.prefetch.as_mut()
                && let Some(header) = prefetch.take(id, at)
            {
                return Some(header);
            }
            if let Ok(PackObject::Object(ObjectKind::Commit, raw)) = reader.read(at, u64::MAX) {
                return commit_header(&raw);
            }
        }
        let odb = self.repo.odb().ok()?;
        let object = odb.read(id.oid()).ok()?;
        (object.kind() == git2::ObjectType::Commit)
            .then(|| commit_header(object.data()))
            .flatten()
    }
}

/// Inserts `node` before the first queued commit that is older (after those of the same time),
/// as `git_commit_list_insert_by_date` does.
fn insert_by_date(list: &mut VecDeque<(i64, usize)>, time: i64, node: usize) {
    let before = list.iter().position(|&(other, _)| other < time).unwrap_or(list.len());
    list.insert(before, (time, node));
}

/// `still_interesting`: the slop left after an uninteresting commit. It is reset while an
/// interesting or a newer commit is still queued.
fn still_interesting(nodes: &[Node], list: &VecDeque<(i64, usize)>, time: i64, slop: u32) -> u32 {
    let Some(&(first, _)) = list.front() else {
        return 0;
    };
    if time <= first {
        return SLOP;
    }
    if list
        .iter()
        .any(|&(other, node)| !nodes[node].uninteresting || other > time)
    {
        return SLOP;
    }
    slop - 1
}

type Headers = HashMap<ObjectId, CommitHeader, WordHashing>;

/// The largest entry the helper reads; a commit larger than this is left to the listing.
const MAX_PREFETCHED: u64 = 1 << 20;

/// Commits the helper reads and hands over at a time: small enough that the listing rarely
/// reaches a chunk the helper is still reading (about a millisecond of work), large enough that
/// handing over costs nothing.
const CHUNK: usize = 128;

/// Commits read ahead by a helper thread, a chunk of each pack's leading commits at a time.
///
/// Both go the same way, newest first; the helper skips every chunk the listing has had to read
/// from itself, so it keeps ahead of the listing, and when the listing catches up the two
/// leapfrog. Either way each reads about half. The listing never waits: a commit the helper has
/// not handed over yet it reads itself.
struct Prefetch<'s> {
    /// The leading commits' entry offsets, `CHUNK` at a time, in pack order.
    chunks: Vec<(u32, &'s [u64])>,
    /// Per chunk: the helper has taken it, or the listing read from it itself.
    claimed: Arc<[AtomicBool]>,
    /// Set when the listing is over: the helper stops after the commit it is reading.
    over: Arc<AtomicBool>,
    handed: Receiver<Vec<(ObjectId, CommitHeader)>>,
    headers: Headers,
}

impl<'s> Prefetch<'s> {
    fn start(scope: &'s std::thread::Scope<'s, '_>, store: &'s PackStore) -> Prefetch<'s> {
        let chunks: Vec<(u32, &[u64])> = store
            .leading_commits()
            .into_iter()
            .flat_map(|(pack, run)| run.chunks(CHUNK).map(move |chunk| (pack, chunk)))
            .collect();
        let claimed: Arc<[AtomicBool]> = chunks.iter().map(|_| AtomicBool::new(false)).collect();
        let over = Arc::new(AtomicBool::new(false));
        let (sender, handed) = std::sync::mpsc::channel();
        let (share, taken, stop) = (chunks.clone(), Arc::clone(&claimed), Arc::clone(&over));
        scope.spawn(move || {
            let mut reader = PackReader::new(store, CACHE_BYTES);
            for (number, (pack, offsets)) in share.into_iter().enumerate() {
                if taken[number].swap(true, Ordering::Relaxed) {
                    continue;
                }
                let mut headers = Vec::with_capacity(offsets.len());
                for &offset in offsets {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    // The run is found by bisection and may hold other entries: a large one is
                    // refused from its header, never inflated here.
                    if let Ok(PackObject::Object(ObjectKind::Commit, raw)) =
                        reader.read(Location { pack, offset }, MAX_PREFETCHED)
                        && let Some(header) = commit_header(&raw)
                    {
                        headers.push((commit_id(&raw), header));
                    }
                }
                if sender.send(headers).is_err() {
                    return;
                }
            }
        });
        Prefetch {
            chunks,
            claimed,
            over,
            handed,
            headers: Headers::default(),
        }
    }

    /// The chunk holding the entry at `at`, if any.
    fn chunk_of(&self, at: Location) -> Option<usize> {
        let first = self.chunks.partition_point(|&(pack, offsets)| {
            pack < at.pack || (pack == at.pack && offsets.last().is_some_and(|&last| last < at.offset))
        });
        let &(pack, offsets) = self.chunks.get(first)?;
        (pack == at.pack && offsets.binary_search(&at.offset).is_ok()).then_some(first)
    }

    /// The helper's reading of commit `id` (stored at `at`), if it has handed it over; never
    /// waits for it. When it has not, the listing reads the commit itself, and the helper is
    /// told to leave that chunk alone.
    fn take(&mut self, id: ObjectId, at: Location) -> Option<CommitHeader> {
        while let Ok(headers) = self.handed.try_recv() {
            self.headers.extend(headers);
        }
        let header = self.headers.remove(&id);
        if header.is_none()
            && let Some(chunk) = self.chunk_of(at)
        {
            self.claimed[chunk].store(true, Ordering::Relaxed);
        }
        header
    }
}

impl Drop for Prefetch<'_> {
    fn drop(&mut self) {
        self.over.store(true, Ordering::Relaxed);
    }
}

/// A commit's id: the SHA-1 of its header and bytes.
fn commit_id(raw: &[u8]) -> ObjectId {
    use sha1::{Digest, Sha1};
    let mut hasher = Sha1::new();
    hasher.update(format!("commit {}\0", raw.len()).as_bytes());
    hasher.update(raw);
    ObjectId(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn revwalk_order(repo: &Repository) -> Vec<Oid> {
        let mut walk = repo.revwalk().unwrap();
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE).unwrap();
        walk.push_glob("refs/*").unwrap();
        if let Ok(head) = repo.head()
            && let Some(oid) = head.target()
            && repo.find_commit(oid).is_ok()
        {
            walk.push(oid).unwrap();
        }
        walk.map(Result::unwrap).collect()
    }

    /// 320 hex digits that differ from commit to commit: git stores a commit as a delta when it
    /// is much like another, and the pack reader expects whole commits at the front of a pack.
    fn noise(i: usize) -> String {
        use sha1::{Digest, Sha1};
        let mut digest: [u8; 20] = Sha1::digest(i.to_le_bytes()).into();
        let mut text = String::new();
        for _ in 0..8 {
            text.extend(digest.iter().map(|b| format!("{b:02x}")));
            digest = Sha1::digest(digest).into();
        }
        text
    }

    /// A history of `shape.len()` commits: commit `i` has the parents `shape[i].0` (indices of
    /// earlier commits) and the commit time `shape[i].1`; `refs` point branches and tags at
    /// commits.
    fn build(dir: &std::path::Path, shape: &[(Vec<usize>, i64)], refs: &[(usize, bool)], head: usize) -> Repository {
        let repo = Repository::init(dir).unwrap();
        let mut ids: Vec<Oid> = Vec::new();
        for (i, (parents, time)) in shape.iter().enumerate() {
            let blob = repo.blob(format!("content {i}\n").as_bytes()).unwrap();
            let mut tree = repo.treebuilder(None).unwrap();
            tree.insert(format!("f{}", i % 3), blob, 0o100644).unwrap();
            let tree = repo.find_tree(tree.write().unwrap()).unwrap();
            let who = git2::Signature::new("t", "t@example.com", &git2::Time::new(*time, 0)).unwrap();
            let parents: Vec<git2::Commit> = parents.iter().map(|&p| repo.find_commit(ids[p]).unwrap()).collect();
            let parents: Vec<&git2::Commit> = parents.iter().collect();
            ids.push(
                repo.commit(None, &who, &who, &format!("c{i}\n\n{}", noise(i)), &tree, &parents)
                    .unwrap(),
            );
        }
        for (n, &(target, tag)) in refs.iter().enumerate() {
            let name = if tag {
                format!("refs/tags/t{n}")
            } else {
                format!("refs/heads/b{n}")
            };
            repo.reference(&name, ids[target], true, "test").unwrap();
        }
        repo.set_head_detached(ids[head]).unwrap();
        drop(repo);
        Repository::open(dir).unwrap()
    }

    /// Each commit's parents and time, the refs (target, is a tag), and HEAD's commit.
    type History = (Vec<(Vec<usize>, i64)>, Vec<(usize, bool)>, usize);

    fn history() -> impl Strategy<Value = History> {
        (1usize..24).prop_flat_map(|n| {
            let commits = (0..n)
                .map(|i| {
                    let parents = if i == 0 {
                        Just(Vec::new()).boxed()
                    } else {
                        proptest::collection::vec(0..i, 0..3).boxed()
                    };
                    // Few distinct times, so ties and clocks running backwards are common.
                    (parents, 0i64..4).prop_map(|(p, t)| (p, 1_000_000 + t * 60))
                })
                .collect::<Vec<_>>();
            (commits, proptest::collection::vec((0..n, any::<bool>()), 1..5), 0..n)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        #[test]
        fn the_order_is_libgit2s((shape, refs, head) in history()) {
            let dir = tempfile::tempdir().unwrap();
            let repo = build(dir.path(), &shape, &refs, head);
            let listed = every_commit(&repo, None, false).expect("a plain history lists");
            prop_assert_eq!(listed.ids, revwalk_order(&repo));
            for (id, (tree, parent)) in revwalk_order(&repo).iter().zip(listed.links.unwrap()) {
                let commit = repo.find_commit(*id).unwrap();
                prop_assert_eq!(tree, ObjectId::of(commit.tree_id()));
                prop_assert_eq!(parent, commit.parent_ids().next().map(ObjectId::of));
            }
        }
    }

    fn revwalk_from(repo: &Repository, starts: &[Start]) -> Vec<Oid> {
        let mut walk = repo.revwalk().unwrap();
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE).unwrap();
        for &start in starts {
            match start {
                Start::Push(oid) => walk.push(oid).unwrap(),
                Start::Hide(oid) => walk.hide(oid).unwrap(),
            }
        }
        walk.map(Result::unwrap).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(60))]

        /// Ranges: any commits pushed and hidden, in any order, as `A..B`, `A...B` and
        /// repeated or contradictory starts give them.
        #[test]
        fn ranges_list_in_libgit2s_order(
            (shape, refs, head) in history(),
            picks in proptest::collection::vec((any::<proptest::sample::Index>(), any::<bool>()), 1..5),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let repo = build(dir.path(), &shape, &refs, head);
            let all = revwalk_order(&repo);
            let starts: Vec<Start> = picks
                .iter()
                .map(|(at, hide)| {
                    let oid = all[at.index(all.len())];
                    if *hide { Start::Hide(oid) } else { Start::Push(oid) }
                })
                .collect();
            let listed = commits_from(&repo, None, false, &starts).expect("a plain history lists");
            let expected = revwalk_from(&repo, &starts);
            prop_assert_eq!(&listed.ids, &expected);
            let mut outside: Vec<Oid> = expected
                .iter()
                .flat_map(|id| repo.find_commit(*id).unwrap().parent_ids().collect::<Vec<_>>())
                .filter(|parent| !expected.contains(parent))
                .collect();
            outside.sort();
            outside.dedup();
            prop_assert_eq!(listed.outside_parents.unwrap(), outside);
            for (id, (tree, parent)) in expected.iter().zip(listed.links.unwrap()) {
                let commit = repo.find_commit(*id).unwrap();
                prop_assert_eq!(tree, ObjectId::of(commit.tree_id()));
                prop_assert_eq!(parent, commit.parent_ids().next().map(ObjectId::of));
            }
        }
    }

    /// Enough commits for the helper to read many chunks while the listing reads others: with
    /// it and without, whole history and ranges, the order is the revwalk's.
    #[test]
    fn the_helper_changes_nothing_across_many_chunks() {
        let dir = tempfile::tempdir().unwrap();
        // A main line with a side branch forking every 50 commits and merged 20 commits later;
        // some side commits are dated before their parents.
        let mut shape: Vec<(Vec<usize>, i64)> = vec![(vec![], 1_000)];
        let mut side: Option<usize> = None;
        for i in 1..(CHUNK * 6) {
            let last_main = shape.len() - 1;
            let time = 1_000 + i as i64 * 10;
            if i % 50 == 0 {
                side = Some(last_main);
            }
            if let Some(tip) = side
                && i % 3 == 0
            {
                shape.push((vec![tip], time - 400));
                side = Some(shape.len() - 1);
            }
            let mut parents = vec![shape.len() - 1 - usize::from(side.is_some() && i % 3 == 0)];
            if i % 50 == 20
                && let Some(tip) = side.take()
            {
                parents.push(tip);
            }
            shape.push((parents, time));
        }
        let last = shape.len() - 1;
        let repo = build(dir.path(), &shape, &[(last, false), (last / 2, true)], last);
        let gc = std::process::Command::new("git")
            .args(["gc", "-q"])
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(gc.success());
        let store = PackStore::open(repo.path()).expect("one pack after gc");
        assert!(store.leading_commits()[0].1.len() > CHUNK * 6);
        let all = revwalk_order(&repo);
        for _ in 0..5 {
            assert_eq!(every_commit(&repo, Some(&store), true).unwrap().ids, all);
        }
        let head = repo.head().unwrap().target().unwrap();
        for back in [3, 100, 400, all.len() - 2] {
            let base = all[all.len() - 1 - back];
            let starts = [Start::Hide(base), Start::Push(head)];
            let expected = revwalk_from(&repo, &starts);
            for helper in [false, true, true] {
                let listed = commits_from(&repo, Some(&store), helper, &starts).unwrap();
                assert_eq!(listed.ids, expected, "HEAD..{back} back, helper {helper}");
            }
        }
    }

    #[test]
    fn packed_commits_list_as_loose_ones_do() {
        let dir = tempfile::tempdir().unwrap();
        let shape: Vec<(Vec<usize>, i64)> = vec![
            (vec![], 100),
            (vec![0], 300),
            (vec![0], 200),
            (vec![1, 2], 200),
            (vec![3], 50),
            (vec![2], 400),
        ];
        let repo = build(dir.path(), &shape, &[(4, false), (5, true), (1, true)], 3);
        // Tags the revwalk peels (annotated) or passes over (a tree's).
        let first = repo.find_commit(revwalk_order(&repo)[0]).unwrap();
        repo.reference("refs/tags/tree", first.tree_id(), true, "test").unwrap();
        let who = git2::Signature::new("t", "t@example.com", &git2::Time::new(500, 0)).unwrap();
        repo.tag("annotated", first.as_object(), &who, "a tag", true).unwrap();
        let loose = every_commit(&repo, None, false).unwrap().ids;
        assert_eq!(loose, revwalk_order(&repo));
        let gc = std::process::Command::new("git")
            .args(["gc", "-q", "--aggressive"])
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(gc.success());
        let store = PackStore::open(repo.path()).expect("one pack after gc");
        for helper in [false, true] {
            assert_eq!(every_commit(&repo, Some(&store), helper).unwrap().ids, loose);
        }
        // gc writes the commits first; left alone, the helper reads all of them, a chunk at a time.
        let runs = store.leading_commits();
        assert_eq!(runs.len(), 1);
        // (gc keeps commits that only reflogs name, too.)
        let stored = runs[0].1.len();
        assert!(stored >= loose.len());
        std::thread::scope(|scope| {
            let prefetch = Prefetch::start(scope, &store);
            let headers: Vec<(ObjectId, CommitHeader)> = prefetch.handed.iter().flatten().collect();
            // All of them but what is not a plain whole commit (gc may store one as a delta).
            assert!(!headers.is_empty() && headers.len() <= stored);
            let odb = repo.odb().unwrap();
            for (id, header) in headers {
                let at = store.locate(&id.0).unwrap();
                assert!(prefetch.chunk_of(at).is_some());
                let direct = commit_header(odb.read(id.oid()).unwrap().data()).unwrap();
                assert_eq!(
                    (header.tree, header.parents, header.committer_time),
                    (direct.tree, direct.parents, direct.committer_time)
                );
            }
        });
        // gc also wrote a commit-graph, which libgit2's revwalk reads instead of the commits.
        assert!(dir.path().join(".git/objects/info/commit-graph").exists());
        let repo = Repository::open(dir.path()).unwrap();
        assert_eq!(revwalk_order(&repo), loose);
    }
}
