//! Arbitrary bytes through the `.bnr` front end, checks, lowering and
//! verification. Nothing may panic, and nothing that checks clean may fail
//! verification.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let outcome = bannerc::cli::pipeline::run_text(text, false);
        assert!(outcome.is_ok(), "{outcome:?}");
    }
});
