//! `leaktrap baseline`: a scan whose findings are written as accepted fingerprints.

use std::time::Instant;

use anyhow::bail;

use crate::baseline::BaselineFile;
use crate::commands::scan::{collect, finish};
use crate::exit_status::ExitStatus;
use crate::output::Output;
use crate::settings::ScanSettings;

/// Exit 0 unless the scan itself failed: findings are what a baseline is made of.
pub fn run(settings: &ScanSettings) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    // A baseline has one format and never holds a secret: flags that would change either are
    // refused rather than silently ignored.
    if settings.format != crate::report::Format::Text {
        bail!(
            "leaktrap baseline writes its own JSON format; --format does not apply\nhint: drop --format; for a report in another format, run `leaktrap scan --format FORMAT -o FILE`"
        );
    }
    if settings.show_secrets {
        bail!("a baseline holds fingerprints, never secrets; --show-secrets does not apply\nhint: drop --show-secrets");
    }
    if settings.exit_code != 1 {
        bail!(
            "leaktrap baseline exits 0 when it wrote the baseline; --exit-code does not apply\nhint: drop --exit-code"
        );
    }
    let Some(path) = settings.output.as_deref() else {
        bail!("leaktrap baseline needs -o FILE\nhint: leaktrap baseline -o .leaktrap-baseline.json");
    };
    let output = Output::check(path)?;
    let collected = collect(settings, started)?;
    if !collected.is_complete() {
        bail!("the scan could not read everything, so no baseline was written");
    }
    let file = BaselineFile::from_findings(&collected.findings);
    output.write(&file.to_json())?;
    if !settings.quiet {
        eprintln!(
            "leaktrap: wrote {} fingerprint(s) to {}",
            file.fingerprints.len(),
            path.display()
        );
    }
    finish(settings, &collected, started);
    Ok(ExitStatus::Clean)
}
