//! What a person sees on a terminal while and after a scan runs: the progress line of a history
//! scan and the one-line summary on standard error.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use crate::pipeline::{Pipeline, Stats};
use crate::source::history::{Coverage, Progress};

/// A one-line progress display on a terminal's standard error, redrawn a few times a second.
pub fn progress_display(pipeline: &Pipeline, progress: &Progress, done: &AtomicBool, started: Instant) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut drawn = false;
    while !done.load(Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let blobs_total = progress.blobs_total.load(Relaxed);
        let bytes = Stats::get(&pipeline.stats.bytes);
        let rate = bytes as f64 / started.elapsed().as_secs_f64().max(0.001);
        // The blob total grows while the walk still finds new blobs.
        let line = format!(
            "commits {}/{}, blobs {}/{blobs_total}, {} ({}/s)",
            progress.commits_walked.load(Relaxed),
            progress.commits_total.load(Relaxed),
            Stats::get(&pipeline.stats.blobs),
            human_bytes(bytes),
            human_bytes(rate as u64)
        );
        eprint!("\r\x1b[2K{line}");
        drawn = true;
    }
    if drawn {
        eprint!("\r\x1b[2K");
    }
}

/// The one-line summary on standard error.
pub fn summary(stats: &Stats, coverage: Option<&Coverage>, findings: usize, started: Instant) -> String {
    let blobs = Stats::get(&stats.blobs);
    let bytes = Stats::get(&stats.bytes);
    let binary = Stats::get(&stats.binary);
    let large = Stats::get(&stats.skipped_large);
    let errors = Stats::get(&stats.errors);
    let mut line = match coverage {
        Some(c) => format!(
            "leaktrap: scanned {} commit{}, {blobs} unique blob{} ({})",
            c.commits,
            plural(c.commits as u64),
            plural(blobs),
            human_bytes(bytes)
        ),
        None => format!(
            "leaktrap: scanned {blobs} file{} ({})",
            plural(blobs),
            human_bytes(bytes)
        ),
    };
    if binary > 0 {
        line.push_str(&format!(", {binary} binary (printable strings searched)"));
    }
    let archives = Stats::get(&stats.archives);
    if archives > 0 {
        let entries = Stats::get(&stats.archive_entries);
        line.push_str(&format!(
            ", {archives} archive{} opened ({entries} entr{})",
            plural(archives),
            if entries == 1 { "y" } else { "ies" }
        ));
    }
    let cut = Stats::get(&stats.cut_short);
    if cut > 0 {
        line.push_str(&format!(
            ", {cut} archive part{} cut short (-v names them)",
            plural(cut)
        ));
    }
    if large > 0 {
        line.push_str(&format!(", {large} NOT SCANNED (over --max-file-size)"));
    }
    let suppressed = Stats::get(&stats.suppressed);
    if suppressed > 0 {
        line.push_str(&format!(", {suppressed} suppressed"));
    }
    line.push_str(&format!(", {findings} finding{}", plural(findings as u64)));
    if errors > 0 {
        line.push_str(&format!(
            ", {errors} error{} (exit 2: the scan is incomplete)",
            plural(errors)
        ));
    }
    line.push_str(&format!(" in {:.2}s", started.elapsed().as_secs_f64()));
    let skipped = stats.large_paths();
    if !skipped.is_empty() {
        // A gate that passes what it did not read must say so where nobody can miss it.
        const SHOWN: usize = 10;
        let mut names: Vec<String> = skipped
            .iter()
            .take(SHOWN)
            .map(|p| crate::report::escape_control(p))
            .collect();
        if skipped.len() > SHOWN {
            names.push(format!("and {} more", skipped.len() - SHOWN));
        }
        line.push_str(&format!(
            "\nleaktrap: not scanned, over --max-file-size (drop the limit to scan them): {}",
            names.join(", ")
        ));
    }
    line
}

/// This process's peak resident memory, from Linux's `/proc/self/status` (`VmHWM`, which, unlike
/// `getrusage`, does not carry over the memory of the process that started us).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    kib.trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()
        .map(|k| k * 1024)
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
