//! The model picker: fuzzy search over the catalog (discovered local models included), multi-select,
//! named model sets (presets) picked in one go.

use std::collections::BTreeMap;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatchConfig, Matcher, Utf32Str};

use crate::catalog::ResolvedModel;

/// Whether a model can be called right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Usable {
    Ready,
    /// The key's environment variable is not set (its name).
    NoKey(String),
    /// A local server that did not answer.
    Down,
    /// Not checked.
    Unknown,
}

/// One model offered by the picker.
#[derive(Clone, Debug, PartialEq)]
pub struct PickerItem {
    pub model: ResolvedModel,
    pub aliases: Vec<String>,
    pub usable: Usable,
}

impl PickerItem {
    pub fn new(model: ResolvedModel, usable: Usable) -> Self {
        PickerItem {
            model,
            aliases: Vec::new(),
            usable,
        }
    }

    fn haystack(&self) -> String {
        let mut h = self.model.id.clone();
        for a in &self.aliases {
            h.push(' ');
            h.push_str(a);
        }
        h
    }
}

/// A row of the picker list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    /// A named model set.
    Preset(String),
    /// An index into the catalog.
    Model(usize),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PickerState {
    pub query: String,
    /// Rows matching the query, best first (presets before models).
    pub rows: Vec<Row>,
    pub cursor: usize,
    /// Model ids chosen, in the order they were chosen.
    pub selected: Vec<String>,
}

impl PickerState {
    /// A picker with `selected` pre-chosen (the current panes).
    pub fn open(
        items: &[PickerItem],
        presets: &BTreeMap<String, Vec<String>>,
        selected: Vec<String>,
    ) -> Self {
        let mut p = PickerState {
            selected,
            ..PickerState::default()
        };
        p.refilter(items, presets);
        p
    }

    pub fn refilter(&mut self, items: &[PickerItem], presets: &BTreeMap<String, Vec<String>>) {
        self.rows = filter(&self.query, items, presets);
        if self.cursor >= self.rows.len() {
            self.cursor = self.rows.len().saturating_sub(1);
        }
    }

    pub fn type_char(
        &mut self,
        c: char,
        items: &[PickerItem],
        presets: &BTreeMap<String, Vec<String>>,
    ) {
        self.query.push(c);
        self.cursor = 0;
        self.refilter(items, presets);
    }

    pub fn backspace(&mut self, items: &[PickerItem], presets: &BTreeMap<String, Vec<String>>) {
        self.query.pop();
        self.cursor = 0;
        self.refilter(items, presets);
    }

    pub fn up(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn down(&mut self) {
        if self.cursor + 1 < self.rows.len() {
            self.cursor += 1;
        }
    }

    pub fn is_selected(&self, id: &str) -> bool {
        self.selected.iter().any(|s| s == id)
    }

    /// Toggle the row under the cursor; a preset replaces the selection with its models.
    pub fn toggle(&mut self, items: &[PickerItem], presets: &BTreeMap<String, Vec<String>>) {
        match self.rows.get(self.cursor) {
            Some(Row::Model(i)) => {
                if let Some(item) = items.get(*i) {
                    let id = &item.model.id;
                    if let Some(pos) = self.selected.iter().position(|s| s == id) {
                        self.selected.remove(pos);
                    } else {
                        self.selected.push(id.clone());
                    }
                }
            }
            Some(Row::Preset(name)) => {
                if let Some(models) = presets.get(name) {
                    self.selected = models.clone();
                }
            }
            None => {}
        }
    }
}

/// Fuzzy-filter presets and models by `query` (nucleo's scoring; an empty query keeps the
/// catalog's order).
pub fn filter(
    query: &str,
    items: &[PickerItem],
    presets: &BTreeMap<String, Vec<String>>,
) -> Vec<Row> {
    let q = query.trim();
    if q.is_empty() {
        let mut rows: Vec<Row> = presets.keys().cloned().map(Row::Preset).collect();
        rows.extend((0..items.len()).map(Row::Model));
        return rows;
    }
    let pattern = Pattern::parse(q, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(MatchConfig::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize, Row)> = Vec::new();
    for (name, models) in presets {
        let hay = format!("{name} {}", models.join(" "));
        if let Some(score) = pattern.score(Utf32Str::new(&hay, &mut buf), &mut matcher) {
            // Presets first when they match.
            scored.push((score.saturating_add(1 << 20), 0, Row::Preset(name.clone())));
        }
    }
    for (i, item) in items.iter().enumerate() {
        let hay = item.haystack();
        if let Some(score) = pattern.score(Utf32Str::new(&hay, &mut buf), &mut matcher) {
            scored.push((score, i, Row::Model(i)));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, r)| r).collect()
}
