fn main() -> std::process::ExitCode {
    juxta::cli::main()
}
