//! `bannerc compile`: one verified SQL script, written whole or not at all.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;

use super::pipeline::{
    self, CompileFailure, load, load_campaign, needs_counts_diagnostic, read_counts,
};
use super::{CompileOptions, exit, render};
use crate::diag::has_errors;
use crate::lower::{Dialect, LowerOptions};

/// Arguments of `bannerc compile`.
#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The campaign file (`.bnr`, `.yaml` or `.yml`).
    pub file: PathBuf,
    /// Write the SQL here instead of standard output (atomically: the file
    /// appears complete or not at all).
    #[arg(short, long, value_name = "plan.sql")]
    pub output: Option<PathBuf>,
    /// The SQL dialect to emit.
    #[arg(long, value_enum, default_value_t = Dialect::Bigquery)]
    pub dialect: Dialect,
    /// The run id to record in the ledger (default: derived from the plan hash).
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,
    #[command(flatten)]
    pub options: CompileOptions,
}

/// Run `bannerc compile`; returns the exit code.
pub fn run(args: &CompileArgs) -> u8 {
    let loaded = match load(&args.file) {
        Ok(loaded) => loaded,
        Err(message) => return fail(&message, exit::INVALID),
    };
    let counts = match read_counts(args.options.stats.as_deref()) {
        Ok(counts) => counts,
        Err(message) => return fail(&message, exit::INVALID),
    };
    let file = args.file.display().to_string();
    let checked = load_campaign(&loaded, counts.as_ref(), args.options.deny_warnings);
    eprint!(
        "{}",
        render::human(
            &file,
            &loaded.text,
            &checked.diagnostics,
            render::stderr_color()
        )
    );
    if has_errors(&checked.diagnostics) {
        return exit::INVALID;
    }
    let Some(campaign) = checked.campaign else {
        let missing = checked.spec.as_ref().map(needs_counts_diagnostic);
        eprint!(
            "{}",
            render::human(
                &file,
                &loaded.text,
                missing.as_slice(),
                render::stderr_color()
            )
        );
        return exit::INVALID;
    };
    let options = LowerOptions {
        mode: args.options.mode.into(),
        run_id: args.run_id.clone(),
    };
    let compiled = match pipeline::compile(&campaign, args.dialect, &options) {
        Ok(compiled) => compiled,
        Err(CompileFailure::Verify(error)) => return fail(&error.to_string(), exit::INTERNAL),
        Err(error) => return fail(&error.to_string(), exit::INVALID),
    };
    warn_if_too_long(&compiled.script);
    match &args.output {
        Some(path) if is_an_input(path, &[args.file.as_path()]) => fail(
            &format!(
                "refusing to overwrite the input {} with SQL",
                path.display()
            ),
            exit::USAGE,
        ),
        Some(path) => match write_atomically(path, &compiled.script.sql) {
            Ok(()) => exit::OK,
            Err(message) => fail(&message, exit::ENGINE),
        },
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(compiled.script.sql.as_bytes()) {
                Ok(()) => exit::OK,
                Err(e) => fail(&format!("cannot write the SQL: {e}"), exit::ENGINE),
            }
        }
    }
}

/// BigQuery refuses query text over 1 MB; say so before anyone submits it.
fn warn_if_too_long(script: &crate::lower::Script) {
    const BIGQUERY_QUERY_LIMIT: usize = 1024 * 1024;
    if script.dialect == Dialect::Bigquery && script.sql.len() > BIGQUERY_QUERY_LIMIT {
        eprintln!(
            "warning: the script is {} bytes; BigQuery accepts at most 1 MB of query text. \
             Split the campaign into several, or use fused mode (smaller).",
            script.sql.len()
        );
    }
}

fn fail(message: &str, code: u8) -> u8 {
    eprintln!("error: {message}");
    code
}

/// Whether `output` is one of the command's `inputs` (so writing it would
/// destroy what was read).
pub fn is_an_input(output: &Path, inputs: &[&Path]) -> bool {
    inputs.iter().any(
        |input| match (input.canonicalize(), output.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
    )
}

/// Write through a temporary file in the same directory, then rename it
/// over the file. A symbolic link is followed (its target is replaced, the
/// link stays); a path that is not a regular file (`/dev/stdout`, a FIFO) is
/// written to directly, since renaming over it would replace the device.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    write_all_atomically(&[(path, text)])
}

/// Write several files as [`write_atomically`] writes one, and all of them
/// or none as far as the file system allows: every file is written and
/// synced beside its destination first, and only then are they moved into
/// place. Two outputs that are the same file are refused.
pub fn write_all_atomically(files: &[(&Path, &str)]) -> Result<(), String> {
    let real = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    for (index, (path, _)) in files.iter().enumerate() {
        if let Some((other, _)) = files[index + 1..]
            .iter()
            .find(|(other, _)| real(other) == real(path))
        {
            return Err(format!(
                "{} and {} are the same file; give each output its own path",
                path.display(),
                other.display()
            ));
        }
    }
    let mut ready = Vec::new();
    for (path, text) in files {
        let target = real(path);
        ready.push(match std::fs::metadata(&target) {
            Ok(meta) if !meta.is_file() && !meta.is_dir() => Ready::Device(path, text),
            _ => Ready::Staged(staged(&target, text)?),
        });
    }
    ready.into_iter().try_for_each(Ready::finish)
}

/// One output, ready to be finished.
enum Ready<'a> {
    /// A device or a pipe: written in place, last.
    Device(&'a Path, &'a str),
    /// A regular file, written beside its destination.
    Staged(Staged),
}

impl Ready<'_> {
    fn finish(self) -> Result<(), String> {
        match self {
            Ready::Device(path, text) => std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut file| file.write_all(text.as_bytes()))
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
            Ready::Staged(staged) => staged
                .file
                .persist(&staged.path)
                .map(|_| ())
                .map_err(|e| format!("cannot write {}: {}", staged.path.display(), e.error)),
        }
    }
}

/// A file written and synced beside `path`, ready to take its place.
struct Staged {
    file: tempfile::NamedTempFile,
    path: std::path::PathBuf,
}

fn staged(path: &Path, text: &str) -> Result<Staged, String> {
    let directory = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(directory)
        .map_err(|e| format!("cannot create a file in {}: {e}", directory.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| readable_by_all(file.as_file(), path))
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Staged {
        file,
        path: path.to_path_buf(),
    })
}

/// A new file gets the usual `rw-r--r--` (a temporary file starts private);
/// a replaced file keeps its permissions.
fn readable_by_all(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    let permissions = match std::fs::metadata(path) {
        Ok(existing) => existing.permissions(),
        Err(_) => default_permissions(file)?,
    };
    file.set_permissions(permissions)
}

#[cfg(unix)]
fn default_permissions(_file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    Ok(file.metadata()?.permissions())
}
