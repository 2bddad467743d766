//! `juxta import FILE.json`: validates, keeps the id, refuses one that exists.

use crate::cli::ImportArgs;
use crate::export;
use crate::sanitize::clean;
use crate::store::Store;
use crate::strings::store as text;

use super::{EXIT_OK, EXIT_USAGE};

pub fn run(args: ImportArgs) -> u8 {
    match try_run(&args) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("juxta: {e}");
            EXIT_USAGE
        }
    }
}

fn try_run(args: &ImportArgs) -> Result<(), String> {
    let path = &args.file;
    let body = std::fs::read_to_string(path).map_err(|e| text::import_read(path, &e))?;
    let s = export::from_json(&body).map_err(|e| text::import_parse(path, &e))?;
    let store = Store::open_default().map_err(|e| e.to_string())?;
    store.import_session(&s).map_err(|e| e.to_string())?;
    eprintln!("{}", text::imported(&s.id, &clean(&s.title)));
    Ok(())
}
