use std::process::ExitCode;

use clap::Parser;
use leaktrap::exit_status::ExitStatus;

fn main() -> ExitCode {
    let settings = match leaktrap::cli::Cli::try_parse() {
        Ok(cli) => cli.into_settings(),
        Err(e) => {
            // Help and version go to stdout with exit 0; usage errors exit 2.
            let _ = e.print();
            let status = if e.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Clean
            };
            return ExitCode::from(status.code());
        }
    };
    ExitCode::from(leaktrap::app::run_guarded(&settings).code())
}
