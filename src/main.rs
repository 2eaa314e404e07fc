use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let settings = match leaktrap::cli::Cli::try_parse() {
        Ok(cli) => cli.into_settings(),
        Err(e) => {
            // Help and version go to stdout with exit 0; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    ExitCode::from(leaktrap::app::run_guarded(&settings))
}
