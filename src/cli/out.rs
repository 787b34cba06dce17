//! Standard output for the commands: `out!` and `outln!` write like
//! `print!` and `println!`, but a failed write (a full disk, a closed
//! descriptor) ends the process with a message and exit status 4 instead of
//! a panic. A closed pipe ends it quietly, by the default `SIGPIPE`. Ending
//! the process in the middle of a run is safe: an engine commits only at
//! the end, and what it has not committed is rolled back.

use std::io::Write;

/// Write `text` to standard output, or end the process.
pub fn write(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        eprintln!("bannerc: error: cannot write to standard output: {error}");
        std::process::exit(i32::from(super::exit::ENGINE));
    }
}

/// `print!` that ends the process cleanly when standard output fails.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out::write(&format!($($arg)*))
    };
}

/// `println!` that ends the process cleanly when standard output fails.
macro_rules! outln {
    () => {
        $crate::cli::out::write("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::out::write(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};
