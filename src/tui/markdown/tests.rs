//! Tests on the rendered lines: text, widths and styles.

use proptest::prelude::*;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use unicode_width::UnicodeWidthStr;

use super::*;
use crate::tui::theme::{Slot, Theme};

fn theme() -> Theme {
    Theme::dark()
}

fn text_of(lines: &[Line<'_>]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

fn max_width(lines: &[Line<'_>]) -> usize {
    lines
        .iter()
        .map(|l| l.to_string().width())
        .max()
        .unwrap_or(0)
}

#[test]
fn heading_uses_heading_slot() {
    let t = theme();
    let lines = render("# Title\n\nbody", 40, &t);
    assert_eq!(text_of(&lines), ["# Title", "", "body"]);
    let heading = t.style(Slot::Heading);
    for span in &lines[0].spans {
        assert_eq!(span.style, t.style(Slot::Base).patch(heading), "{span:?}");
    }
    assert!(
        lines[2]
            .spans
            .iter()
            .all(|s| s.style == t.style(Slot::Base))
    );
}

#[test]
fn emphasis_strong_inline_code_and_links() {
    let t = theme();
    let lines = render("a *b* **c** `d` [e](http://x.y) <http://z.w>", 80, &t);
    assert_eq!(text_of(&lines), ["a b c d e (http://x.y) http://z.w"]);
    let style_of = |needle: &str| {
        lines[0]
            .spans
            .iter()
            .find(|s| s.content.contains(needle))
            .map(|s| s.style)
            .expect(needle)
    };
    let base = t.style(Slot::Base);
    assert_eq!(style_of("b"), base.patch(t.style(Slot::Emphasis)));
    assert_eq!(style_of("c"), base.patch(t.style(Slot::Strong)));
    assert_eq!(style_of("d"), base.patch(t.style(Slot::InlineCode)));
    assert_eq!(style_of("e"), base.patch(t.style(Slot::Link)));
    assert_eq!(style_of("(http://x.y)"), base.patch(t.style(Slot::LinkUrl)));
}

#[test]
fn lists_have_hanging_indent_and_nest() {
    let md =
        "- first item that is long enough to wrap\n- second\n  - nested item\n\n1. one\n2. two";
    let lines = render(md, 20, &theme());
    assert_eq!(
        text_of(&lines),
        [
            "• first item that is",
            "  long enough to",
            "  wrap",
            "• second",
            "  ◦ nested item",
            "",
            "1. one",
            "2. two",
        ]
    );
}

#[test]
fn loose_list_and_quote() {
    let lines = render("- a\n\n  b\n- c\n\n> quoted text\n> more", 30, &theme());
    assert_eq!(
        text_of(&lines),
        ["• a", "", "  b", "", "• c", "", "│ quoted text more"]
    );
    let quote = theme().style(Slot::Quote);
    assert_eq!(lines[6].spans[0].style, quote);
}

#[test]
fn rule_spans_the_width() {
    let lines = render("a\n\n---\n\nb", 12, &theme());
    assert_eq!(text_of(&lines), ["a", "", "────────────", "", "b"]);
}

#[test]
fn table_is_aligned_by_display_width() {
    let md = "| name | 値 | n |\n|:-----|:--:|--:|\n| 日本語 | x | 1 |\n| a | yy | 100 |";
    let lines = render(md, 60, &theme());
    let text = text_of(&lines);
    assert_eq!(text.len(), 4, "{text:?}");
    // Every row has its separators at the same display columns.
    let cols = |s: &str| {
        let mut w = 0;
        let mut out = Vec::new();
        for c in s.chars() {
            if c == '│' || c == '┼' {
                out.push(w);
            }
            w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
        out
    };
    for row in &text {
        assert_eq!(cols(row), cols(&text[0]), "{text:#?}");
    }
    assert_eq!(text[2], "日本語 │ x  │   1");
    assert_eq!(text[3], "a      │ yy │ 100");
    let header = theme().style(Slot::TableHeader);
    assert!(
        lines[0]
            .spans
            .iter()
            .any(|s| s.content == "name" && s.style.patch(header) == s.style)
    );
}

#[test]
fn too_wide_table_is_cut_or_stacked_never_garbled() {
    let md = "| key | description |\n|---|---|\n| alpha | a rather long description that does not fit |\n| beta | short |";
    let cut = render(md, 30, &theme());
    assert!(max_width(&cut) <= 30, "{:#?}", text_of(&cut));
    assert!(
        text_of(&cut).iter().any(|l| l.ends_with('…')),
        "{:#?}",
        text_of(&cut)
    );
    let stacked = render(md, 14, &theme());
    let text = text_of(&stacked);
    assert!(max_width(&stacked) <= 14, "{text:#?}");
    assert!(text.contains(&"key: alpha".to_string()), "{text:#?}");
    assert!(
        text.iter().any(|l| l.starts_with("description:")),
        "{text:#?}"
    );
}

#[test]
fn cjk_paragraph_wraps_within_width() {
    let md = "日本語の文章はスペースなしで折り返されます。中文也是一样的，每个字都可以换行。";
    for width in [2u16, 3, 7, 10, 17, 30] {
        let lines = render(md, width, &theme());
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(
                l.to_string().width() <= usize::from(width),
                "{width}: {l:?}"
            );
        }
        assert_eq!(text_of(&lines).concat(), md);
    }
}

#[test]
fn emoji_and_combining_marks_are_measured() {
    let md = "👍 café 👨‍👩‍👧 e\u{301}e\u{301}e\u{301} 🎉🎉🎉🎉🎉🎉";
    let lines = render(md, 8, &theme());
    for l in &lines {
        assert!(l.to_string().width() <= 8, "{l:?}");
    }
    assert_eq!(
        text_of(&lines).concat().replace(' ', ""),
        md.replace(' ', "")
    );
}

#[test]
fn long_word_is_broken() {
    let md = "see https://example.com/a/very/long/path/that/goes/on";
    let lines = render(md, 12, &theme());
    assert!(max_width(&lines) <= 12);
    assert_eq!(text_of(&lines).concat(), md.replace(' ', ""));
}

#[test]
fn code_block_is_highlighted_and_not_reflowed() {
    let md = "```rust\nfn main() {\n    let x = \"hello\"; // hi\n}\n```\n";
    let t = theme();
    let lines = render(md, 80, &t);
    assert_eq!(
        text_of(&lines),
        [
            "```rust",
            "fn main() {",
            "    let x = \"hello\"; // hi",
            "}",
            "```"
        ]
    );
    let colours: std::collections::BTreeSet<String> = lines[1..4]
        .iter()
        .flat_map(|l| l.spans.iter())
        .filter_map(|s| s.style.fg)
        .map(|c| format!("{c:?}"))
        .collect();
    assert!(colours.len() > 1, "{colours:?}");
    assert_eq!(lines[0].spans[0].style, t.style(Slot::CodeFence));
}

#[test]
fn long_code_line_is_hard_wrapped_with_a_marker() {
    let md = "```\nabcdefghijklmnopqrstuvwxyz\n```";
    let lines = render(md, 10, &theme());
    assert_eq!(
        text_of(&lines),
        ["```", "abcdefghij", "↪ klmnopqr", "↪ stuvwxyz", "```"]
    );
}

#[test]
fn unknown_language_is_plain() {
    let t = theme();
    let lines = render("```nosuchlang\nx = 1\n```", 40, &t);
    assert_eq!(lines[1].spans.len(), 1);
    assert_eq!(lines[1].spans[0].style, t.style(Slot::CodeBlock));
}

#[test]
fn unclosed_fence_renders_as_code_so_far() {
    let t = theme();
    let md = "Intro\n\n```python\ndef f():\n    return 1\n\n# not a heading";
    let lines = render(md, 40, &t);
    assert_eq!(
        text_of(&lines),
        [
            "Intro",
            "",
            "```python",
            "def f():",
            "    return 1",
            "",
            "# not a heading"
        ]
    );
    // The comment line is code, not a heading.
    assert!(
        lines[6]
            .spans
            .iter()
            .all(|s| s.style != t.style(Slot::Base).patch(t.style(Slot::Heading)))
    );
    // The intro paragraph is unaffected by the open fence.
    assert_eq!(render("Intro", 40, &t)[0], lines[0]);
}

#[test]
fn escape_sequences_never_reach_a_cell() {
    let md = "a\x1b[2J\x1b[31mred\x1b[0m \x1b]52;c;aGVsbG8=\x07b\n\n```\nx\x1b]0;title\x07y\t|\n```\n| a\x1b[1m | b |\n|---|---|\n| c\u{9b}1;1H | d |";
    let lines = render(md, 40, &theme());
    for l in &lines {
        for s in &l.spans {
            assert!(!s.content.chars().any(|c| c.is_control()), "{s:?}");
        }
    }
    assert_eq!(text_of(&lines)[0], "ared b");
    assert!(
        text_of(&lines).contains(&"xy  |".to_string()),
        "{:#?}",
        text_of(&lines)
    );
    let plain = wrap_plain("r\x1b[31mx\x07\ty", 20, Style::default());
    assert_eq!(text_of(&plain), ["rx    y"]);
}

#[test]
fn width_zero_and_one_never_panic() {
    let md = "# H\n\n- a\n  - b 日本\n\n> q\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn x() {}\n```\n\n---\n\n👍👍";
    for w in [0u16, 1, 2] {
        let lines = render(md, w, &theme());
        assert!(!lines.is_empty());
        let mut cache = MdCache::new();
        cache.sync(md, w, &theme());
        let _ = cache.lines(0, 100);
        let _ = wrap_plain(md, w, Style::default());
    }
}

#[test]
fn wrap_plain_keeps_newlines_and_indent() {
    let s = Style::default().fg(Color::Indexed(8));
    let lines = wrap_plain("one two three\n  indented\n\nend", 8, s);
    assert_eq!(
        text_of(&lines),
        ["one two", "three", "  indent", "ed", "", "end"]
    );
    assert!(
        lines
            .iter()
            .flat_map(|l| l.spans.iter())
            .all(|sp| sp.style == s)
    );
}

#[test]
fn code_blocks_are_listed() {
    let md = "x\n\n```rust\nfn a() {}\n```\n\n    indented\n\n```py\nopen\x1b[2J";
    assert_eq!(
        code_blocks(md),
        [
            CodeBlock {
                lang: Some("rust".into()),
                code: "fn a() {}\n".into()
            },
            CodeBlock {
                lang: None,
                code: "indented\n".into()
            },
            CodeBlock {
                lang: Some("py".into()),
                code: "open".into()
            },
        ]
    );
}

#[test]
fn cache_window_and_width_change() {
    let t = theme();
    let md = "para one\n\npara two is here\n\n- x\n- y";
    let mut c = MdCache::new();
    c.sync(md, 40, &t);
    assert_eq!(c.line_count(), 6);
    assert_eq!(text_of(c.lines(2, 1)), ["para two is here"]);
    assert!(c.lines(10, 5).is_empty());
    c.sync(md, 8, &t);
    assert_eq!(text_of(c.lines(0, 100)), text_of(&render(md, 8, &t)));
    let light = Theme::load("light", None).expect("light");
    c.sync(md, 8, &light);
    assert_eq!(c.lines(0, 100), &render(md, 8, &light)[..]);
    // A different text (a retried pane) starts over.
    c.sync("new", 8, &light);
    assert_eq!(text_of(c.lines(0, 100)), ["new"]);
}

#[test]
fn plain_cache_matches_wrap_plain() {
    let s = Style::default();
    let text =
        "Thinking about it.\n\n  Step one: a long line that wraps here\nstep two 日本語の文章\n";
    let mut c = PlainCache::new();
    for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
        c.sync(&text[..end], 12, s);
        assert_eq!(
            c.lines(0, usize::MAX),
            &wrap_plain(&text[..end], 12, s)[..],
            "{end}"
        );
    }
}

fn md_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# Heading\n".to_string()),
        Just("## Sub *head*\n".to_string()),
        Just("plain words flowing along the line ".to_string()),
        Just("日本語の文章と中文。".to_string()),
        Just("**bold** and *it* and `code` ".to_string()),
        Just("[link](http://a.b/c) ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("- item one\n".to_string()),
        Just("  - nested\n".to_string()),
        Just("1. first\n".to_string()),
        Just("> quote line\n".to_string()),
        Just("```rust\nfn main() { let x = 1; }\n".to_string()),
        Just("```\n".to_string()),
        Just("    indented code\n".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        Just("---\n".to_string()),
        Just("👍🎉 ".to_string()),
        Just("x\x1b[31my ".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Appending a text step by step gives the same lines as rendering the whole at once.
    #[test]
    fn incremental_sync_equals_fresh_render(
        pieces in prop::collection::vec(md_piece(), 1..24),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 1..12),
        width in 1u16..50,
    ) {
        let _ = highlight::blocking();
        let text: String = pieces.concat();
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(text.len() + 1)).collect();
        points.sort_unstable();
        let t = theme();
        let mut cache = MdCache::new();
        for p in points {
            let mut p = p;
            while !text.is_char_boundary(p) { p -= 1; }
            cache.sync_complete(&text[..p], width, &t);
            let fresh = render(&text[..p], width, &t);
            prop_assert_eq!(cache.lines(0, usize::MAX), &fresh[..]);
        }
        cache.sync_complete(&text, width, &t);
        let fresh = render(&text, width, &t);
        prop_assert_eq!(cache.lines(0, usize::MAX), &fresh[..]);
    }
}

/// With no time for highlighting, code starts plain and later syncs finish it, near the view
/// first; the end result is the same as a complete render.
#[test]
fn highlighting_catches_up_over_later_syncs() {
    let t = theme();
    let h = highlight::blocking();
    let mut text = String::new();
    for i in 0..30 {
        text.push_str(&format!("Para {i}\n\n```rust\n"));
        for j in 0..12 {
            text.push_str(&format!("let s{j} = \"x\"; // {i}\n"));
        }
        text.push_str("```\n\n");
    }
    let mut cache = MdCache::new();
    let past = std::time::Instant::now();
    cache.sync_with(&text, 40, &t, Some(h), Some(past));
    assert!(cache.has_pending());
    let full = render(&text, 40, &t);
    assert_eq!(cache.line_count(), full.len());
    assert_ne!(cache.lines(0, usize::MAX), &full[..]);
    // The window near the end is highlighted first.
    let _ = cache.lines(full.len() - 10, 10);
    cache.sync_with(&text, 40, &t, Some(h), Some(past));
    assert_eq!(cache.lines(full.len() - 10, 10), &full[full.len() - 10..]);
    let mut rounds = 0;
    while cache.has_pending() {
        cache.sync(&text, 40, &t);
        rounds += 1;
        assert!(rounds < 1000, "highlighting never finished");
    }
    assert_eq!(cache.lines(0, usize::MAX), &full[..]);
    // A width change keeps what was highlighted: the new layout is complete at once.
    cache.sync_with(&text, 30, &t, Some(h), Some(past));
    assert!(!cache.has_pending());
    assert_eq!(cache.lines(0, usize::MAX), &render(&text, 30, &t)[..]);
}

/// A code block streamed line by line is highlighted as it grows, equal to a fresh render.
#[test]
fn streaming_code_block_stays_highlighted() {
    let t = theme();
    let mut text = String::from("Here:\n\n```rust\n");
    let mut cache = MdCache::new();
    for i in 0..40 {
        text.push_str(&format!("let v{i} = \"s{i}\"; // c"));
        cache.sync_complete(&text, 50, &t);
        assert_eq!(cache.lines(0, usize::MAX), &render(&text, 50, &t)[..]);
        text.push('\n');
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the markdown, no rendered line is wider than the pane (from 2 columns up, where
    /// every grapheme fits) and no control character reaches a span.
    #[test]
    fn no_line_is_wider_than_the_pane(
        pieces in prop::collection::vec(md_piece(), 1..24),
        width in 2u16..60,
    ) {
        let text: String = pieces.concat();
        for line in render(&text, width, &theme()) {
            let s = line.to_string();
            prop_assert!(s.width() <= usize::from(width), "{width}: {s:?}");
            prop_assert!(!s.chars().any(char::is_control), "{s:?}");
        }
    }
}
