//! `leaktrap hook install | uninstall`: the pre-commit hook that runs `leaktrap scan --staged`.
//! An existing hook is kept and chained (it runs first); `--force` replaces it after saving a
//! backup; uninstall restores whichever was there before.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::exit_status::ExitStatus;
use crate::git;

/// Marks a hook file as written by leaktrap.
const MARKER: &str = "# leaktrap pre-commit hook";
/// A previous hook that leaktrap's hook runs first.
const CHAINED: &str = "pre-commit.leaktrap-chained";
/// A previous hook replaced by `install --force`.
const BACKUP: &str = "pre-commit.leaktrap-backup";

/// The hook script. With a binary path, that binary is called first (GUI git clients run hooks
/// with a thin PATH); `leaktrap` on PATH is the fallback.
pub fn script(binary: Option<&Path>) -> String {
    let binary = binary
        .map(|b| shell_quote(&b.to_string_lossy()))
        .unwrap_or_else(|| "leaktrap".to_string());
    format!(
        r#"#!/bin/sh
{MARKER}
# Blocks a commit that adds a secret: runs `leaktrap scan --staged`, which reads the index and
# reports only what this commit adds. Skip it once with `git commit --no-verify`.
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/{CHAINED}" ]; then
  "$hook_dir/{CHAINED}" "$@" || exit $?
fi
leaktrap={binary}
if ! [ -x "$leaktrap" ]; then
  leaktrap=leaktrap
fi
if ! command -v "$leaktrap" >/dev/null 2>&1; then
  echo "leaktrap: not found; install it (cargo install --locked --git <repository>) or remove this hook" >&2
  exit 1
fi
exec "$leaktrap" scan --staged
"#
    )
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The hooks directory git uses for this repository (`core.hooksPath` honoured).
fn hooks_dir() -> anyhow::Result<PathBuf> {
    let repo = git::open(None)?;
    let configured = repo.config().ok().and_then(|c| c.get_path("core.hooksPath").ok());
    Ok(match configured {
        Some(path) if path.is_absolute() => path,
        Some(path) => git::root(&repo).join(path),
        None => repo.commondir().join("hooks"),
    })
}

pub fn install(force: bool) -> anyhow::Result<ExitStatus> {
    let dir = hooks_dir()?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let hook = dir.join("pre-commit");
    let ours = is_ours(&hook);
    if hook.exists() && !ours {
        let (keep_as, how) = if force {
            (dir.join(BACKUP), "saved as")
        } else {
            (dir.join(CHAINED), "kept, and runs first, as")
        };
        if keep_as.exists() {
            bail!(
                "{} already exists\nhint: remove it or run `leaktrap hook uninstall` first",
                keep_as.display()
            );
        }
        std::fs::rename(&hook, &keep_as).with_context(|| format!("cannot move {}", hook.display()))?;
        eprintln!("leaktrap: the existing pre-commit hook is {how} {}", keep_as.display());
    }
    let binary = std::env::current_exe().ok();
    write_executable(&hook, &script(binary.as_deref()))?;
    eprintln!("leaktrap: installed {}", hook.display());
    Ok(ExitStatus::Clean)
}

pub fn uninstall() -> anyhow::Result<ExitStatus> {
    let dir = hooks_dir()?;
    let hook = dir.join("pre-commit");
    if !hook.exists() {
        eprintln!("leaktrap: no pre-commit hook in {}", dir.display());
        return Ok(ExitStatus::Clean);
    }
    if !is_ours(&hook) {
        bail!("{} was not written by leaktrap; left as it is", hook.display());
    }
    std::fs::remove_file(&hook).with_context(|| format!("cannot remove {}", hook.display()))?;
    for previous in [CHAINED, BACKUP] {
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

fn is_ours(hook: &Path) -> bool {
    std::fs::read_to_string(hook).is_ok_and(|text| text.contains(MARKER))
}

fn write_executable(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}
