//! Runs one command from `Settings` and returns the process's exit status. Dispatch only: each
//! command's body lives in `commands`. Errors end here: they are printed with their context and
//! hint, and become exit status 2.

use crate::commands;
use crate::exit_status::ExitStatus;
use crate::report;
use crate::settings::{Command, Settings};

/// `run`, with a panic (always a bug) reported without its details and turned into exit 2: an
/// incomplete scan must never look like a pass, and a panic message could quote scanned text.
pub fn run_guarded(settings: &Settings) -> ExitStatus {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("{}", panic_report(info.payload(), info.location()))
    }));
    exit_status_of(|| run(settings))
}

/// The exit status of `run`, or `ExitStatus::Error` when it panicked (in any thread it joined).
fn exit_status_of(run: impl FnOnce() -> ExitStatus) -> ExitStatus {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or(ExitStatus::Error)
}

/// What a panic prints: where it happened and, only when it is a fixed string from the source
/// (`expect("...")`), its message. A formatted message may hold scanned content, so it is withheld.
fn panic_report(payload: &(dyn std::any::Any + Send), location: Option<&std::panic::Location>) -> String {
    let place = location.map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
    let detail = payload
        .downcast_ref::<&'static str>()
        .map_or("details withheld, they may quote scanned content", |message| message);
    format!(
        "leaktrap: internal error{place} ({detail}); the scan is incomplete. Please report this bug \
         with the command line, not the scanned files."
    )
}

pub fn run(settings: &Settings) -> ExitStatus {
    let result = match &settings.command {
        Command::Scan(scan_settings) => commands::scan::run(scan_settings),
        Command::Baseline(scan_settings) => commands::baseline::run(scan_settings),
        Command::RulesList { json, config } => commands::rules::list(*json, config.as_deref()),
        Command::RulesShow { id, config } => commands::rules::show(id, config.as_deref()),
        Command::ConfigCheck { file } => commands::config::check(file.as_deref()),
        Command::ConfigInit => commands::config::init(),
        Command::ImportGitleaks { file } => commands::config::import_gitleaks(file),
        Command::Merge {
            reports,
            format,
            output,
        } => commands::merge::run(reports, *format, output.as_deref()),
        Command::HookInstall { kind, force, git_dir } => commands::hook::install(*kind, *force, git_dir.as_deref()),
        Command::HookUninstall { kind, git_dir } => commands::hook::uninstall(*kind, git_dir.as_deref()),
    };
    match result {
        Ok(status) => status,
        Err(error) => {
            if crate::output::is_broken_pipe(&error) {
                return ExitStatus::Clean;
            }
            let message = format!("{error:#}");
            let lines: Vec<String> = message.lines().map(report::escape_control).collect();
            eprintln!("leaktrap: error: {}", lines.join("\n"));
            ExitStatus::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_anywhere_in_the_run_exits_2() {
        assert_eq!(exit_status_of(|| ExitStatus::Findings(1)), ExitStatus::Findings(1));
        assert_eq!(exit_status_of(|| panic!("boom")), ExitStatus::Error);
        let in_a_worker = || {
            rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap()
                .install(|| rayon::join(|| ExitStatus::Clean, || -> ExitStatus { panic!("worker") }).0)
        };
        assert_eq!(exit_status_of(in_a_worker), ExitStatus::Error);
    }

    #[test]
    fn panic_reports_keep_fixed_messages_and_withhold_formatted_ones() {
        let secret = "ghp_notreallyasecretbutlooksalikeone123456";
        let formatted: Box<dyn std::any::Any + Send> = Box::new(format!("bad input {secret}"));
        let report = panic_report(formatted.as_ref(), None);
        assert!(!report.contains(secret), "{report}");
        assert!(report.contains("withheld"), "{report}");
        let fixed: Box<dyn std::any::Any + Send> = Box::new("index was read above");
        assert!(panic_report(fixed.as_ref(), None).contains("index was read above"));
    }
}
