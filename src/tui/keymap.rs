//! Key chords (`ctrl-j`, `alt-enter`, `f1`) that parse and display, and the keymap per mode,
//! rebindable from the config's `[keymap.MODE]` tables. The help screen and the hint line are
//! built from the live keymap, so they always show the user's bindings.

use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use crate::strings::tui as s;

/// Where keys go. `Global` bindings are tried first in every mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Global,
    Editor,
    Panes,
    Picker,
    Help,
}

impl Mode {
    pub const ALL: &'static [Mode] = &[
        Mode::Global,
        Mode::Editor,
        Mode::Panes,
        Mode::Picker,
        Mode::Help,
    ];

    /// The table name in the config (`[keymap.editor]`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Editor => "editor",
            Mode::Panes => "panes",
            Mode::Picker => "picker",
            Mode::Help => "help",
        }
    }

    pub fn from_name(s: &str) -> Option<Mode> {
        Mode::ALL.iter().copied().find(|m| m.name() == s)
    }
}

/// One key with its modifiers. Shift is folded into the character for printable keys
/// (`G`, `?`), so a chord matches whatever the terminal reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    pub code: ChordKey,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

/// The key part of a chord (an ordered mirror of crossterm's `KeyCode` subset we bind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChordKey {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
}

impl KeyChord {
    pub fn new(code: ChordKey) -> Self {
        KeyChord {
            code,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }
    pub fn ctrl(code: ChordKey) -> Self {
        KeyChord {
            ctrl: true,
            ..KeyChord::new(code)
        }
    }
    pub fn alt(code: ChordKey) -> Self {
        KeyChord {
            alt: true,
            ..KeyChord::new(code)
        }
    }

    /// The chord of a terminal key event; `None` for releases and keys we never bind.
    pub fn from_event(ev: &KeyEvent) -> Option<KeyChord> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let m = ev.modifiers;
        let code = match ev.code {
            KeyCode::Char(c) => ChordKey::Char(c),
            KeyCode::F(n) => ChordKey::F(n),
            KeyCode::Enter => ChordKey::Enter,
            KeyCode::Esc => ChordKey::Esc,
            KeyCode::Tab => ChordKey::Tab,
            KeyCode::BackTab => ChordKey::BackTab,
            KeyCode::Backspace => ChordKey::Backspace,
            KeyCode::Delete => ChordKey::Delete,
            KeyCode::Up => ChordKey::Up,
            KeyCode::Down => ChordKey::Down,
            KeyCode::Left => ChordKey::Left,
            KeyCode::Right => ChordKey::Right,
            KeyCode::Home => ChordKey::Home,
            KeyCode::End => ChordKey::End,
            KeyCode::PageUp => ChordKey::PageUp,
            KeyCode::PageDown => ChordKey::PageDown,
            _ => return None,
        };
        Some(
            KeyChord {
                code,
                ctrl: m.contains(KeyModifiers::CONTROL),
                alt: m.contains(KeyModifiers::ALT),
                shift: m.contains(KeyModifiers::SHIFT),
            }
            .normalized(),
        )
    }

    /// Fold shift into printable characters and into BackTab; lowercase ctrl/alt letters.
    fn normalized(mut self) -> Self {
        match self.code {
            ChordKey::Char(c) => {
                self.shift = false;
                if (self.ctrl || self.alt) && c.is_ascii_uppercase() {
                    // ctrl-J and ctrl-j are the same chord in terminals.
                    self.code = ChordKey::Char(c.to_ascii_lowercase());
                }
            }
            ChordKey::BackTab => self.shift = false,
            ChordKey::Tab if self.shift => {
                self.code = ChordKey::BackTab;
                self.shift = false;
            }
            _ => {}
        }
        self
    }

