//! `--pre-push`: what a `git push` sends. git gives a pre-push hook one line per ref on standard
//! input, `<local ref> <local sha> <remote ref> <remote sha>`; the commits to scan are those the
//! local side has and the remote does not: for an update, `remote..local`; for a new branch (the
//! remote sha is all zeros, or unknown here), those on no remote-tracking ref of that remote (of
//! any remote, when it has none); a deletion (the local sha is all zeros) sends nothing.

use anyhow::{Context, bail};
use git2::{Oid, Repository};

use crate::git::commits::Start;

/// One line of git's pre-push input.
#[derive(Debug, PartialEq, Eq)]
struct PushedRef {
    local_ref: String,
    local: Oid,
    remote: Oid,
}

fn parse(input: &str) -> anyhow::Result<Vec<PushedRef>> {
    input
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [local_ref, local, _remote_ref, remote] = fields[..] else {
                bail!(
                    "--pre-push: `{line}` is not a line git gives a pre-push hook\nhint: git writes `<local ref> <local sha> <remote ref> <remote sha>` per ref; run `leaktrap scan --pre-push` from the pre-push hook (`leaktrap hook install --pre-push`)"
                );
            };
            let id = |hex: &str| Oid::from_str(hex).with_context(|| format!("--pre-push: `{hex}` in `{line}` is not a commit id"));
            Ok(PushedRef {
                local_ref: local_ref.to_string(),
                local: id(local)?,
                remote: id(remote)?,
            })
        })
        .collect()
}

/// The revwalk's starts for the commits the push sends; empty when it sends none.
pub fn pushed_commits(repo: &Repository, remote_name: Option<&str>, input: &str) -> anyhow::Result<Vec<Start>> {
    let mut starts = Vec::new();
    let mut remote_tips: Option<Vec<Oid>> = None;
    for pushed in parse(input)? {
        if pushed.local.is_zero() {
            continue;
        }
        if repo.find_commit(pushed.local).is_err() {
            // A tag of a blob or tree, say: no commits to scan.
            if repo.find_object(pushed.local, None).is_ok() {
                continue;
            }
            bail!(
                "--pre-push: {} ({}) is not in this repository",
                pushed.local,
                pushed.local_ref
            );
        }
        starts.push(Start::Push(pushed.local));
        if !pushed.remote.is_zero() && repo.find_commit(pushed.remote).is_ok() {
            starts.push(Start::Hide(pushed.remote));
        } else {
            let tips = match &remote_tips {
                Some(tips) => tips,
                None => remote_tips.insert(remote_tracking_tips(repo, remote_name)?),
            };
            starts.extend(tips.iter().copied().map(Start::Hide));
        }
    }
    Ok(starts)
}

/// The commits the remote is known to have: the tips of its remote-tracking refs
/// (`refs/remotes/<remote>/*`), or of every remote's when it has none (a push to a URL).
fn remote_tracking_tips(repo: &Repository, remote_name: Option<&str>) -> anyhow::Result<Vec<Oid>> {
    let tips_under = |glob: &str| -> anyhow::Result<Vec<Oid>> {
        let mut tips = Vec::new();
        for reference in repo.references_glob(glob)? {
            if let Ok(commit) = reference?.peel_to_commit() {
                tips.push(commit.id());
            }
        }
        Ok(tips)
    };
    if let Some(name) = remote_name.filter(|n| !n.contains(['/', ':', '*']))
        && let tips = tips_under(&format!("refs/remotes/{name}/*"))?
        && !tips.is_empty()
    {
        return Ok(tips);
    }
    tips_under("refs/remotes/*")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_push_lines_parse_and_anything_else_is_refused() {
        let zeros = "0".repeat(40);
        let a = "a".repeat(40);
        let input = format!("refs/heads/main {a} refs/heads/main {zeros}\n\n");
        assert_eq!(
            parse(&input).unwrap(),
            vec![PushedRef {
                local_ref: "refs/heads/main".into(),
                local: Oid::from_str(&a).unwrap(),
                remote: Oid::ZERO_SHA1,
            }]
        );
        let error = parse("HEAD..main\n").unwrap_err().to_string();
        assert!(error.contains("hook install --pre-push"), "{error}");
        assert!(parse(&format!("refs/heads/x xyz refs/heads/x {zeros}")).is_err());
    }
}
