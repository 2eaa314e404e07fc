//! `leaktrap hook install | uninstall [--pre-push | --pre-receive]`: the pre-commit hook that
//! runs `leaktrap scan --staged`, the pre-push hook that runs `leaktrap scan --pre-push`, or a
//! server's pre-receive hook that runs `leaktrap scan --pre-receive`. An existing hook is kept
//! and chained (it runs first); `--force` replaces whatever is there, a chained hook included,
//! after saving a backup; uninstall restores whichever was there before.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::exit_status::ExitStatus;
use crate::git;
use crate::settings::HookKind;

/// Marks a hook file as written by leaktrap (`# leaktrap pre-commit hook`).
fn marker(kind: HookKind) -> String {
    format!("# leaktrap {} hook", kind.file_name())
}

/// A previous hook that leaktrap's hook runs first.
fn chained(kind: HookKind) -> String {
    format!("{}.leaktrap-chained", kind.file_name())
}

/// A previous hook replaced by `install --force`.
fn backup(kind: HookKind) -> String {
    format!("{}.leaktrap-backup", kind.file_name())
}

/// The hook script. With a binary path, that binary is called first (GUI git clients run hooks
/// with a thin PATH); `leaktrap` on PATH is the fallback.
pub fn script(kind: HookKind, binary: Option<&Path>) -> String {
    let binary = binary
        .map(|b| shell_quote(&b.to_string_lossy()))
        .unwrap_or_else(|| "leaktrap".to_string());
    let marker = marker(kind);
    let chained = chained(kind);
    // Hooks that read refs on standard input hand the same lines to a chained hook.
    let chain_with_refs = format!(
        "refs=$(cat)\nif [ -x \"$hook_dir/{chained}\" ]; then\n  printf '%s\\n' \"$refs\" | \"$hook_dir/{chained}\" \"$@\" || exit $?\nfi"
    );
    let (what, skip, chain, scan) = match kind {
        HookKind::PreCommit => (
            "Blocks a commit that adds a secret: runs `leaktrap scan --staged`, which reads the index and\n# reports only what this commit adds.",
            "Skip it once with `git commit --no-verify`.",
            format!("if [ -x \"$hook_dir/{chained}\" ]; then\n  \"$hook_dir/{chained}\" \"$@\" || exit $?\nfi"),
            "exec \"$leaktrap\" scan --staged".to_string(),
        ),
        HookKind::PrePush => (
            "Blocks a push that sends a secret: runs `leaktrap scan --pre-push`, which scans the commits\n# being pushed that the remote does not have (git passes the refs on standard input).",
            "Skip it once with `git push --no-verify`.",
            chain_with_refs,
            "printf '%s\\n' \"$refs\" | exec \"$leaktrap\" scan --pre-push=\"$1\"".to_string(),
        ),
        HookKind::PreReceive => (
            "Rejects a push that adds a secret: runs `leaktrap scan --pre-receive`, which scans the commits\n# the push adds to this repository (git passes the refs on standard input).\n#",
            "Pushers cannot skip it; where this repository's .leaktrap.yaml sets\n# pre_receive.allow_skip, `git push -o leaktrap.skip` is let through (and logged).",
            chain_with_refs,
            "printf '%s\\n' \"$refs\" | exec \"$leaktrap\" scan --pre-receive".to_string(),
        ),
    };
    format!(
        r#"#!/bin/sh
{marker}
# {what} {skip}
hook_dir=$(dirname "$0")
{chain}
leaktrap={binary}
if ! [ -x "$leaktrap" ]; then
  leaktrap=leaktrap
fi
if ! command -v "$leaktrap" >/dev/null 2>&1; then
  echo "leaktrap: not found; install it (cargo install --locked --git <repository>) or remove this hook" >&2
  exit 1
fi
{scan}
"#
    )
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The hooks directory git uses for this repository (`core.hooksPath` honoured). A bare
/// repository has no commits made in it and runs no pre-commit or pre-push hook: refused, with
/// the hook that does run there.
fn hooks_dir(kind: HookKind, git_dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let repo = git::open(git_dir)?;
    if repo.is_bare() && kind != HookKind::PreReceive {
        bail!(
            "{} is a bare repository: git never runs a {} hook in it (nobody commits or pushes from it)\nhint: to reject pushes that add a secret, install the server hook: `leaktrap hook install --pre-receive`; to check what this repository holds, run `leaktrap scan --history`",
            repo.path().display(),
            kind.file_name()
        );
    }
    let configured = repo.config().ok().and_then(|c| c.get_path("core.hooksPath").ok());
    Ok(match configured {
        Some(path) if path.is_absolute() => path,
        Some(path) => git::root(&repo).join(path),
        None => repo.commondir().join("hooks"),
    })
}

pub fn install(kind: HookKind, force: bool, git_dir: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let dir = hooks_dir(kind, git_dir)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let hook = dir.join(kind.file_name());
    let ours = is_ours(kind, &hook);
    // With --force, whatever is not leaktrap's own goes to the backup: the hook itself, or the
    // one leaktrap chained earlier.
    let previous = if ours { dir.join(chained(kind)) } else { hook.clone() };
    if previous.exists() && (force || !ours) {
        let (keep_as, how) = if force {
            // An earlier backup is kept too: the new one takes the first free name.
            let free = (0..)
                .map(|n| match n {
                    0 => dir.join(backup(kind)),
                    n => dir.join(format!("{}.{n}", backup(kind))),
                })
                .find(|path| !path.exists())
                .expect("some backup name is free");
            (free, "saved as")
        } else {
            (dir.join(chained(kind)), "kept, and runs first, as")
        };
        if keep_as.exists() {
            bail!(
                "{} already exists\nhint: move it away, or run `leaktrap hook uninstall{}` first to restore it",
                keep_as.display(),
                match kind {
                    HookKind::PreCommit => "",
                    HookKind::PrePush => " --pre-push",
                    HookKind::PreReceive => " --pre-receive",
                }
            );
        }
        std::fs::rename(&previous, &keep_as).with_context(|| format!("cannot move {}", previous.display()))?;
        eprintln!(
            "leaktrap: the existing {} hook is {how} {}",
            kind.file_name(),
            keep_as.display()
        );
    }
    let binary = std::env::current_exe().ok();
    write_executable(&hook, &script(kind, binary.as_deref()))?;
    eprintln!("leaktrap: installed {}", hook.display());
    Ok(ExitStatus::Clean)
}

pub fn uninstall(kind: HookKind, git_dir: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let dir = hooks_dir(kind, git_dir)?;
    let hook = dir.join(kind.file_name());
    if !hook.exists() {
        eprintln!("leaktrap: no {} hook in {}", kind.file_name(), dir.display());
        return Ok(ExitStatus::Clean);
    }
    if !is_ours(kind, &hook) {
        bail!("{} was not written by leaktrap; left as it is", hook.display());
    }
    std::fs::remove_file(&hook).with_context(|| format!("cannot remove {}", hook.display()))?;
    for previous in [chained(kind), backup(kind)] {
        let previous = dir.join(previous);
        if previous.exists() {
            std::fs::rename(&previous, &hook).with_context(|| format!("cannot restore {}", previous.display()))?;
            eprintln!("leaktrap: restored the previous hook from {}", previous.display());
            return Ok(ExitStatus::Clean);
        }
    }
    eprintln!("leaktrap: removed {}", hook.display());
    Ok(ExitStatus::Clean)
}

fn is_ours(kind: HookKind, hook: &Path) -> bool {
    std::fs::read_to_string(hook).is_ok_and(|text| text.contains(&marker(kind)))
}

fn write_executable(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}
