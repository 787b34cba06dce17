fn main() -> std::process::ExitCode {
    bannerc::cli::main()
}