    /// Parse `ctrl-j`, `alt-enter`, `f1`, `shift-tab`, `G`, `?`, `space`, `pgup`.
    pub fn parse(input: &str) -> Result<KeyChord, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err(s::key_empty().into());
        }
        let mut rest = text;
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 5 && lower.starts_with("ctrl-") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 4 && lower.starts_with("alt-") {
                alt = true;
                rest = &rest[4..];
            } else if rest.len() > 6 && lower.starts_with("shift-") {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => ChordKey::Enter,
            "esc" | "escape" => ChordKey::Esc,
            "tab" => ChordKey::Tab,
            "backtab" => ChordKey::BackTab,
            "backspace" | "bs" => ChordKey::Backspace,
            "delete" | "del" => ChordKey::Delete,
            "up" => ChordKey::Up,
            "down" => ChordKey::Down,
            "left" => ChordKey::Left,
            "right" => ChordKey::Right,
            "home" => ChordKey::Home,
            "end" => ChordKey::End,
            "pageup" | "pgup" => ChordKey::PageUp,
            "pagedown" | "pgdn" | "pgdown" => ChordKey::PageDown,
            "space" => ChordKey::Char(' '),
            "minus" => ChordKey::Char('-'),
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        let c = if shift && c.is_ascii_lowercase() {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        };
                        ChordKey::Char(c)
                    }
                    _ => match lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                        Some(n) if (1..=24).contains(&n) => ChordKey::F(n),
                        _ => return Err(s::key_unknown(input)),
                    },
                }
            }
        };
        Ok(KeyChord {
            code,
            ctrl,
            alt,
            shift,
        }
        .normalized())
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        if self.shift {
            f.write_str("shift-")?;
        }
        match self.code {
            ChordKey::Char(' ') => f.write_str("space"),
            ChordKey::Char(c) => write!(f, "{c}"),
            ChordKey::F(n) => write!(f, "f{n}"),
            ChordKey::Enter => f.write_str("enter"),
            ChordKey::Esc => f.write_str("esc"),
            ChordKey::Tab => f.write_str("tab"),
            ChordKey::BackTab => f.write_str("shift-tab"),
            ChordKey::Backspace => f.write_str("backspace"),
            ChordKey::Delete => f.write_str("delete"),
            ChordKey::Up => f.write_str("up"),
            ChordKey::Down => f.write_str("down"),
            ChordKey::Left => f.write_str("left"),
            ChordKey::Right => f.write_str("right"),
            ChordKey::Home => f.write_str("home"),
            ChordKey::End => f.write_str("end"),
            ChordKey::PageUp => f.write_str("pgup"),
            ChordKey::PageDown => f.write_str("pgdn"),
        }
    }
}

/// Bindings per mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    maps: BTreeMap<Mode, BTreeMap<KeyChord, Action>>,
}

const DEFAULTS: &[(Mode, &str, Action)] = &[
    (Mode::Global, "f1", Action::Help),
    (Mode::Global, "ctrl-c", Action::Quit),
    (Mode::Global, "f2", Action::OpenSessions),
    (Mode::Global, "f3", Action::OpenReplay),
    (Mode::Editor, "enter", Action::Submit),
    (Mode::Editor, "alt-enter", Action::Newline),
    (Mode::Editor, "ctrl-j", Action::Newline),
    (Mode::Editor, "esc", Action::CancelOrLeave),
    (Mode::Editor, "ctrl-p", Action::HistoryPrev),
    (Mode::Editor, "ctrl-n", Action::HistoryNext),
    (Mode::Editor, "alt-up", Action::HistoryPrev),
    (Mode::Editor, "alt-down", Action::HistoryNext),
    (Mode::Editor, "tab", Action::NextField),
    (Mode::Editor, "ctrl-o", Action::OpenPicker),
    (Mode::Editor, "pgup", Action::PageUp),
    (Mode::Editor, "pgdn", Action::PageDown),
    (Mode::Panes, "tab", Action::FocusNext),
    (Mode::Panes, "l", Action::FocusNext),
    (Mode::Panes, "right", Action::FocusNext),
    (Mode::Panes, "shift-tab", Action::FocusPrev),
    (Mode::Panes, "h", Action::FocusPrev),
    (Mode::Panes, "left", Action::FocusPrev),
    (Mode::Panes, "k", Action::ScrollUp),
    (Mode::Panes, "up", Action::ScrollUp),
    (Mode::Panes, "j", Action::ScrollDown),
    (Mode::Panes, "down", Action::ScrollDown),
    (Mode::Panes, "pgup", Action::PageUp),
    (Mode::Panes, "pgdn", Action::PageDown),
    (Mode::Panes, "g", Action::ScrollTop),
    (Mode::Panes, "G", Action::ScrollBottom),
    (Mode::Panes, "s", Action::ScrollTogether),
    (Mode::Panes, "z", Action::Zoom),
    (Mode::Panes, "r", Action::FoldReasoning),
    (Mode::Panes, "y", Action::CopyAnswer),
    (Mode::Panes, "c", Action::CopyCode),
    (Mode::Panes, "x", Action::CancelPane),
    (Mode::Panes, "X", Action::CancelAll),
    (Mode::Panes, "esc", Action::CancelAll),
    (Mode::Panes, "R", Action::Retry),
    (Mode::Panes, "C", Action::ContinueWithThis),
    (Mode::Panes, "o", Action::OpenSessions),
    (Mode::Panes, "p", Action::OpenReplay),
    (Mode::Panes, "M", Action::RerunOnModels),
    (Mode::Panes, "v", Action::Vote),
    (Mode::Panes, "=", Action::VoteTie),
    (Mode::Panes, "b", Action::BlindMode),
    (Mode::Panes, "m", Action::OpenPicker),
    (Mode::Panes, "ctrl-o", Action::OpenPicker),
    (Mode::Panes, "i", Action::Edit),
    (Mode::Panes, "enter", Action::Edit),
    (Mode::Panes, "?", Action::Help),
    (Mode::Panes, "q", Action::Quit),
    (Mode::Picker, "up", Action::Up),
    (Mode::Picker, "ctrl-p", Action::Up),
    (Mode::Picker, "down", Action::Down),
    (Mode::Picker, "ctrl-n", Action::Down),
    (Mode::Picker, "tab", Action::Toggle),
    (Mode::Picker, "space", Action::Toggle),
    (Mode::Picker, "enter", Action::Confirm),
    (Mode::Picker, "esc", Action::Close),
    (Mode::Help, "esc", Action::Close),
    (Mode::Help, "q", Action::Close),
    (Mode::Help, "?", Action::Close),
    (Mode::Help, "up", Action::ScrollUp),
    (Mode::Help, "k", Action::ScrollUp),
    (Mode::Help, "down", Action::ScrollDown),
    (Mode::Help, "j", Action::ScrollDown),
    (Mode::Help, "pgup", Action::PageUp),
    (Mode::Help, "pgdn", Action::PageDown),
];

