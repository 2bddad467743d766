//! Search: user text → an SQL condition (case-insensitive substring matches; see [`filter`]). Words of three characters or more go to the FTS5
//! trigram index as quoted strings (inside quotes `*`, `-`, `:`, `(`, `^` are plain characters,
//! and a `"` is doubled); shorter words (two CJK characters, `C#`) use LIKE with `%`, `_` and
//! `\` escaped. User text is always bound as a parameter, never spliced into SQL.

/// None when the text has no words (list everything). Words of three characters or more must
/// all appear in one prompt or one answer (one FTS5 query per table, fast even when a word is
/// in every session), or all in the title; each shorter word must appear somewhere in the
/// session.
pub(super) fn filter(text: &str) -> Option<(String, Vec<String>)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let (long, short): (Vec<&str>, Vec<&str>) = words.iter().partition(|w| w.chars().count() >= 3);
    let mut args: Vec<String> = Vec::new();
    let mut conds = Vec::new();
    if !long.is_empty() {
        args.push(fts_query(&long));
        let m = args.len();
        let mut title = Vec::new();
        for w in &long {
            args.push(like_pattern(w));
            title.push(format!("s.title LIKE ?{} ESCAPE '\\'", args.len()));
        }
        conds.push(format!(
            "(s.id IN (SELECT session_id FROM prompts_fts WHERE prompts_fts MATCH ?{m}) \
             OR s.id IN (SELECT session_id FROM answers_fts WHERE answers_fts MATCH ?{m}) \
             OR ({}))",
            title.join(" AND ")
        ));
    }
    for w in short {
        // Too short for the trigram index: LIKE over this session's rows only (found
        // through the primary keys), so a newest-first page stops early.
        args.push(like_pattern(w));
        let l = args.len();
        conds.push(format!(
            "(s.title LIKE ?{l} ESCAPE '\\' \
             OR EXISTS (SELECT 1 FROM turns t WHERE t.session_id = s.id AND t.prompt LIKE ?{l} ESCAPE '\\') \
             OR EXISTS (SELECT 1 FROM responses r WHERE r.session_id = s.id AND r.text LIKE ?{l} ESCAPE '\\'))"
        ));
    }
    Some((conds.join(" AND "), args))
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
