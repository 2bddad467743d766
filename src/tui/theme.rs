//! Themes: semantic slots only. Render code asks `theme.style(Slot::X)` and never names a colour.
//! Shipped themes live in themes/*.toml (embedded); users add their own in the config's themes
//! folder.

use ratatui::style::{Color, Modifier, Style};

/// What a piece of the screen means. Themes map each slot to a style.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Base,
    Muted,
    Accent,
    Border,
    BorderFocused,
    Title,
    Error,
    Warn,
    Ok,
    MetricLabel,
    MetricValue,
    /// A figure that is an estimate (`~`).
    Estimated,
    Selection,
    BadgeOpen,
    BadgeClosed,
    Simulated,
    Reasoning,
    Heading,
    Emphasis,
    Strong,
    InlineCode,
    CodeBlock,
    Link,
    Quote,
    Sparkline,
    Spinner,
    StatusBar,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    /// The syntect theme used for code blocks.
    pub syntect: String,
    styles: std::collections::BTreeMap<Slot, Style>,
}

impl Theme {
    pub fn style(&self, slot: Slot) -> Style {
        self.styles.get(&slot).copied().unwrap_or_default()
    }

    /// The built-in dark theme (a fallback until themes/*.toml are loaded).
    pub fn dark() -> Theme {
        use Slot::*;
        let fg = |c: Color| Style::default().fg(c);
        let styles = [
            (Base, Style::default()),
            (Muted, fg(Color::DarkGray)),
            (Accent, fg(Color::Cyan)),
            (Border, fg(Color::DarkGray)),
            (BorderFocused, fg(Color::Cyan)),
            (Title, fg(Color::White).add_modifier(Modifier::BOLD)),
            (Error, fg(Color::Red)),
            (Warn, fg(Color::Yellow)),
            (Ok, fg(Color::Green)),
            (MetricLabel, fg(Color::DarkGray)),
            (MetricValue, fg(Color::White)),
            (Estimated, fg(Color::Yellow)),
            (Selection, Style::default().bg(Color::DarkGray)),
            (BadgeOpen, fg(Color::Green)),
            (BadgeClosed, fg(Color::Magenta)),
            (Simulated, fg(Color::Yellow).add_modifier(Modifier::ITALIC)),
            (
                Reasoning,
                fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            ),
            (Heading, fg(Color::Cyan).add_modifier(Modifier::BOLD)),
            (Emphasis, Style::default().add_modifier(Modifier::ITALIC)),
            (Strong, Style::default().add_modifier(Modifier::BOLD)),
            (InlineCode, fg(Color::LightYellow)),
            (CodeBlock, Style::default()),
            (Link, fg(Color::Blue).add_modifier(Modifier::UNDERLINED)),
            (Quote, fg(Color::Gray)),
            (Sparkline, fg(Color::Cyan)),
            (Spinner, fg(Color::Cyan)),
            (StatusBar, fg(Color::Gray)),
        ]
        .into_iter()
        .collect();
        Theme {
            name: "dark".into(),
            syntect: "base16-ocean.dark".into(),
            styles,
        }
    }
}