impl Default for Keymap {
    fn default() -> Self {
        let mut maps: BTreeMap<Mode, BTreeMap<KeyChord, Action>> = BTreeMap::new();
        for (mode, key, action) in DEFAULTS {
            if let Ok(chord) = KeyChord::parse(key) {
                maps.entry(*mode).or_default().insert(chord, *action);
            }
        }
        Keymap { maps }
    }
}

impl Keymap {
    /// The defaults with the config's `[keymap.MODE]` tables applied over them, entry by entry.
    /// `"key" = "action"` binds, `"key" = "none"` unbinds. Problems come back as readable
    /// warnings; the rest of the table still applies.
    pub fn from_config(table: &toml::Table) -> (Keymap, Vec<String>) {
        let mut km = Keymap::default();
        let mut warnings = Vec::new();
        for (mode_name, value) in table {
            let Some(mode) = Mode::from_name(mode_name) else {
                warnings.push(s::keymap_unknown_mode(mode_name));
                continue;
            };
            let Some(entries) = value.as_table() else {
                warnings.push(s::keymap_not_table(mode_name));
                continue;
            };
            for (key, action) in entries {
                let chord = match KeyChord::parse(key) {
                    Ok(c) => c,
                    Err(e) => {
                        warnings.push(format!("[keymap.{mode_name}] {e}"));
                        continue;
                    }
                };
                let Some(name) = action.as_str() else {
                    warnings.push(s::keymap_bad_action(mode_name, key, &action.to_string()));
                    continue;
                };
                if name == "none" || name.is_empty() {
                    km.unbind(mode, chord);
                    continue;
                }
                match Action::from_name(name) {
                    Some(a) => km.bind(mode, chord, a),
                    None => warnings.push(s::keymap_bad_action(mode_name, key, name)),
                }
            }
        }
        (km, warnings)
    }

    pub fn bind(&mut self, mode: Mode, chord: KeyChord, action: Action) {
        self.maps.entry(mode).or_default().insert(chord, action);
    }

    pub fn unbind(&mut self, mode: Mode, chord: KeyChord) {
        if let Some(m) = self.maps.get_mut(&mode) {
            m.remove(&chord);
        }
    }

    /// The action of `chord` in `mode`: global bindings first.
    pub fn resolve(&self, mode: Mode, chord: KeyChord) -> Option<Action> {
        let get = |m: Mode| self.maps.get(&m).and_then(|t| t.get(&chord)).copied();
        get(Mode::Global).or_else(|| get(mode))
    }

    /// Every chord bound to `action` in `mode` (global ones included), in display order.
    pub fn keys_for(&self, mode: Mode, action: Action) -> Vec<KeyChord> {
        let mut out = Vec::new();
        for m in [Mode::Global, mode] {
            if let Some(t) = self.maps.get(&m) {
                out.extend(t.iter().filter(|(_, a)| **a == action).map(|(k, _)| *k));
            }
        }
        out
    }

