//! `leaktrap config check | init | import-gitleaks`: validate a config, write a starter one, or
//! translate a gitleaks config.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::{CONFIG_FILE_NAME, Config, STARTER_CONFIG};
use crate::exit_status::ExitStatus;
use crate::output::write_stdout;
use crate::report;
use crate::source::worktree::repository_top;

pub fn import_gitleaks(file: &Path) -> anyhow::Result<ExitStatus> {
    let imported = crate::gitleaks::import(file)?;
    for note in &imported.notes {
        eprintln!("leaktrap: not translated: {}", report::escape_control(note));
    }
    write_stdout(imported.yaml.as_bytes())?;
    Ok(ExitStatus::Clean)
}

pub fn init() -> anyhow::Result<ExitStatus> {
    let here = std::env::current_dir().context("the current directory cannot be read")?;
    let root = repository_top(&here).unwrap_or(here);
    let path = root.join(CONFIG_FILE_NAME);
    if path.exists() {
        bail!(
            "{} already exists; left as it is\nhint: `leaktrap config check` validates it",
            path.display()
        );
    }
    std::fs::write(&path, STARTER_CONFIG).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("leaktrap: wrote {}", path.display());
    Ok(ExitStatus::Clean)
}

pub fn check(file: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let file = file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(CONFIG_FILE_NAME));
    let config = Config::load(&file)?;
    println!("{}: ok ({} rules in effect)", file.display(), config.rules.rules.len());
    Ok(ExitStatus::Clean)
}
