//! Text for themes and markdown rendering.

use std::path::Path;

pub fn theme_not_found(name: &str, searched: Option<&Path>) -> String {
    let builtin = super::super::tui::theme::Theme::builtin_names().join(", ");
    match searched {
        Some(p) => format!(
            "no theme named {name:?}: not a built-in ({builtin}) and no file {}",
            p.display()
        ),
        None => format!("no theme named {name:?} (built-in themes: {builtin})"),
    }
}

pub fn theme_unreadable(path: &Path, err: &std::io::Error) -> String {
    format!("cannot read theme file {}: {err}", path.display())
}

pub fn unknown_syntect_theme(name: &str, known: &[&str]) -> String {
    format!(
        "unknown syntect theme {name:?} (bundled: {})",
        known.join(", ")
    )
}

pub fn theme_extends_itself(name: &str) -> String {
    format!("theme {name:?} cannot extend itself")
}

pub fn theme_extends_failed(name: &str, err: &dyn std::fmt::Display) -> String {
    format!("cannot extend theme {name:?}: {err}")
}

pub fn unknown_slot(key: &str) -> String {
    let known: Vec<&str> = super::super::tui::theme::Slot::ALL
        .iter()
        .map(|s| s.key())
        .collect();
    format!("unknown slot {key:?} (slots: {})", known.join(", "))
}

pub fn missing_slots(missing: &[&str]) -> String {
    format!(
        "slots not defined (define them or add `extends = \"dark\"`): {}",
        missing.join(", ")
    )
}

pub fn bad_colour(value: &str) -> String {
    format!(
        "bad colour {value:?}: use a name (red, dark_gray, light_cyan, ...), \"#rrggbb\" or an index \"0\"..\"255\""
    )
}

pub fn bad_modifier(value: &str) -> String {
    format!(
        "unknown modifier {value:?} (bold, dim, italic, underlined, slow_blink, rapid_blink, reversed, hidden, crossed_out)"
    )
}