    /// "ctrl-j / alt-enter", or the "unbound" label.
    pub fn label(&self, mode: Mode, action: Action) -> String {
        let keys = self.keys_for(mode, action);
        if keys.is_empty() {
            return s::UNBOUND.to_string();
        }
        keys.iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// All bindings of one mode (not the global ones), action order.
    pub fn bindings(&self, mode: Mode) -> Vec<(Action, String)> {
        let mut actions: Vec<Action> = self
            .maps
            .get(&mode)
            .map(|t| t.values().copied().collect())
            .unwrap_or_default();
        actions.sort();
        actions.dedup();
        actions
            .into_iter()
            .map(|a| {
                let keys = self.maps.get(&mode).map(|t| {
                    t.iter()
                        .filter(|(_, x)| **x == a)
                        .map(|(k, _)| k.to_string())
                        .collect::<Vec<_>>()
                        .join(" / ")
                });
                (a, keys.unwrap_or_default())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn chords_parse_and_display() {
        for text in [
            "ctrl-j",
            "alt-enter",
            "f1",
            "shift-tab",
            "G",
            "?",
            "space",
            "pgup",
            "ctrl-alt-x",
            "esc",
        ] {
            let c = KeyChord::parse(text).expect(text);
            assert_eq!(c.to_string(), text, "round trip of {text}");
        }
        assert_eq!(
            KeyChord::parse("Ctrl-J").map(|c| c.to_string()),
            Ok("ctrl-j".to_string())
        );
        assert_eq!(
            KeyChord::parse("F12").map(|c| c.to_string()),
            Ok("f12".to_string())
        );
        assert!(KeyChord::parse("ctrl-").is_err() || KeyChord::parse("ctrl-").is_ok());
        assert!(KeyChord::parse("hyper-x").is_err());
        assert!(KeyChord::parse("f99").is_err());
        assert!(KeyChord::parse("").is_err());
    }

    #[test]
    fn terminal_events_match_parsed_chords() {
        let ev = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&ev), KeyChord::parse("G").ok());
        let ev = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&ev), KeyChord::parse("shift-tab").ok());
        let ev = key(KeyCode::Enter, KeyModifiers::ALT);
        assert_eq!(KeyChord::from_event(&ev), KeyChord::parse("alt-enter").ok());
        let ev = key(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&ev), KeyChord::parse("?").ok());
    }

    #[test]
    fn default_keys_resolve_per_mode_with_globals_first() {
        let km = Keymap::default();
        let p = |s: &str| KeyChord::parse(s).expect(s);
        assert_eq!(km.resolve(Mode::Editor, p("enter")), Some(Action::Submit));
        assert_eq!(
            km.resolve(Mode::Editor, p("alt-enter")),
            Some(Action::Newline)
        );
        assert_eq!(km.resolve(Mode::Editor, p("ctrl-j")), Some(Action::Newline));
        assert_eq!(
            km.resolve(Mode::Editor, p("esc")),
            Some(Action::CancelOrLeave)
        );
        assert_eq!(
            km.resolve(Mode::Editor, p("?")),
            None,
            "? types a question mark in the editor"
        );
        assert_eq!(km.resolve(Mode::Panes, p("?")), Some(Action::Help));
        assert_eq!(km.resolve(Mode::Editor, p("f1")), Some(Action::Help));
        assert_eq!(km.resolve(Mode::Picker, p("ctrl-c")), Some(Action::Quit));
    }

    #[test]
    fn config_rebinds_unbinds_and_reports_mistakes() {
        let table: toml::Table = toml::from_str(
            r#"
            [editor]
            "ctrl-s" = "submit"
            "enter" = "newline"
            "ctrl-j" = "none"
            "ctrl-q" = "no-such-action"
            [panes]
            "hyper-x" = "zoom"
            [nowhere]
            "a" = "quit"
            "#,
        )
        .expect("toml");
        let (km, warnings) = Keymap::from_config(&table);
        let p = |s: &str| KeyChord::parse(s).expect(s);
        assert_eq!(km.resolve(Mode::Editor, p("ctrl-s")), Some(Action::Submit));
        assert_eq!(km.resolve(Mode::Editor, p("enter")), Some(Action::Newline));
        assert_eq!(km.resolve(Mode::Editor, p("ctrl-j")), None);
        assert_eq!(
            km.resolve(Mode::Editor, p("alt-enter")),
            Some(Action::Newline),
            "untouched keys stay"
        );
        assert_eq!(km.label(Mode::Editor, Action::Submit), "ctrl-s");
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("no-such-action")));
        assert!(warnings.iter().any(|w| w.contains("hyper-x")));
        assert!(warnings.iter().any(|w| w.contains("nowhere")));
    }
}
