//! Search: user text → an SQL condition. Every word must appear (case-insensitive substring) in
//! the title, in one prompt or in one answer. Words of three characters or more go to the FTS5
//! trigram index as quoted strings (inside quotes `*`, `-`, `:`, `(`, `^` are plain characters,
//! and a `"` is doubled); shorter words (two CJK characters, `C#`) use LIKE with `%`, `_` and
//! `\` escaped. User text is always bound as a parameter, never spliced into SQL.

/// None when the text has no words (list everything).
pub(super) fn filter(text: &str) -> Option<(String, Vec<String>)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let (long, short): (Vec<&str>, Vec<&str>) = words.iter().partition(|w| w.chars().count() >= 3);
    let mut args = Vec::new();
    let mut in_docs = Vec::new();
    for table in ["prompts_fts", "answers_fts"] {
        let mut conds = Vec::new();
        if !long.is_empty() {
            args.push(fts_query(&long));
            conds.push(format!("{table} MATCH ?{}", args.len()));
        }
        for w in &short {
            args.push(like_pattern(w));
            conds.push(format!("body LIKE ?{} ESCAPE '\\'", args.len()));
        }
        in_docs.push(format!(
            "SELECT session_id FROM {table} WHERE {}",
            conds.join(" AND ")
        ));
    }
    let mut title = Vec::new();
    for w in &words {
        args.push(like_pattern(w));
        title.push(format!("s.title LIKE ?{} ESCAPE '\\'", args.len()));
    }
    let clause = format!(
        "(s.id IN ({} UNION {}) OR ({}))",
        in_docs[0],
        in_docs[1],
        title.join(" AND ")
    );
    Some((clause, args))
}

/// `"word1" "word2"`: an implicit AND of literal strings.
fn fts_query(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn like_pattern(w: &str) -> String {
    let mut p = String::with_capacity(w.len() + 2);
    p.push('%');
    for c in w.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_short_words_use_like() {
        let (clause, args) = filter("say \"hi\" 日本 5%").unwrap_or_default();
        assert!(clause.contains("MATCH"));
        assert_eq!(args[0], "\"say\" \"\"\"hi\"\"\"");
        assert!(args.contains(&"%日本%".to_owned()));
        assert!(args.contains(&"%5\\%%".to_owned()));
        assert!(filter("   ").is_none());
    }
}
