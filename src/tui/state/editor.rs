//! The prompt editor: the prompt (multi-line), the system prompt, and the request parameters that
//! apply to every pane; plus the history of earlier prompts.

use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use crate::provider::Params;
use crate::strings::tui as s;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Prompt,
    System,
    Temperature,
    MaxTokens,
}

impl Field {
    pub const ALL: [Field; 4] = [
        Field::Prompt,
        Field::System,
        Field::Temperature,
        Field::MaxTokens,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Prompt => s::FIELD_PROMPT,
            Field::System => s::FIELD_SYSTEM,
            Field::Temperature => s::FIELD_TEMPERATURE,
            Field::MaxTokens => s::FIELD_MAX_TOKENS,
        }
    }

    fn index(self) -> usize {
        match self {
            Field::Prompt => 0,
            Field::System => 1,
            Field::Temperature => 2,
            Field::MaxTokens => 3,
        }
    }
}

#[derive(Debug)]
pub struct EditorState {
    fields: [TextArea<'static>; 4],
    pub active: Field,
    pub history: Vec<String>,
    /// Position while browsing the history (None: editing a new prompt).
    pub hist_pos: Option<usize>,
    /// The unsent text kept while browsing the history.
    draft: String,
}

impl Default for EditorState {
    fn default() -> Self {
        let mut prompt = TextArea::default();
        prompt.set_placeholder_text(s::PROMPT_PLACEHOLDER);
        let mut system = TextArea::default();
        system.set_placeholder_text(s::SYSTEM_PLACEHOLDER);
        let mut temp = TextArea::default();
        temp.set_placeholder_text(s::DEFAULT_PLACEHOLDER);
        let mut max = TextArea::default();
        max.set_placeholder_text(s::DEFAULT_PLACEHOLDER);
        EditorState {
            fields: [prompt, system, temp, max],
            active: Field::Prompt,
            history: Vec::new(),
            hist_pos: None,
            draft: String::new(),
        }
    }
}

impl EditorState {
    pub fn area(&self, f: Field) -> &TextArea<'static> {
        &self.fields[f.index()]
    }

    fn area_mut(&mut self, f: Field) -> &mut TextArea<'static> {
        &mut self.fields[f.index()]
    }

    pub fn text(&self, f: Field) -> String {
        self.area(f).lines().join("\n")
    }

    pub fn set_text(&mut self, f: Field, text: &str) {
        let mut ta = TextArea::new(text.split('\n').map(str::to_string).collect());
        let old = self.area(f);
        if let Some(p) = Some(old.placeholder_text().to_string()).filter(|p| !p.is_empty()) {
            ta.set_placeholder_text(p);
        }
        ta.move_cursor(ratatui_textarea::CursorMove::Bottom);
        ta.move_cursor(ratatui_textarea::CursorMove::End);
        *self.area_mut(f) = ta;
    }

    /// Number of lines of the prompt (for the editor's height).
    pub fn prompt_lines(&self) -> usize {
        self.area(Field::Prompt).lines().len().max(1)
    }

    /// Pass a key to the active field. Single-line fields refuse newlines.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        self.hist_pos = None;
        self.area_mut(self.active).input(key)
    }

    pub fn insert_str(&mut self, text: &str) -> bool {
        let text = text.replace("\r\n", "\n");
        if matches!(self.active, Field::Temperature | Field::MaxTokens) {
            let one: String = text.chars().filter(|c| !c.is_control()).collect();
            return self.area_mut(self.active).insert_str(one);
        }
        self.area_mut(self.active).insert_str(text)
    }

    pub fn newline(&mut self) {
        if matches!(self.active, Field::Prompt | Field::System) {
            self.area_mut(self.active).insert_newline();
        }
    }

    pub fn next_field(&mut self) {
        let i = (self.active.index() + 1) % Field::ALL.len();
        self.active = Field::ALL[i];
    }

    /// The parameters typed into the editor, or a message naming the bad field.
    pub fn params(&self) -> Result<Params, String> {
        let t = self.text(Field::Temperature);
        let t = t.trim();
        let temperature = if t.is_empty() {
            None
        } else {
            match t.parse::<f32>() {
                Ok(v) if (0.0..=2.0).contains(&v) => Some(v),
                _ => return Err(s::bad_temperature(t)),
            }
        };
        let m = self.text(Field::MaxTokens);
        let m = m.trim();
        let max_tokens = if m.is_empty() {
            None
        } else {
            match m.parse::<u32>() {
                Ok(v) if v > 0 => Some(v),
                _ => return Err(s::bad_max_tokens(m)),
            }
        };
        Ok(Params {
            temperature,
            max_tokens,
            seed: None,
        })
    }

    pub fn system(&self) -> Option<String> {
        let s = self.text(Field::System);
        (!s.trim().is_empty()).then_some(s)
    }

    /// Take the prompt for sending: recorded in the history, the field cleared.
    pub fn take_prompt(&mut self) -> Option<String> {
        let text = self.text(Field::Prompt);
        if text.trim().is_empty() {
            return None;
        }
        if self.history.last() != Some(&text) {
            self.history.push(text.clone());
        }
        self.hist_pos = None;
        self.draft.clear();
        self.set_text(Field::Prompt, "");
        self.active = Field::Prompt;
        Some(text)
    }

    pub fn history_prev(&mut self) {
        if self.history.is_empty() {
            return;
        }
        let pos = match self.hist_pos {
            None => {
                self.draft = self.text(Field::Prompt);
                self.history.len() - 1
            }
            Some(p) => p.saturating_sub(1),
        };
        self.hist_pos = Some(pos);
        let text = self.history[pos].clone();
        self.set_text(Field::Prompt, &text);
        self.active = Field::Prompt;
    }

    pub fn history_next(&mut self) {
        let Some(p) = self.hist_pos else { return };
        if p + 1 < self.history.len() {
            self.hist_pos = Some(p + 1);
            let text = self.history[p + 1].clone();
            self.set_text(Field::Prompt, &text);
        } else {
            self.hist_pos = None;
            let draft = std::mem::take(&mut self.draft);
            self.set_text(Field::Prompt, &draft);
        }
        self.active = Field::Prompt;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_walks_back_and_restores_the_draft() {
        let mut e = EditorState::default();
        for p in ["one", "two"] {
            e.set_text(Field::Prompt, p);
            assert_eq!(e.take_prompt().as_deref(), Some(p));
        }
        e.set_text(Field::Prompt, "draft");
        e.history_prev();
        assert_eq!(e.text(Field::Prompt), "two");
        e.history_prev();
        assert_eq!(e.text(Field::Prompt), "one");
        e.history_prev();
        assert_eq!(e.text(Field::Prompt), "one");
        e.history_next();
        assert_eq!(e.text(Field::Prompt), "two");
        e.history_next();
        assert_eq!(e.text(Field::Prompt), "draft");
    }

    #[test]
    fn params_parse_or_name_the_bad_field() {
        let mut e = EditorState::default();
        assert_eq!(e.params(), Ok(Params::default()));
        e.set_text(Field::Temperature, "0.7");
        e.set_text(Field::MaxTokens, "256");
        assert_eq!(
            e.params(),
            Ok(Params {
                temperature: Some(0.7),
                max_tokens: Some(256),
                seed: None
            })
        );
        e.set_text(Field::Temperature, "hot");
        assert!(e.params().unwrap_err().contains("hot"));
    }

    #[test]
    fn empty_prompt_is_not_sent() {
        let mut e = EditorState::default();
        e.set_text(Field::Prompt, "  \n ");
        assert_eq!(e.take_prompt(), None);
    }
}
