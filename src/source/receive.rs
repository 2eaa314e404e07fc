//! `--pre-receive`: what a push adds to a server's repository. git gives a pre-receive hook one
//! line per ref on standard input, `<old> <new> <ref>`, before any ref moves, with the pushed
//! objects in a quarantine directory that only the hook's environment names. The commits to scan
//! are those reachable from the new tips and from no ref the repository has now: new branches,
//! fast-forwards, force-pushes and tags alike, and nothing the server already holds, so a secret
//! already there does not block later pushes. A deletion (new is all zeros) adds nothing.

use anyhow::{Context, bail};
use git2::{Oid, Repository};

use crate::git::commits::Start;

/// A ref a push moves, and the commit it will point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRef {
    pub name: String,
    /// The commit the new value peels to.
    pub tip: Oid,
}

/// What a push adds: the walk's starts and the refs it moves (deletions left out).
#[derive(Debug, Default)]
pub struct Received {
    pub starts: Vec<Start>,
    pub refs: Vec<ReceivedRef>,
}

/// One line of git's pre-receive input.
#[derive(Debug, PartialEq, Eq)]
struct RefUpdate {
    new: Oid,
    name: String,
}

fn parse(input: &str) -> anyhow::Result<Vec<RefUpdate>> {
    input
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [old, new, name] = fields[..] else {
                bail!(
                    "--pre-receive: `{line}` is not a line git gives a pre-receive hook\nhint: git writes `<old sha> <new sha> <ref>` per ref; run `leaktrap scan --pre-receive` from the server's pre-receive hook (`leaktrap hook install --pre-receive`)"
                );
            };
            let id = |hex: &str| {
                Oid::from_str(hex).with_context(|| format!("--pre-receive: `{hex}` in `{line}` is not an object id"))
            };
            id(old)?;
            Ok(RefUpdate {
                new: id(new)?,
                name: name.to_string(),
            })
        })
        .collect()
}

/// The starts of the walk over what the push adds, and the refs it moves.
pub fn received_commits(repo: &Repository, input: &str) -> anyhow::Result<Received> {
    let mut received = Received::default();
    for update in parse(input)? {
        if update.new.is_zero() {
            continue;
        }
        let object = repo.find_object(update.new, None).map_err(|e| {
            anyhow::anyhow!(
                "--pre-receive: {} ({}) is not in this repository or its quarantine ({})\nhint: run leaktrap from the pre-receive hook, whose environment names the quarantine git keeps pushed objects in",
                update.new,
                update.name,
                e.message()
            )
        })?;
        // A tag of a tree or a blob: no commits to scan.
        let Ok(commit) = object.peel_to_commit() else {
            continue;
        };
        received.starts.push(Start::Push(commit.id()));
        received.refs.push(ReceivedRef {
            name: update.name,
            tip: commit.id(),
        });
    }
    if received.starts.is_empty() {
        return Ok(received);
    }
    for reference in repo
        .references()
        .context("--pre-receive: cannot list the repository's refs")?
    {
        let Ok(reference) = reference else { continue };
        if let Ok(commit) = reference.peel_to_commit() {
            received.starts.push(Start::Hide(commit.id()));
        }
    }
    Ok(received)
}

/// The refs among `refs` whose new tip reaches `commit`, one of the commits the push adds.
pub fn refs_reaching<'r>(repo: &Repository, refs: &'r [ReceivedRef], commit: &str) -> Vec<&'r str> {
    let Ok(commit) = Oid::from_str(commit) else {
        return Vec::new();
    };
    // Every commit the push adds is reachable from a new tip: with one, from that one. (Asking
    // libgit2 took a quarter of a second per finding in a push of 40,000 commits.)
    if let [only] = refs {
        return vec![only.name.as_str()];
    }
    refs.iter()
        .filter(|r| r.tip == commit || repo.graph_descendant_of(r.tip, commit).unwrap_or(false))
        .map(|r| r.name.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_receive_lines_parse_and_anything_else_is_refused() {
        let zeros = "0".repeat(40);
        let a = "a".repeat(40);
        let input = format!("{zeros} {a} refs/heads/main\n\n");
        assert_eq!(
            parse(&input).unwrap(),
            vec![RefUpdate {
                new: Oid::from_str(&a).unwrap(),
                name: "refs/heads/main".into(),
            }]
        );
        let error = parse("refs/heads/main aaaa refs/heads/main bbbb\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("hook install --pre-receive"), "{error}");
        assert!(parse(&format!("{zeros} xyz refs/heads/x")).is_err());
    }
}
