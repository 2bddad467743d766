//! What a user can ask the workbench to do. Keys map to these through the [`super::keymap`];
//! the help screen lists them with their live bindings.

/// A user intent, named in the imperative. The config names them in kebab-case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Submit,
    Newline,
    /// Esc: cancel the streams, or (nothing streaming) leave the editor.
    CancelOrLeave,
    CancelPane,
    CancelAll,
    Retry,
    FocusNext,
    FocusPrev,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    ScrollTop,
    ScrollBottom,
    /// Scroll every pane together (toggle).
    ScrollTogether,
    Zoom,
    FoldReasoning,
    CopyAnswer,
    CopyCode,
    OpenPicker,
    Help,
    Quit,
    /// Go back to the prompt editor.
    Edit,
    HistoryPrev,
    HistoryNext,
    /// Move between the editor's fields: prompt, system prompt, temperature, max tokens.
    NextField,
    /// Keep only the focused pane for the next turns.
    ContinueWithThis,
    /// Open the session browser.
    OpenSessions,
    /// Replay a prompt set across the panes' models (asks for its path).
    OpenReplay,
    /// Send the last turn's prompt again to models chosen in the picker.
    RerunOnModels,
    /// Vote for the best answer of the turn (then a pane number, `=` for a tie).
    Vote,
    /// Vote: a tie / all bad.
    VoteTie,
    /// Blind mode for the next turn: names hidden and panes shuffled until the vote.
    BlindMode,
    // Picker and lists.
    Up,
    Down,
    Toggle,
    Confirm,
    Close,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Submit,
        Action::Newline,
        Action::CancelOrLeave,
        Action::CancelPane,
        Action::CancelAll,
        Action::Retry,
        Action::FocusNext,
        Action::FocusPrev,
        Action::ScrollUp,
        Action::ScrollDown,
        Action::PageUp,
        Action::PageDown,
        Action::ScrollTop,
        Action::ScrollBottom,
        Action::ScrollTogether,
        Action::Zoom,
        Action::FoldReasoning,
        Action::CopyAnswer,
        Action::CopyCode,
        Action::OpenPicker,
        Action::Help,
        Action::Quit,
        Action::Edit,
        Action::HistoryPrev,
        Action::HistoryNext,
        Action::NextField,
        Action::ContinueWithThis,
        Action::OpenSessions,
        Action::OpenReplay,
        Action::RerunOnModels,
        Action::Vote,
        Action::VoteTie,
        Action::BlindMode,
        Action::Up,
        Action::Down,
        Action::Toggle,
        Action::Confirm,
        Action::Close,
    ];

    /// The name used in config files (`[keymap.panes] "x" = "cancel-pane"`).
    pub fn name(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Newline => "newline",
            Action::CancelOrLeave => "cancel",
            Action::CancelPane => "cancel-pane",
            Action::CancelAll => "cancel-all",
            Action::Retry => "retry",
            Action::FocusNext => "focus-next",
            Action::FocusPrev => "focus-prev",
            Action::ScrollUp => "scroll-up",
            Action::ScrollDown => "scroll-down",
            Action::PageUp => "page-up",
            Action::PageDown => "page-down",
            Action::ScrollTop => "scroll-top",
            Action::ScrollBottom => "scroll-bottom",
            Action::ScrollTogether => "scroll-together",
            Action::Zoom => "zoom",
            Action::FoldReasoning => "fold-reasoning",
            Action::CopyAnswer => "copy-answer",
            Action::CopyCode => "copy-code",
            Action::OpenPicker => "open-picker",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Edit => "edit",
            Action::HistoryPrev => "history-prev",
            Action::HistoryNext => "history-next",
            Action::NextField => "next-field",
            Action::ContinueWithThis => "continue-with-this",
            Action::OpenSessions => "open-sessions",
            Action::OpenReplay => "open-replay",
            Action::RerunOnModels => "rerun-on-models",
            Action::Vote => "vote",
            Action::VoteTie => "vote-tie",
            Action::BlindMode => "blind-mode",
            Action::Up => "up",
            Action::Down => "down",
            Action::Toggle => "toggle",
            Action::Confirm => "confirm",
            Action::Close => "close",
        }
    }

    pub fn from_name(s: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == s)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn names_round_trip_and_are_unique() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
        let mut names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
