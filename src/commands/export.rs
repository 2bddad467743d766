//! `juxta export ID --format md|html|json|csv [-o FILE]`.

use std::io::Write;
use std::path::Path;

use crate::cli::{ExportArgs, ExportFormat};
use crate::export;
use crate::store::Store;
use crate::strings::store as text;

use super::{EXIT_OK, EXIT_USAGE};

pub fn run(args: ExportArgs) -> u8 {
    match try_run(&args) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("juxta: {e}");
            EXIT_USAGE
        }
    }
}

fn try_run(args: &ExportArgs) -> Result<(), String> {
    let store = Store::open_default().map_err(|e| e.to_string())?;
    let s = store.load_session(&args.id).map_err(|e| e.to_string())?;
    let body = match args.format {
        ExportFormat::Md => export::to_markdown(&s),
        ExportFormat::Html => export::to_html(&s),
        ExportFormat::Json => export::to_json(&s) + "\n",
        ExportFormat::Csv => export::to_csv(&s)?,
    };
    match &args.output {
        Some(path) => write_file(path, body.as_bytes()).map_err(|e| text::export_write(path, &e)),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(body.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                _ => Ok(()),
            }
        }
    }
}

/// A new file is created 0600; an existing one the user named keeps its mode.
fn write_file(path: &Path, body: &[u8]) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path)?;
    f.write_all(body)?;
    f.sync_all()
}
