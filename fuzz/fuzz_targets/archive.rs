//! Arbitrary bytes opened as an archive of every format (each input is tried as the format its
//! magic names, and as each format behind a forced magic), nested entries opened again to the
//! default depth. Checks what the pipeline relies on: no panic, no hang, and never more inflated
//! than the limits allow, whatever the headers claim.

#![no_main]

use leaktrap::archive::{Budget, Flow, Format, Limits, MAGICS, open};
use libfuzzer_sys::fuzz_target;

fn visit_all(bytes: &[u8], limits: &Limits, budget: &Budget, depth: u32, inflated: &mut u64) {
    let Some(format) = Format::of(bytes) else { return };
    open(bytes, format, "fuzz.bin", limits, budget, &mut |_, content| {
        *inflated += content.len() as u64;
        assert!(content.len() as u64 <= limits.entry_bytes);
        if depth > 0 {
            visit_all(content, limits, budget, depth - 1, inflated);
        }
        Flow::More
    });
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        entry_bytes: 4 << 20,
        archive_bytes: 16 << 20,
        ..Limits::default()
    };
    let mut inputs = vec![data.to_vec()];
    if let Some((&selector, rest)) = data.split_first() {
        let mut forced = MAGICS[selector as usize % MAGICS.len()].to_vec();
        forced.extend_from_slice(rest);
        inputs.push(forced);
    }
    for input in inputs {
        let budget = Budget::new(&limits);
        let mut inflated = 0;
        visit_all(&input, &limits, &budget, limits.depth, &mut inflated);
        // What the entries hold was all inflated within the one budget.
        assert!(inflated <= limits.archive_bytes, "{inflated}");
    }
});
